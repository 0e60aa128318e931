import { describe, expect, it } from 'vitest';
import { allocateWorld, updateState, type World } from '../../src/engine/world.ts';
import { betaConvergence } from '../../src/metrics/convergence.ts';
import { gini, sigmaConvergence, theil } from '../../src/metrics/inequality.ts';
import { reportTick, type MetricRow } from '../../src/metrics/reporters.ts';
import { SummaryTracker } from '../../src/metrics/summary.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';

/**
 * Independent oracles for the headline metrics. Small worlds are filled by hand (no model step
 * runs), and every number reportTick writes for them is recomputed here by the textbook formula
 * in its most naive form: double sums for Gini, per-group loops for Theil, two-pass moments for
 * sigma, sums of squares for OLS. The implementations under test use other routes (sorting,
 * radix sort, one-pass decompositions, the class split derived from the ring split), so a
 * shared mistake is unlikely.
 */

/** mulberry32: the test's own reproducible draws. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// --- naive formulas -------------------------------------------------------------------------

/** Gini as the mean absolute difference: Σ_i Σ_j |x_i − x_j| / (2 n Σ x). */
function naiveGini(x: ArrayLike<number>): number {
  const n = x.length;
  let sum = 0;
  let diff = 0;
  for (let i = 0; i < n; i++) {
    sum += x[i];
    for (let j = 0; j < n; j++) diff += Math.abs(x[i] - x[j]);
  }
  return sum === 0 ? 0 : diff / (2 * n * sum);
}

/** Theil T of a list: (1/n) Σ (x/μ) ln(x/μ), zero incomes contributing 0. */
function naiveTheil(x: readonly number[]): number {
  const mu = x.reduce((a, b) => a + b, 0) / x.length;
  if (!(mu > 0)) return 0;
  return x.reduce((t, v) => t + (v > 0 ? (v / mu) * Math.log(v / mu) : 0), 0) / x.length;
}

/** Theil's between and within parts for a grouping, from the definition group by group. */
function naiveSplit(x: ArrayLike<number>, group: (i: number) => number): { between: number; within: number } {
  const members = new Map<number, number[]>();
  for (let i = 0; i < x.length; i++) {
    const g = group(i);
    if (!members.has(g)) members.set(g, []);
    members.get(g)!.push(x[i]);
  }
  const all = Array.from(x);
  const total = all.reduce((a, b) => a + b, 0);
  const mu = total / all.length;
  let between = 0;
  let within = 0;
  for (const values of members.values()) {
    const income = values.reduce((a, b) => a + b, 0);
    if (income === 0) continue;
    const share = income / total;
    between += share * Math.log(income / values.length / mu);
    within += share * naiveTheil(values);
  }
  return { between, within };
}

/** Population mean, population sd. */
function moments(x: readonly number[]): { mean: number; sd: number } {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return { mean, sd: Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length) };
}

