import { describe, expect, it } from 'vitest';
import { allocateWorld, updateState, type World } from '../../src/engine/world.ts';
import { betaConvergence } from '../../src/metrics/convergence.ts';
import { gini, sigmaConvergence, theil } from '../../src/metrics/inequality.ts';
import { reportTick, type MetricRow } from '../../src/metrics/reporters.ts';
import { SummaryTracker } from '../../src/metrics/summary.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { mulberry32, TEN_PLACE_RINGS } from '../support.ts';

/**
 * Independent oracles for the headline metrics. Small worlds are filled by hand (no model step
 * runs), and every number reportTick writes for them is recomputed here by the textbook formula
 * in its most naive form: double sums for Gini, per-group loops for Theil, two-pass moments for
 * sigma, sums of squares for OLS. The implementations under test use other routes (sorting,
 * radix sort, one-pass decompositions, the class split derived from the ring split), so a
 * shared mistake is unlikely.
 */

const rng = mulberry32;

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
const RINGS = TEN_PLACE_RINGS;

/**
 * A world of 10 places whose every reported input is drawn by the test: residents are spread
 * unevenly (place 9 is empty when `emptyPlace`), incomes are float32, the frontier is not 1.
 */
function handWorld(seed: number, opts: { residents?: number; emptyPlace?: boolean; ruralOutcomes?: boolean; emptyRing?: boolean; noIncome?: boolean } = {}): World {
  const N = opts.residents ?? 200;
  const scenario = scenarioSchema.parse({ ticks: 10, world: { residents: N, rings: RINGS }, metrics: { dpdWeights: WEIGHTS } });
  const world = allocateWorld(scenario, seed);
  const u = rng(seed);
  const pl = world.places;
  const rs = world.residents;
  const inhabited = opts.emptyPlace ? pl.count - 1 : pl.count;
  for (let i = 0; i < N; i++) {
    // Skewed towards low place ids, so places differ in size.
    let p = i < inhabited ? i : Math.floor(u() ** 2 * inhabited);
    // The villages (places 6–9) left empty: their ring's means have no residents to divide by.
    if (opts.emptyRing && p >= 6) p = p % 6;
    rs.place[i] = p;
    rs.talent[i] = Math.exp(u() - 0.5);
    rs.skill[i] = u();
    rs.level[i] = pl.urban[p] === 1 || opts.ruralOutcomes !== false ? Math.floor(u() * 4) : Math.floor(u() * 3);
    rs.income[i] = opts.noIncome || u() < 0.05 ? 0 : (pl.urban[p] ? 2 : 1) * u() * 10;
  }
  for (let p = 0; p < pl.count; p++) {
    pl.population[p] = 0;
    pl.tech[p] = 0.2 + u() * (pl.urban[p] ? 2 : 1);
    pl.capital[p] = u() * 50;
    pl.output[p] = u() * 20;
    pl.rights[p] = u();
    pl.employment[p] = u();
    pl.outcome[p] = u();
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

  it.each([
    { seed: 5, variant: 'start populations 1..10' },
    { seed: 6, variant: 'no rural technology (its mean meets the floor, so the frontier does not cancel)' },
    { seed: 7, variant: 'no rural place had residents at the start' },
  ])('the start-weighted DPD: places weighted by their start populations, $variant', ({ seed, variant }) => {
    const world = handWorld(seed, { emptyPlace: true });
    const pl = world.places;
    const rs = world.residents;
    for (let p = 0; p < pl.count; p++) {
      pl.reference[p] = variant.startsWith('no rural place') && pl.urban[p] === 0 ? 0 : p + 1;
      if (variant.startsWith('no rural technology') && pl.urban[p] === 0) pl.tech[p] = 0;
    }
    const rows = reportTick(world);
    // Per place: technology over the frontier, capital, applied talent and level 3 per head now
    // (0 in an empty place), rights; averaged per class with the start populations as weights.
    const sums = [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]];
    const weight = [0, 0];
    for (let p = 0; p < pl.count; p++) {
      const n = pl.population[p];
      let applied = 0;
      let top = 0;
      for (let i = 0; i < rs.count; i++) {
        if (rs.place[i] !== p) continue;
        applied += rs.talent[i] * rs.skill[i];
        if (rs.level[i] === 3) top++;
      }
      const stage = [pl.tech[p] / 1.7, n ? pl.capital[p] / n : 0, n ? applied / n : 0, n ? top / n : 0, pl.rights[p]];
      stage.forEach((v, d) => (sums[pl.urban[p]][d] += pl.reference[p] * v));
      weight[pl.urban[p]] += pl.reference[p];
    }
    const w = [WEIGHTS.technology, WEIGHTS.capital, WEIGHTS.talent, WEIGHTS.production, WEIGHTS.rights];
    const mean = (c: number, d: number) => Math.max(weight[c] ? sums[c][d] / weight[c] : 0, 1e-6);
    const expected = w.reduce((acc, wd, d) => acc + wd * Math.log(mean(1, d) / mean(0, d)), 0);
    close(value(rows, 'all', 'dpd_start_weighted'), expected, 'dpd_start_weighted');
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

  it('an empty ring reports zeros, not NaN, and counts nowhere', () => {
    const world = handWorld(11, { emptyRing: true });
    const rows = reportTick(world);
    for (const metric of ['population', 'tau', 'capital_pc', 'skill', 'level3', 'income_pc', 'rights', 'employment']) expect(value(rows, 'ring:3', metric), metric).toBe(0);
    const rural = scopeMeans(world, (p) => world.places.urban[p] === 0);
    close(value(rows, 'rural', 'income_pc'), rural.income_pc, 'rural income');
    close(value(rows, 'all', 'theil_between_class'), naiveSplit(world.residents.income, (i) => world.places.urban[world.residents.place[i]]).between, 'between class');
  });

  it('no income anywhere: every inequality measure is 0', () => {
    const world = handWorld(12, { noIncome: true });
    for (let p = 0; p < world.places.count; p++) world.places.incomePerResident[p] = 0;
    const rows = reportTick(world);
    for (const metric of ['gini', 'theil', 'theil_between_class', 'theil_within_class', 'theil_between_ring', 'theil_within_ring', 'sigma_cv', 'sigma_sd_log']) {
      expect(value(rows, 'all', metric), metric).toBe(0);
    }
  });

  it('flows, rent, tipping, budget and spending as booked by hand', () => {
    const world = handWorld(6);
    const pl = world.places;
    const { ledger } = world;
    // Places 0–2 are urban, 3–9 rural (RINGS). Moves inside a class cross nothing.
    ledger.move('capital', 'capital-move', 0, 5, 2.5); // urban → rural
    ledger.move('capital', 'capital-move', 1, 7, 0.5); // urban → rural
    ledger.move('capital', 'capital-move', 8, 2, 4); // rural → urban
    ledger.move('capital', 'capital-move', 3, 9, 100); // rural → rural
    ledger.move('people', 'migration', 6, 0, 1);
    ledger.move('people', 'migration', 4, 1, 1);
    ledger.move('people', 'migration', 9, 2, 1); // three rural → urban
    ledger.move('people', 'migration', 2, 8, 1); // one urban → rural
    ledger.spend('policy', 4, 10); // ring 2
    ledger.spend('policy', 9, 5); // ring 3
    ledger.spend('rights', 9, 7);
    pl.rent.set([-3, 0, -1, 1, 2, 0, 0.5, 0, 0, 0]); // cores receive (negative), rural places pay
    pl.tipped.set([0, 1, 0, 1, 1, 0, 0, 0, 0, 1]);
    pl.atRisk.set([1, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
    updateState(world, (s) => {
      s.budget = 123.5;
    });
    const rows = reportTick(world);
    expect(value(rows, 'all', 'capital_urban_to_rural')).toBe(3);
    expect(value(rows, 'all', 'capital_rural_to_urban')).toBe(4);
    expect(value(rows, 'all', 'capital_net_to_rural')).toBe(-1);
    expect(value(rows, 'all', 'migrants_urban_to_rural')).toBe(1);
    expect(value(rows, 'all', 'migrants_rural_to_urban')).toBe(3);
    expect(value(rows, 'all', 'migrants_net_to_rural')).toBe(-2);
    expect(value(rows, 'all', 'rent')).toBe(4);
    expect(value(rows, 'all', 'places_tipping')).toBe(4);
    expect(value(rows, 'all', 'places_at_risk')).toBe(3);
    expect(value(rows, 'all', 'budget')).toBe(123.5);
    expect(value(rows, 'all', 'spending_policy')).toBe(15);
    expect(value(rows, 'ring:2', 'spending_policy')).toBe(10);
    expect(value(rows, 'ring:3', 'spending_policy')).toBe(5);
    expect(value(rows, 'ring:0', 'spending_policy')).toBe(0);
    expect(value(rows, 'all', 'spending_rights')).toBe(7);
    expect(value(rows, 'ring:3', 'spending_rights')).toBe(7);
    expect(value(rows, 'all', 'spending_capital')).toBe(0);
    // Four rings: no row for a fifth.
    expect(rows.filter((r) => r.scope === 'ring:4')).toEqual([]);
  });

  it('place rows: at the first, middle and last tick by default, every tick with placeMetrics, never when both are off', () => {
    const world = handWorld(7, { emptyPlace: true });
    const pl = world.places;
    const placeRows = (tick: number, metrics: { placeMetrics: boolean; placeSnapshots: boolean }) => {
      world.scenario = { ...world.scenario, metrics: { ...world.scenario.metrics, ...metrics } };
      updateState(world, (s) => {
        s.tick = tick;
      });
      return reportTick(world).filter((r) => r.scope.startsWith('place:'));
    };
    const snapshots = { placeMetrics: false, placeSnapshots: true };
    // ticks: 10 → snapshots at 0, 5 and 10.
    expect([0, 1, 4, 5, 6, 9, 10].map((t) => placeRows(t, snapshots).length > 0)).toEqual([true, false, false, true, false, false, true]);
    expect(placeRows(3, { placeMetrics: true, placeSnapshots: false }).length).toBe(pl.count * 6);
    expect(placeRows(5, { placeMetrics: false, placeSnapshots: false })).toEqual([]);
    const rows = placeRows(10, snapshots);
    for (let p = 0; p < pl.count; p++) {
      const n = pl.population[p];
      close(value(rows, `place:${p}`, 'population'), n, 'population');
      close(value(rows, `place:${p}`, 'tau'), pl.tech[p] / 1.7, 'tau');
      close(value(rows, `place:${p}`, 'capital_pc'), n > 0 ? pl.capital[p] / n : 0, 'capital_pc');
      close(value(rows, `place:${p}`, 'income_pc'), pl.incomePerResident[p], 'income_pc');
      close(value(rows, `place:${p}`, 'level3'), pl.outcome[p], 'level3');
      close(value(rows, `place:${p}`, 'rights'), pl.rights[p], 'rights');
    }
    expect(pl.population[pl.count - 1]).toBe(0);
  });

  it('beta in the summary: the slope of log growth on log initial income over inhabited places', () => {
    const world = handWorld(5, { emptyPlace: true });
    const tracker = new SummaryTracker();
    const pl = world.places;
    // The empty place (9) shows an income at both ends but has nobody: it must be left out.
    pl.incomePerResident[pl.count - 1] = 4;
    tracker.observe(world, reportTick(world));
    const start = Float64Array.from(pl.incomePerResident);
    // Poorer places grow faster; one place falls to zero income and must be left out.
    for (let p = 0; p < pl.count; p++) pl.incomePerResident[p] = p === 3 ? 0 : start[p] ** 0.6 * (1 + 0.05 * p);
    // The empty place (9) shows an income but has nobody: it must be left out too.
    pl.incomePerResident[pl.count - 1] = 5;
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

describe('the summary counts rural places and hollowed ones against their start populations', () => {
  it('only rural places that had residents count; hollowed means strictly below the fraction of the start', () => {
    const world = handWorld(9, { emptyPlace: true });
    const pl = world.places;
    const frac = world.scenario.metrics.hollowingFraction;
    expect(frac).toBe(0.5);
    // Places 0-2 urban (never counted); 3 had nobody at the start; 4 and 8 unchanged; 5 exactly at
    // half its start; 6 just below half; 7 at a tenth; 9 emptied.
    const refs = [100, 100, 100, 0, 1, 2, 2, 10, 1].map((k, p) => k * pl.population[p]);
    refs.push(5);
    refs.forEach((r, p) => (pl.reference[p] = p === 6 ? r + 1 : r));
    expect(pl.population[9]).toBe(0);
    expect([4, 5, 6, 7, 8].every((p) => pl.population[p] > 0)).toBe(true);
    const tracker = new SummaryTracker();
    tracker.observe(world, reportTick(world));
    const summary = tracker.finish(world, {});
    expect(summary.population.ruralPlaces).toBe(6);
    expect(summary.population.hollowedPlaces).toBe(3);
    // Nothing spent, nothing wasted: a share of 0, not 0/0.
    expect(summary.waste).toMatchObject({ total: 0, share: 0, warning: false });
    expect(summary.budget).toEqual({ requested: 0, cut: 0, cappedTicks: 0, capped: false });
  });
});

describe('the run summary from a series fed by hand', () => {
  /** Rows of scope all with the given DPD, plus a row of another scope that must be ignored. */
  // gini before dpd: the summary must sort its final values by name, not keep row order.
  const rowsWith = (tick: number, dpd: number, gini: number): MetricRow[] => [
    { tick, scope: 'all', metric: 'gini', value: gini },
    { tick, scope: 'all', metric: 'dpd', value: dpd },
    { tick, scope: 'all', metric: 'rural_share', value: 0.5 - 0.01 * tick },
    { tick, scope: 'urban', metric: 'dpd', value: 99 },
  ];
  const DPD = [0.8, 1.0, 1.3, 0.9, 0.6, 0.35, 0.3];

  function track(world: World, until: number, from = 0, tracker = new SummaryTracker()): SummaryTracker {
    for (let t = from; t < until; t++) {
      tracker.observe(world, rowsWith(t, DPD[t], 0.1 * t));
      if (t === 2) tracker.countEvent('tipping');
      if (t >= 3) tracker.countEvent('overspend');
      tracker.countEvent('recovery');
    }
    return tracker;
  }

  it('DPD start, end, change, peak, halving, trend over the window, rural share, events', () => {
    const world = handWorld(8);
    world.scenario = { ...world.scenario, metrics: { ...world.scenario.metrics, trendWindow: 4, trendThreshold: 0.01 } };
    updateState(world, (s) => {
      s.tick = DPD.length - 1;
    });
    const summary = track(world, DPD.length).finish(world, { policy: 3 });
    expect(summary.dpd).toEqual({ initial: 0.8, final: 0.3, change: 0.3 - 0.8, peak: 1.3, peakTick: 2, halvingTick: 5 });
    // The last 4 points: 0.9, 0.6, 0.35, 0.3 at ticks 3..6.
    const slope = naiveSlope([3, 4, 5, 6], [0.9, 0.6, 0.35, 0.3]);
    close(summary.trend.slope, slope, 'trend slope');
    expect(summary.trend.n).toBe(4);
    // |DPD| fell from 0.8 to 0.3 (net verdict) and falls over the window (recent direction).
    expect(summary.verdict).toBe('narrowed');
    expect(summary.recent).toBe('narrowing');
    expect(summary.final).toEqual({ dpd: 0.3, gini: 0.1 * (DPD.length - 1), rural_share: 0.5 - 0.01 * (DPD.length - 1) });
    expect(Object.keys(summary.final)).toEqual(['dpd', 'gini', 'rural_share']);
    // The rural share is the measured one of the last tick, and its lowest over the run is kept.
    close(summary.ruralShare, 0.5 - 0.01 * (DPD.length - 1), 'ruralShare');
    close(summary.population.ruralShareMin, 0.5 - 0.01 * (DPD.length - 1), 'ruralShareMin');
    close(summary.population.ruralShareInitial, 0.5, 'ruralShareInitial');
    expect(summary.events).toEqual({ tipping: 1, overspend: 4 });
    expect(summary.spending).toEqual({ policy: 3 });
    expect(summary.ticks).toBe(DPD.length - 1);
    expect(summary.seed).toBe(world.scenario.seed);
  });

  it('a run of one tick has an undetermined trend and a flat beta', () => {
    const world = handWorld(13);
    const tracker = new SummaryTracker();
    tracker.observe(world, rowsWith(0, 0.5, 0));
    const summary = tracker.finish(world, {});
    expect(summary.trend.window).toBe(2);
    // No change since the start, and no window to fit a direction over.
    expect(summary.verdict).toBe('unchanged');
    expect(summary.recent).toBe('undetermined');
    expect(summary.trend.verdict).toBe('undetermined');
    expect(summary.dpd).toMatchObject({ initial: 0.5, final: 0.5, change: 0 });
    // The same incomes at the start and the end: no growth, so no convergence either.
    expect(summary.beta.beta).toBe(0);
    expect(summary.beta.halfLife).toBeNull();
  });

  it('a short series fits its trend over two points at least, and a diverging one says so', () => {
    const world = handWorld(9);
    const tracker = new SummaryTracker();
    tracker.observe(world, rowsWith(0, 0.5, 0));
    tracker.observe(world, rowsWith(1, 0.9, 0));
    const summary = tracker.finish(world, {});
    expect(summary.trend.window).toBe(2);
    close(summary.trend.slope, 0.4, 'slope');
    expect(summary.verdict).toBe('widened');
    expect(summary.recent).toBe('widening');
    expect(summary.dpd.halvingTick).toBeNull();
  });

  it('a tracker saved mid-run and restored finishes exactly like one that ran through', () => {
    const world = handWorld(10);
    const through = track(world, DPD.length).finish(world, {});
    const live = track(world, 3);
    const saved = live.serialize();
    // Restored and finished at once, it gives the summary the live tracker gives.
    expect(SummaryTracker.restore(structuredClone(saved)).finish(world, {})).toEqual(live.finish(world, {}));
    // The saved state is a copy: later changes to the live tracker do not reach it.
    const restored = track(world, DPD.length, 3, SummaryTracker.restore(structuredClone(saved)));
    expect(restored.finish(world, {})).toEqual(through);
    expect(saved.dpd).toEqual(Float64Array.from(DPD.slice(0, 3)));
    expect(saved.tipping).toBe(1);
    expect(saved.overspend).toBe(0);
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

  /** Float32 values whose bit patterns span `span` from 1.0's: the sort takes two passes below 2^28, three from there. */
  function spanning(n: number, seed: number, span: number): Float32Array {
    const u = rng(seed);
    const bits = new Uint32Array(n);
    for (let i = 0; i < n; i++) bits[i] = 0x3f800000 + (i < 2 ? i * span : Math.floor(u() * (span + 1)));
    return new Float32Array(bits.buffer);
  }

  it.each([
    ['incomes like the model\'s (lognormal, with ties)', Float32Array.from({ length: 50_000 }, (_, i) => Math.round(Math.exp(Math.sin(i * 12.9898) * 2) * 64) / 64)],
    ['patterns spanning just under 2^28: two passes, up to the last high bucket', spanning(20_000, 6, 2 ** 28 - 1)],
    ['patterns spanning 2^28: three passes', spanning(20_000, 7, 2 ** 28)],
    ['patterns spanning little (all within one high bucket)', spanning(20_000, 8, 1000)],
  ])('%s: the same bits as the comparison sort', (_, x32) => {
    expect(Object.is(gini(x32), gini(Float64Array.from(x32)))).toBe(true);
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
