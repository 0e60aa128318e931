import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/calibrate/simulate.ts';
import { loadScenario } from '../../src/scenario/load.ts';

export { tempDir } from '../support.ts';

/**
 * A small world (400 residents, 4 places, 12 ticks; a few milliseconds a run) whose residents
 * start with little access, so the share at divide level ≥ 1 climbs over the run.
 */
export const TINY = `name: tiny
seed: 1
ticks: 12
metrics: { placeSnapshots: false }
world:
  residents: 400
  rings:
    - { label: core, count: 1, radius: 0, class: urban, popShare: 0.4, tech: 0.9, capital: 3, rights: 0.8, skill: 0.6, access: 0.1 }
    - { label: towns, count: 3, radius: 2, class: rural, popShare: 0.6, tech: 0.5, capital: 1, rights: 0.4, skill: 0.3, access: 0.05 }
`;

/** Parameters with their true values, as --set arguments. */
export type Truth = Record<string, number>;

/**
 * Writes tiny.yaml and observed.csv: "internet penetration" in percent (urd's share at divide
 * level ≥ 1 × 100) by scope urban and rural at every tick, from one run of urd itself at the
 * true parameters with `seed` (not one of the calibration's seeds: the data carry their own
 * seed noise, as real data would). `distort` may change an observed value (a break in the data).
 */
export function writeObserved(dir: string, truth: Truth, seed: number, distort: (tick: number, scope: string, v: number) => number = (_t, _s, v) => v): void {
  writeFileSync(join(dir, 'tiny.yaml'), TINY);
  const scenario = loadScenario(join(dir, 'tiny.yaml'), { set: Object.entries(truth).map(([k, v]) => `${k}=${v}`), seed });
  const ticks = Array.from({ length: scenario.ticks + 1 }, (_, t) => t);
  const scopes = ['urban', 'rural'];
  const sims = simulate({ scenario, probes: scopes.map((scope) => ({ scope, metrics: ['level1', 'level2', 'level3'], scale: 100, ticks })) });
  let csv = 'tick,scope,metric,value,year\n';
  scopes.forEach((scope, i) => ticks.forEach((t, k) => (csv += `${t},${scope},internet penetration,${distort(t, scope, sims[i][k])},${2008 + t}\n`)));
  writeFileSync(join(dir, 'observed.csv'), csv);
}

/** A calibration of p, q and the towns' initial access against observed.csv, the last 3 ticks held out. */
export function calibrationYaml(extra = ''): string {
  return `name: recovery
scenario: tiny.yaml
seed: 11
seeds: 2
observed:
  file: observed.csv
  metrics:
    internet penetration: { model: level>=1, scale: 100 }
parameters:
  diffusion.p: { min: 0.002, max: 0.2, prior: log-uniform }
  diffusion.q: { min: 0.05, max: 1.5 }
  world.rings.1.access: { min: 0, max: 0.6 }
fit: { holdOut: 3 }
${extra}`;
}
