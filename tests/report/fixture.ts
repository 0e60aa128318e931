/**
 * Synthetic run, sweep and comparison folders in urd's file formats, so the report tests do
 * not depend on the model's current behaviour (one test also reports a real run).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvLine } from '../../src/io/csv.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { gapVerdict, verdictSentences } from '../../src/metrics/verdict.ts';
import { LEVERS, scenarioSchema } from '../../src/scenario/schema.ts';

/** A fresh temporary folder. */
export function tempDir(prefix = 'urd-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Options of {@link writeFixtureRun}. */
export interface FixtureOptions {
  ticks?: number;
  placeRows?: boolean;
  interventions?: boolean;
  /** Shifts every gap, to tell scenarios apart in comparisons. */
  offset?: number;
  seed?: number;
  name?: string;
}

/** Writes a complete run folder (manifest, metrics, events, summary) with smooth synthetic series. */
export function writeFixtureRun(dir: string, o: FixtureOptions = {}): { summary: RunSummary } {
  const ticks = o.ticks ?? 20;
  const off = o.offset ?? 0;
  const seed = o.seed ?? 7;
  const scenario = scenarioSchema.parse({
    name: o.name ?? 'fixture',
    title: 'Fixture <world> & "friends"',
    description: 'A made-up world where the gap closes slowly & steadily.',
    question: 'Does the <gap> close?',
    seed,
    ticks,
    world: { residents: 1000 },
    interventions: o.interventions === false ? [] : [{ label: 'Village broadband', lever: 'policy', instrument: 'broadband', allocation: 'periphery-first', start: 3, end: 8, budget: 50 }, { lever: 'talent', instrument: 'training', start: 6, end: 15, budget: 30 }],
    metrics: { placeMetrics: o.placeRows !== false },
  });
  const rings = scenario.world.rings;
  const P = rings.reduce((n, r) => n + r.count, 0);
  const wobble = 0.01 * Math.sin(seed);
  mkdirSync(dir, { recursive: true });
  const lines: string[] = ['tick,scope,metric,value\n'];
  const last: Record<string, number> = {};
  const dpdSeries: number[] = [];
  for (let t = 0; t <= ticks; t++) {
    const f = t / ticks;
    const push = (scope: string, metric: string, value: number) => {
      lines.push(csvLine([t, scope, metric, value]));
      if (scope === 'all') last[metric] = value;
    };
    const scopes = ['all', 'urban', 'rural', ...rings.map((_, k) => `ring:${k}`)];
    scopes.forEach((scope, s) => {
      const lag = scope === 'rural' ? 0.5 : s >= 3 ? (s - 3) / rings.length : 0;
      const l3 = Math.min(0.95, 0.1 + f * (1 - lag) * 0.8);
      const l0 = Math.max(0, 0.3 * (1 - f) * (0.5 + lag));
      const l1 = 0.3 * (1 - f);
      push(scope, 'population', s === 0 ? 1000 : s === 1 ? 500 + 100 * f : s === 2 ? 500 - 100 * f : 250);
      push(scope, 'tau', 0.9 - lag * 0.5 * (1 - f));
      push(scope, 'capital_pc', 2 + f - lag);
      push(scope, 'talent', 1);
      push(scope, 'skill', 0.5 + 0.4 * f - 0.2 * lag);
      push(scope, 'level0', l0);
      push(scope, 'level1', l1);
      push(scope, 'level2', Math.max(0, 1 - l0 - l1 - l3));
      push(scope, 'level3', l3);
      push(scope, 'output_pc', 1.5 + f);
      push(scope, 'income_pc', 1.2 + f - 0.5 * lag);
      push(scope, 'rights', 0.8 - 0.3 * lag);
      push(scope, 'employment', 0.95);
    });
    const gap = (0.3 + off + wobble) * Math.exp(-3 * f);
    const stages = ['technology', 'capital', 'talent', 'production', 'rights'];
    stages.forEach((st, i) => push('all', `ratio_${st}`, Math.exp(gap * (1 + 0.4 * i))));
    const dpd = stages.reduce((s, _, i) => s + 0.2 * gap * (1 + 0.4 * i), 0);
    dpdSeries.push(dpd);
    push('all', 'dpd', dpd);
    push('all', 'frontier', 1.03 ** t);
    push('all', 'gini', 0.4 - 0.1 * f);
    push('all', 'theil', 0.3 - 0.1 * f);
    push('all', 'theil_between_class', 0.1 * (1 - f));
    push('all', 'theil_within_class', 0.2);
    push('all', 'theil_between_ring', 0.12 * (1 - f));
    push('all', 'theil_within_ring', 0.18);
    push('all', 'sigma_cv', 0.6 - 0.2 * f);
    push('all', 'sigma_sd_log', 0.5 - 0.1 * f);
    for (const [m, v] of [['capital', 300 * Math.sin(6 * f)], ['migrants', -40 * Math.cos(5 * f)]] as const) {
      push('all', `${m}_urban_to_rural`, Math.max(0, v));
      push('all', `${m}_rural_to_urban`, Math.max(0, -v));
      push('all', `${m}_net_to_rural`, v);
    }
    push('all', 'rent', 10);
    push('all', 'budget', 100);
    push('all', 'places_tipping', t % 3);
    LEVERS.forEach((lever, l) => {
      const on = (l === 0 && t >= 3 && t <= 8) || (l === 2 && t >= 6 && t <= 15) ? 1 : 0;
      rings.forEach((_, k) => push(`ring:${k}`, `spending_${lever}`, (on * [50, 0, 30][l] || 0) / rings.length));
      push('all', `spending_${lever}`, on * ([50, 0, 30][l] ?? 0));
    });
    if (o.placeRows !== false) {
      for (let p = 0; p < P; p++) {
        const ring = rings.findIndex((_, k) => p < rings.slice(0, k + 1).reduce((n, r) => n + r.count, 0));
        const lag = ring / rings.length;
        push(`place:${p}`, 'population', p % 17 === 5 && f > 0.5 ? 0 : 10);
        push(`place:${p}`, 'tau', 0.9 - lag * (1 - f) * 0.6 + 0.02 * Math.sin(p));
        push(`place:${p}`, 'capital_pc', 2 - lag + f);
        push(`place:${p}`, 'income_pc', 1 + f - lag * 0.5);
        push(`place:${p}`, 'level3', 0.1 + 0.8 * f * (1 - lag));
        push(`place:${p}`, 'rights', 0.8 - 0.3 * lag);
      }
    }
  }
  writeFileSync(join(dir, 'metrics.csv'), lines.join(''));
  writeFileSync(join(dir, 'events.ndjson'), JSON.stringify({ tick: 3, type: 'intervention-start', id: 0, lever: 'policy' }) + '\n');
  const gap = gapVerdict({
    dpd: dpdSeries,
    ruralShare: { initial: 0.5, final: 0.4 },
    ruralPlaces: P,
    hollowedPlaces: 0,
    startWeightedFinal: dpdSeries[ticks],
    stages: [],
    beta: { beta: -0.02, se: 0.004 },
    sigma: { initial: 0.3, final: 0.25 },
    window: 10,
    trendThreshold: 0.002,
    netThreshold: 0.02,
    hollowingFraction: 0.5,
    stageThreshold: 0.2,
  });
  const text = verdictSentences(gap, ticks, 10, 'en');
  const summary: RunSummary = {
    scenario: scenario.name,
    seed,
    ticks,
    final: last,
    ruralShare: 0.4,
    dpd: { initial: dpdSeries[0], final: dpdSeries[ticks], change: dpdSeries[ticks] - dpdSeries[0], peak: dpdSeries[0], peakTick: 0, halvingTick: 5 },
    trend: { slope: -0.004, slopeSE: 0.0005, window: 10, n: 10, threshold: 0.002, verdict: 'converging', rule: 'OLS slope over the last 10 of 10 requested ticks is -0.004 per tick: converging.' },
    beta: { beta: -0.02, se: 0.004, n: P, r2: 0.3, lambda: 0.02, halfLife: 34.6 },
    verdict: gap.net,
    recent: gap.recent,
    gap,
    sentence: text.sentence,
    qualifierSentences: text.qualifiers,
    initial: {},
    population: { ruralShareInitial: 0.5, ruralShareFinal: 0.4, ruralShareMin: 0.4, dpdStartWeightedInitial: dpdSeries[0], dpdStartWeightedFinal: dpdSeries[ticks], ruralPlaces: P, hollowedPlaces: 0 },
    spending: { policy: 300, capital: 0, talent: 300, industry: 0, rights: 0 },
    waste: { byLever: { policy: 0, capital: 0, talent: 0, industry: 0, rights: 0 }, byLeverRing: {}, total: 0, share: 0, warning: false },
    budget: { requested: 600, cut: 0, cappedTicks: 0, capped: false },
    events: { tipping: 4, overspend: 0 },
  };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ complete: true, urd: '0.1.0', seed, files: [], scenario }, null, 2));
  return { summary };
}