/** OLS slope from the normal equations in raw sums: (nΣxy − ΣxΣy) / (nΣx² − (Σx)²). */
function naiveSlope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let sx = 0, sy = 0, sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
    sxy += x[i] * y[i];
    sxx += x[i] * x[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

// --- hand-built worlds ----------------------------------------------------------------------

const WEIGHTS = { technology: 0.1, capital: 0.3, talent: 0.5, production: 0.7, rights: 1.1 };
const RINGS = [
  { label: 'core', count: 1, radius: 0, class: 'urban' },
  { label: 'suburbs', count: 2, radius: 1, class: 'urban' },
  { label: 'towns', count: 3, radius: 2, class: 'rural' },
  { label: 'villages', count: 4, radius: 3, class: 'rural' },
] as const;

/**
 * A world of 10 places whose every reported input is drawn by the test: residents are spread
 * unevenly (place 9 is empty when `emptyPlace`), incomes are float32, the frontier is not 1.
 */
function handWorld(seed: number, opts: { residents?: number; emptyPlace?: boolean; ruralOutcomes?: boolean } = {}): World {
  const N = opts.residents ?? 200;
  const scenario = scenarioSchema.parse({ ticks: 10, world: { residents: N, rings: RINGS }, metrics: { dpdWeights: WEIGHTS } });
  const world = allocateWorld(scenario, seed);
  const u = rng(seed);
  const pl = world.places;
  const rs = world.residents;
  const inhabited = opts.emptyPlace ? pl.count - 1 : pl.count;
  for (let i = 0; i < N; i++) {
    // Skewed towards low place ids, so places differ in size.
    const p = i < inhabited ? i : Math.floor(u() ** 2 * inhabited);
    rs.place[i] = p;
    rs.talent[i] = Math.exp(u() - 0.5);
    rs.skill[i] = u();
    rs.level[i] = pl.urban[p] === 1 || opts.ruralOutcomes !== false ? Math.floor(u() * 4) : Math.floor(u() * 3);
    rs.income[i] = u() < 0.05 ? 0 : (pl.urban[p] ? 2 : 1) * u() * 10;
  }
  for (let p = 0; p < pl.count; p++) {
    pl.population[p] = 0;
    pl.tech[p] = 0.2 + u() * (pl.urban[p] ? 2 : 1);
    pl.capital[p] = u() * 50;
    pl.output[p] = u() * 20;
    pl.rights[p] = u();
    pl.employment[p] = u();
  }
  for (let i = 0; i < N; i++) pl.population[rs.place[i]]++;
  for (let p = 0; p < pl.count; p++) {
    let income = 0;
    for (let i = 0; i < N; i++) if (rs.place[i] === p) income += rs.income[i];
    pl.incomePerResident[p] = pl.population[p] > 0 ? income / pl.population[p] : 0;
  }
  updateState(world, (s) => {
    s.frontier = 1.7;
    s.tick = 4;
  });
  return world;
}

/** The value of one row of a report; fails when it is missing or doubled. */
function value(rows: readonly MetricRow[], scope: string, metric: string): number {
  const hit = rows.filter((r) => r.scope === scope && r.metric === metric);
  expect(hit, `${scope}/${metric}`).toHaveLength(1);
  return hit[0].value;
}

/** Naive means of a scope: residents and places selected by a predicate on the place. */
function scopeMeans(world: World, inScope: (p: number) => boolean) {
  const pl = world.places;
  const rs = world.residents;
  let pop = 0, tech = 0, capital = 0, rights = 0, employed = 0, output = 0, income = 0;
  for (let p = 0; p < pl.count; p++) {
    if (!inScope(p)) continue;
    pop += pl.population[p];
    tech += (pl.tech[p] / world.state.frontier) * pl.population[p];
    capital += pl.capital[p];
    rights += pl.rights[p] * pl.population[p];
    employed += pl.employment[p] * pl.population[p];
    output += pl.output[p];
    income += pl.incomePerResident[p] * pl.population[p];
  }
  let talent = 0, skill = 0, applied = 0;
  const levels = [0, 0, 0, 0];
  for (let i = 0; i < rs.count; i++) {
    if (!inScope(rs.place[i])) continue;
    talent += rs.talent[i];
    skill += rs.skill[i];
    applied += rs.talent[i] * rs.skill[i];
    levels[rs.level[i]]++;
  }
  return {
    population: pop,
    tau: tech / pop,
    capital_pc: capital / pop,
    talent: talent / pop,
    skill: skill / pop,
    applied_talent: applied / pop,
    level0: levels[0] / pop,
    level1: levels[1] / pop,
    level2: levels[2] / pop,
    level3: levels[3] / pop,
    output_pc: output / pop,
    income_pc: income / pop,
    rights: rights / pop,
    employment: employed / pop,
  };
}

const close = (actual: number, expected: number, what: string) => expect(actual, what).toBeCloseTo(expected, 10);

describe('reportTick against naive formulas on hand-built worlds', () => {
  const cases = [
    { seed: 1, opts: {} },
    { seed: 2, opts: { emptyPlace: true } },
    { seed: 3, opts: { residents: 57 } },
    // No rural resident at level 3: the production ratio meets the floor of 1e-6 and stays finite.
    { seed: 4, opts: { ruralOutcomes: false } },
  ];

  it.each(cases)('scope means, stage ratios and the DPD (seed $seed)', ({ seed, opts }) => {
    const world = handWorld(seed, opts);
    const rows = reportTick(world);
    const pl = world.places;
    const scopes: [string, (p: number) => boolean][] = [
      ['all', () => true],
      ['urban', (p) => pl.urban[p] === 1],
      ['rural', (p) => pl.urban[p] === 0],
      ...RINGS.map((_, k) => [`ring:${k}`, (p: number) => pl.ring[p] === k] as [string, (p: number) => boolean]),
    ];
    for (const [scope, inScope] of scopes) {
      const m = scopeMeans(world, inScope);
      for (const metric of ['population', 'tau', 'capital_pc', 'talent', 'skill', 'level0', 'level1', 'level2', 'level3', 'output_pc', 'income_pc', 'rights', 'employment'] as const) {
        close(value(rows, scope, metric), m[metric], `${scope}/${metric}`);
      }
    }
    const urban = scopeMeans(world, (p) => pl.urban[p] === 1);
    const rural = scopeMeans(world, (p) => pl.urban[p] === 0);
    const stages = { technology: 'tau', capital: 'capital_pc', talent: 'applied_talent', production: 'level3', rights: 'rights' } as const;
    let dpd = 0;
    for (const [stage, metric] of Object.entries(stages) as [keyof typeof stages, (typeof stages)[keyof typeof stages]][]) {
      const ratio = Math.max(urban[metric], 1e-6) / Math.max(rural[metric], 1e-6);
      close(value(rows, 'all', `ratio_${stage}`), ratio, `ratio_${stage}`);
      dpd += WEIGHTS[stage] * Math.log(ratio);
    }
    close(value(rows, 'all', 'dpd'), dpd, 'dpd');
    close(value(rows, 'all', 'frontier'), 1.7, 'frontier');
    if (opts.ruralOutcomes === false) expect(value(rows, 'all', 'ratio_production')).toBeCloseTo(urban.level3 / 1e-6, 0);
  });

  it.each(cases)('Gini, Theil with its class and ring splits, sigma (seed $seed)', ({ seed, opts }) => {
    const world = handWorld(seed, opts);
    const rows = reportTick(world);
    const pl = world.places;
    const { income, place } = world.residents;
    close(value(rows, 'all', 'gini'), naiveGini(income), 'gini');
    close(value(rows, 'all', 'theil'), naiveTheil(Array.from(income)), 'theil');
    const byClass = naiveSplit(income, (i) => pl.urban[place[i]]);
    const byRing = naiveSplit(income, (i) => pl.ring[place[i]]);
    close(value(rows, 'all', 'theil_between_class'), byClass.between, 'theil_between_class');
    close(value(rows, 'all', 'theil_within_class'), byClass.within, 'theil_within_class');
    close(value(rows, 'all', 'theil_between_ring'), byRing.between, 'theil_between_ring');
    close(value(rows, 'all', 'theil_within_ring'), byRing.within, 'theil_within_ring');
    // Rings nest inside classes, so the ring split is the finer one.
    expect(byRing.between).toBeGreaterThan(byClass.between);
    const places: number[] = [];
    for (let p = 0; p < pl.count; p++) if (pl.population[p] > 0) places.push(pl.incomePerResident[p]);
    const { mean, sd } = moments(places);
    close(value(rows, 'all', 'sigma_cv'), sd / mean, 'sigma_cv');
    close(value(rows, 'all', 'sigma_sd_log'), moments(places.filter((v) => v > 0).map(Math.log)).sd, 'sigma_sd_log');
  });

  it('beta in the summary: the slope of log growth on log initial income over inhabited places', () => {
    const world = handWorld(5, { emptyPlace: true });
    const tracker = new SummaryTracker();
    tracker.observe(world, reportTick(world));
    const pl = world.places;
    const start = Float64Array.from(pl.incomePerResident);
    // Poorer places grow faster; one place falls to zero income and must be left out.
    for (let p = 0; p < pl.count; p++) pl.incomePerResident[p] = p === 3 ? 0 : start[p] ** 0.6 * (1 + 0.05 * p);
    updateState(world, (s) => {
      s.tick = 8;
    });
    tracker.observe(world, reportTick(world));
    const summary = tracker.finish(world, {});
    const x: number[] = [];
    const g: number[] = [];
    for (let p = 0; p < pl.count; p++) {
      if (pl.population[p] > 0 && start[p] > 0 && pl.incomePerResident[p] > 0) {
        x.push(Math.log(start[p]));
        g.push(Math.log(pl.incomePerResident[p] / start[p]) / 8);
      }
    }
    expect(summary.beta.n).toBe(x.length);
    expect(x.length).toBe(pl.count - 2);
    close(summary.beta.beta, naiveSlope(x, g), 'beta');
    expect(summary.beta.beta).toBeLessThan(0);
    close(summary.beta.lambda, -Math.log(1 + summary.beta.beta * 8) / 8, 'lambda');
  });
});

describe('gini: the float32 path, bit for bit', () => {
  /** Float32 samples with ties, zeros, subnormals and values across the whole exponent range. */
  function samples(n: number, seed: number): Float32Array {
    const u = rng(seed);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const r = u();
      x[i] = r < 0.1 ? 0 : r < 0.3 ? Math.floor(u() * 5) : r < 0.35 ? 1e-42 * (1 + Math.floor(u() * 3)) : Math.exp((u() - 0.5) * 120);
    }
    return x;
  }

  it.each([
    [1, 1],
    [2, 2],
    [17, 3],
    [1000, 4],
    [100_000, 5],
  ])('n = %i: Float32Array, Float64Array and a plain array give the same bits', (n, seed) => {
    const x32 = samples(n, seed);
    const g32 = gini(x32);
    expect(Object.is(g32, gini(Float64Array.from(x32)))).toBe(true);
    expect(Object.is(g32, gini(Array.from(x32)))).toBe(true);
    // The input is left as it was (the radix sort works on a copy).
    expect(x32).toEqual(samples(n, seed));
    if (n <= 1000) expect(g32).toBeCloseTo(naiveGini(x32), 12);
  });

  it('all ties give 0, and the order of the input does not matter', () => {
    expect(gini(new Float32Array(5000).fill(3.5))).toBe(0);
    const x = samples(5000, 9);
    const reversed = Float32Array.from(x).reverse();
    expect(Object.is(gini(x), gini(reversed))).toBe(true);
  });

  it('a negative zero counts as zero, not as the largest value', () => {
    const x = new Float32Array([-0, 1, 2, 0]);
    expect(gini(x)).toBeCloseTo(naiveGini([0, 1, 2, 0]), 15);
    expect(Object.is(gini(x), gini(new Float32Array([0, 1, 2, 0])))).toBe(true);
  });

  it('negative values go through the comparison sort and still match the definition', () => {
    const x = new Float32Array([3, -1, 2, 5, 2]);
    expect(gini(x)).toBeCloseTo(naiveGini(x), 14);
    expect(Object.is(gini(x), gini(Float64Array.from(x)))).toBe(true);
  });
});

