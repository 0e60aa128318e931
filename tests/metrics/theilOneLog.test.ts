import { describe, expect, it } from 'vitest';
import { allocateWorld, type World } from '../../src/engine/world.ts';
import { theil, theilOfUnits } from '../../src/metrics/inequality.ts';
import { reportTick, type MetricRow } from '../../src/metrics/reporters.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { mulberry32, TEN_PLACE_RINGS } from '../support.ts';

/**
 * reportTick computes the Theil index from one logarithm per resident, per-place sums and a
 * table logarithm for float32 incomes (src/metrics/reporters.ts, theilOfUnits), which agrees
 * with the exact route to rounding, not to the bit. The exact route here is `theil()`, two
 * `Math.log` of ratios near 1 per resident, fed the same float32 incomes by ring and by class.
 * The tolerance is docs/ODD.md's ("Theil from one log per resident"): |Δ| ≤ ABS + REL·|T|.
 */
const ABS = 1e-12;
const REL = 1e-9;

const RINGS = TEN_PLACE_RINGS;

/**
 * A world of 10 places whose residents get the incomes `draw` makes. Each place's mean income is
 * set from its residents like the stages set it, unless `ref` overrides it (the reporter takes
 * its logarithm as the reference of the place's sums, so a wrong one must cost only precision).
 */
function worldWith(n: number, seed: number, draw: (u: () => number, p: number) => number, ref?: (mean: number, p: number) => number): World {
  const scenario = scenarioSchema.parse({ ticks: 4, world: { residents: n, rings: RINGS } });
  const world = allocateWorld(scenario, seed);
  const u = mulberry32(seed);
  const { place, income, level, talent, skill } = world.residents;
  const pl = world.places;
  pl.population.fill(0);
  const sum = new Float64Array(pl.count);
  for (let i = 0; i < n; i++) {
    const p = i < pl.count ? i : Math.floor(u() ** 2 * pl.count);
    place[i] = p;
    income[i] = draw(u, p);
    level[i] = 0;
    talent[i] = 1;
    skill[i] = 0.5;
    pl.population[p]++;
    sum[p] += income[i];
  }
  for (let p = 0; p < pl.count; p++) {
    const mean = pl.population[p] > 0 ? sum[p] / pl.population[p] : 0;
    pl.incomePerResident[p] = ref ? ref(mean, p) : mean;
  }
  return world;
}

function value(rows: readonly MetricRow[], metric: string): number {
  const hit = rows.filter((r) => r.scope === 'all' && r.metric === metric);
  expect(hit, metric).toHaveLength(1);
  return hit[0].value;
}

/** Largest |reported − exact| over the five Theil rows, each measured against ABS + REL·|exact|. */
function worstExcess(world: World): { worst: number; rows: Record<string, [number, number]> } {
  const rows = reportTick(world);
  const { income, place } = world.residents;
  const pl = world.places;
  const byRing = theil(income, Array.from(place, (p) => pl.ring[p]), RINGS.length);
  const byClass = theil(income, Array.from(place, (p) => pl.urban[p]), 2);
  const exact: Record<string, number> = {
    theil: byRing.total,
    theil_between_ring: byRing.between,
    theil_within_ring: byRing.within,
    theil_between_class: byClass.between,
    theil_within_class: byClass.within,
  };
  let worst = 0;
  const out: Record<string, [number, number]> = {};
  for (const [metric, want] of Object.entries(exact)) {
    const got = value(rows, metric);
    out[metric] = [got, want];
    worst = Math.max(worst, Math.abs(got - want) / (ABS + REL * Math.abs(want)));
  }
  return { worst, rows: out };
}

const lognormal = (sigma: number, scale: number) => (u: () => number) => scale * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));

describe('Theil from one log per resident, against the exact two-log route', () => {
  const cases: [string, World][] = [
    ['incomes like the model\'s (lognormal, ≈ 1–10)', worldWith(20_000, 1, lognormal(0.6, 3))],
    // Equal to 1e-7 relative (float32's grain): T ≈ 1e-15, where Σ y ln y − Y ln μ cancels to nothing.
    ['near-equal large incomes (1e6 ± float32 grain)', worldWith(20_000, 2, (u) => 1e6 * (1 + 2e-7 * (u() - 0.5)))],
    ['near-equal within rings, far apart between them', worldWith(20_000, 3, (u, p) => 10 ** (p % 4) * (1 + 1e-6 * u()))],
    ['a huge spread (1e-30 to 1e30)', worldWith(20_000, 4, (u) => 10 ** (60 * u() - 30))],
    ['zeros and subnormals among ordinary incomes', worldWith(20_000, 5, (u) => (u() < 0.2 ? 0 : u() < 0.1 ? 1e-42 * (1 + u()) : 1 + 5 * u()))],
    ['one resident with everything', worldWith(20_000, 6, (u) => (u() < 1 / 20_000 ? 1e9 : 0))],
    // The reference is only a shift: a wrong place mean costs precision, never the value.
    ['place means far from the residents', worldWith(20_000, 7, lognormal(1, 50), (mean, p) => (p % 2 ? mean * 1e6 : 0))],
  ];

  it.each(cases)('%s', (_, world) => {
    const { worst, rows } = worstExcess(world);
    expect(worst, JSON.stringify(rows)).toBeLessThanOrEqual(1);
  });
});

describe('theilOfUnits on its own', () => {
  it('groups without income drop out, as in theil(); no income at all gives zeros', () => {
    // Units 0–1 in group 0, unit 2 in group 2 with members but no income; group 1 has no units.
    const x = [[1, 3], [2, 2, 6], [0, 0]];
    const units = {
      group: [0, 0, 2],
      pop: x.map((v) => v.length),
      income: x.map((v) => v.reduce((a, b) => a + b, 0)),
      deviation: x.map((v) => v.reduce((a, y) => a + (y > 0 ? y * (Math.log(y) - 0.5) : 0), 0)),
      ref: [0.5, 0.5, 0.5],
    };
    const got = theilOfUnits(units, 3);
    const want = theil(x.flat(), [0, 0, 0, 0, 0, 2, 2], 3);
    for (const k of ['total', 'between', 'within'] as const) expect(got[k]).toBeCloseTo(want[k], 14);
    expect(Array.from(got.groupShares)).toEqual([1, 0, 0]);
    expect(Array.from(got.groupTheil.subarray(1))).toEqual([0, 0]);
    const none = theilOfUnits({ group: [0, 1], pop: [2, 3], income: [0, 0], deviation: [0, 0], ref: [0, 0] }, 2);
    expect([none.total, none.between, none.within]).toEqual([0, 0, 0]);
  });
});