/** Writes a sweep folder: sweep.json, runs.csv (2 parameters × 3 values × 2 replications) and aggregate.csv. */
export function writeFixtureSweep(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const xs = [0.2, 0.7, 1.2];
  const ys = [0.03, 0.06, 0.09];
  const params = ['talent.barrier', 'capital.agglomeration'];
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ name: 'fixture-sweep', parameters: params }));
  const runs = [csvLine(['run', 'point', 'replication', 'seed', ...params, 'verdict', 'dpd_final', 'final.gini', 'command'])];
  const agg = [csvLine(['point', ...params, 'metric', 'n', 'mean', 'sd', 'ci95_lo', 'ci95_hi'])];
  let run = 0;
  let point = 0;
  for (const x of xs) {
    for (const y of ys) {
      const vals: number[] = [];
      for (let r = 0; r < 2; r++) {
        const v = x - 10 * y + 0.01 * r;
        vals.push(v);
        runs.push(csvLine([run++, point, r, 100 + r, x, y, v > 0 ? 'widened' : 'narrowed', v, 0.3, `urd run x --set talent.barrier=${x}`]));
      }
      const mean = (vals[0] + vals[1]) / 2;
      agg.push(csvLine([point, x, y, 'dpd_final', 2, mean, 0.007, mean - 0.06, mean + 0.06]));
      point++;
    }
  }
  writeFileSync(join(dir, 'runs.csv'), runs.join(''));
  writeFileSync(join(dir, 'aggregate.csv'), agg.join(''));
}

/** Writes a comparison folder in `urd compare`'s layout: <dir>/<scenario>/seed-<s> and compare-runs.csv. */
export function writeFixtureComparison(dir: string, scenarios = ['core-first', 'periphery-first'], seeds = [1, 2, 3]): void {
  const rows = [csvLine(['scenario', 'seed', 'verdict', 'run_dir', 'dpd_final'])];
  scenarios.forEach((name, i) => {
    for (const seed of seeds) {
      const runDir = join(dir, name, `seed-${seed}`);
      const { summary } = writeFixtureRun(runDir, { name, seed, offset: 0.2 * i, placeRows: false, ticks: 15 });
      rows.push(csvLine([name, seed, summary.verdict, runDir, summary.dpd.final]));
    }
  });
  writeFileSync(join(dir, 'compare-runs.csv'), rows.join(''));
}