describe('theil and sigma against the definitions', () => {
  it('random grouped data: total, between and within', () => {
    const u = rng(11);
    const x = Array.from({ length: 300 }, () => (u() < 0.1 ? 0 : u() * 100));
    const groups = x.map(() => Math.floor(u() * 5));
    const r = theil(x, groups, 5);
    const split = naiveSplit(x, (i) => groups[i]);
    close(r.total, naiveTheil(x), 'total');
    close(r.between, split.between, 'between');
    close(r.within, split.within, 'within');
  });

  it('sigma: cv and sd of logs of random data', () => {
    const u = rng(12);
    const x = Array.from({ length: 100 }, () => (u() < 0.1 ? 0 : u() * 100));
    const r = sigmaConvergence(x);
    const { mean, sd } = moments(x);
    close(r.cv, sd / mean, 'cv');
    close(r.sdLog, moments(x.filter((v) => v > 0).map(Math.log)).sd, 'sdLog');
  });

  it('beta: the slope and its implied speed for a random panel', () => {
    const u = rng(13);
    const y0 = Array.from({ length: 40 }, () => 0.5 + u() * 10);
    const y1 = y0.map((v) => v ** 0.8 * Math.exp((u() - 0.5) * 0.2));
    const r = betaConvergence(y0, y1, 10);
    const lx = y0.map(Math.log);
    const gy = y0.map((v, i) => Math.log(y1[i] / v) / 10);
    close(r.beta, naiveSlope(lx, gy), 'beta');
    close(r.lambda, -Math.log(1 + r.beta * 10) / 10, 'lambda');
    close(r.halfLife as number, Math.LN2 / r.lambda, 'halfLife');
  });
});
