import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export { ROOT, tempDir } from '../support.ts';

/**
 * Writes a tiny base scenario and an experiment using it into `dir` and returns the experiment's
 * path. The base is written here rather than taken from scenarios/ so tests do not move when the
 * stock scenarios are recalibrated.
 */
export function writeExperiment(dir: string, experiment: string, base = 'name: tiny\nseed: 1\nticks: 10\nworld: { residents: 2000 }\n'): string {
  writeFileSync(join(dir, 'tiny.yaml'), base);
  const path = join(dir, 'experiment.yaml');
  writeFileSync(path, experiment);
  return path;
}

/** A small factorial experiment: 2 × 2 points × 2 replications = 8 runs. */
export const SMALL = `name: small
base: tiny.yaml
seed: 5
replications: 2
parameters:
  talent.barrier: [0.3, 1.5]
  rights.rentShare: { from: 0.1, to: 0.5, step: 0.4 }
metrics: [verdict, dpd_final, dpd_change, halving_tick, rural_share, final.gini]
`;

/** Every file under `dir` (relative path → bytes), for byte-for-byte folder comparisons. */
export function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

/** Asserts-friendly comparison: the list of files that differ or exist on one side only. */
export function treeDiff(a: string, b: string): string[] {
  const ta = tree(a);
  const tb = tree(b);
  const diff: string[] = [];
  for (const [k, v] of ta) if (tb.get(k) !== v) diff.push(tb.has(k) ? `differs: ${k}` : `only in ${a}: ${k}`);
  for (const k of tb.keys()) if (!ta.has(k)) diff.push(`only in ${b}: ${k}`);
  return diff;
}
