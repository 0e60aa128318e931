import type { World } from '../engine/world.ts';
import { LEVERS } from '../scenario/schema.ts';
import { gini, sigmaConvergence, theilOfUnits } from './inequality.ts';
import { logFloat32Bits, NORMAL_FLOAT32_MAX, NORMAL_FLOAT32_MIN } from './logFloat32.ts';
import { startWeightedDpd } from './population.ts';

/** One tidy row of metrics.csv. */
export interface MetricRow {
  tick: number;
  scope: string;
  metric: string;
  value: number;
}

/** Means of the state in one scope (all, urban, rural, ring:k), each per resident unless named otherwise. */
export const SCOPE_METRICS = [
  'population',
  'tau', // relative infrastructure T/F, population-weighted
  'capital_pc',
  'talent', // mean talent
  'skill',
  'level0',
  'level1',
  'level2',
  'level3', // shares at exactly each divide level
  'output_pc',
  'income_pc',
  'rights',
  'employment',
] as const;

/** The five stages' urban/rural ratios, in the chain's order, and what each compares. */
export const STAGE_GAPS = [
  ['technology', 'tau'],
  ['capital', 'capital_pc'],
  ['talent', 'applied_talent'], // talent × skill per resident
  ['production', 'level3'],
  ['rights', 'rights'],
] as const;

/** Ratios are taken of values floored here, so an empty or zero rural side gives a large finite gap, not Infinity. */
export const RATIO_FLOOR = 1e-6;

interface ScopeSums {
  population: number;
  tech: number;
  capital: number;
  talent: number;
  applied: number;
  skill: number;
  levels: [number, number, number, number];
  output: number;
  income: number;
  rights: number;
  employed: number;
}

function emptySums(): ScopeSums {
  return { population: 0, tech: 0, capital: 0, talent: 0, applied: 0, skill: 0, levels: [0, 0, 0, 0], output: 0, income: 0, rights: 0, employed: 0 };
}

/** Per-place sums over residents that the place arrays do not keep (see {@link residentSums}). */
interface ResidentSums {
  /** Σ talent × skill. */
  applied: Float64Array;
  talent: Float64Array;
  skill: Float64Array;
  /** Residents at each divide level: place p's four counts start at 4p. */
  levels: Float64Array;
  /** Residents (the sum of the level counts). */
  residents: Float64Array;
  income: Float64Array;
  /** Σ y·(ln y − ref) with ref the log of the place's mean income as the stages left it (0 if none). */
  deviation: Float64Array;
  ref: Float64Array;
}

/**
 * The per-place sums reportTick needs from residents, in one pass in resident order (so each
 * sum has the same bits as a loop of its own): talent × skill, raw talent and skill, exact level
 * counts, and what the Theil index needs, income and y·(ln y − ref) for one logarithm per resident
 * (see {@link theilOfUnits}).
 */
function residentSums(world: World): ResidentSums {
  const pl = world.places;
  const P = pl.count;
  const ref = new Float64Array(P);
  for (let p = 0; p < P; p++) ref[p] = pl.incomePerResident[p] > 0 ? Math.log(pl.incomePerResident[p]) : 0;
  // One row per place so that a resident's updates land close together. The offsets are local
  // constants, captured by no closure: V8 re-reads module-level or captured ones in the loop
  // (≈ 3 ms of 9 at 1M residents).
  const STRIDE = 9;
  const APPLIED = 0;
  const TALENT = 1;
  const SKILL = 2;
  const INCOME = 3;
  const DEVIATION = 4;
  const LEVEL0 = 5;
  const row = new Float64Array(P * STRIDE);
  const { place, talent, skill, level, income } = world.residents;
  const incomeBits = new Uint32Array(income.buffer, income.byteOffset, income.length);
  const n = world.residents.count;
  for (let i = 0; i < n; i++) {
    const p = place[i];
    const q = p * STRIDE;
    const t = talent[i];
    const s = skill[i];
    row[q + APPLIED] += t * s;
    row[q + TALENT] += t;
    row[q + SKILL] += s;
    row[q + LEVEL0 + level[i]] += 1;
    const y = income[i];
    row[q + INCOME] += y;
    if (y >= NORMAL_FLOAT32_MIN && y <= NORMAL_FLOAT32_MAX) row[q + DEVIATION] += y * (logFloat32Bits(incomeBits[i]) - ref[p]);
    // Zero contributes nothing (y ln y → 0); subnormals, negatives and NaN take the exact route.
    else if (y !== 0) row[q + DEVIATION] += y * (Math.log(y) - ref[p]);
  }
  const levels = new Float64Array(4 * P);
  const residents = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    for (let k = 0; k < 4; k++) levels[4 * p + k] = row[p * STRIDE + LEVEL0 + k];
    residents[p] = levels[4 * p] + levels[4 * p + 1] + levels[4 * p + 2] + levels[4 * p + 3];
  }
  return {
    applied: column(row, STRIDE, APPLIED),
    talent: column(row, STRIDE, TALENT),
    skill: column(row, STRIDE, SKILL),
    levels,
    residents,
    income: column(row, STRIDE, INCOME),
    deviation: column(row, STRIDE, DEVIATION),
    ref,
  };
}

/** One slot of every row of a table stored row after row. */
function column(rows: Float64Array, stride: number, slot: number): Float64Array {
  return Float64Array.from({ length: rows.length / stride }, (_, r) => rows[r * stride + slot]);
}

/** Between-class Theil from ring income shares and populations: Σ_c S_c ln(S_c / P_c), S income share, P population share. */
function classBetween(ringShares: Float64Array, ringPopulation: number[], ringClass: readonly string[]): number {
  const total = ringPopulation.reduce((a, b) => a + b, 0);
  let between = 0;
  for (const cls of ['urban', 'rural']) {
    let share = 0;
    let people = 0;
    ringClass.forEach((c, r) => {
      if (c !== cls) return;
      share += ringShares[r];
      people += ringPopulation[r];
    });
    if (share > 0 && people > 0) between += share * Math.log(share / (people / total));
  }
  return between;
}

/** Labels of the scopes reported, in row order. */
export function scopeLabels(world: World): string[] {
  return ['all', 'urban', 'rural', ...world.scenario.world.rings.map((_, k) => `ring:${k}`)];
}

/**
 * Returns every per-tick metric of a world as tidy rows: means by scope, stage ratios and the
 * digital potential difference, inequality (Gini, Theil with class and ring decompositions,
 * sigma convergence across places), flows booked in the ledger this tick, and spending by
 * lever and ring. Pure: reads the world, changes nothing.
 */
export function reportTick(world: World): MetricRow[] {
  const { places: pl, scenario, ledger } = world;
  const tick = world.state.tick;
  const F = world.state.frontier;
  const labels = scopeLabels(world);
  const sums = labels.map(emptySums);
  const rs = residentSums(world);
  for (let p = 0; p < pl.count; p++) {
    const n = pl.population[p];
    for (const s of [0, pl.urban[p] === 1 ? 1 : 2, 3 + pl.ring[p]]) {
      const a = sums[s];
      a.population += n;
      a.tech += (pl.tech[p] / F) * n;
      a.capital += pl.capital[p];
      a.talent += rs.talent[p];
      a.applied += rs.applied[p];
      a.skill += rs.skill[p];
      for (let k = 0; k < 4; k++) a.levels[k] += rs.levels[p * 4 + k];
      a.output += pl.output[p];
      a.income += pl.incomePerResident[p] * n;
      a.rights += pl.rights[p] * n;
      a.employed += pl.employment[p] * n;
    }
  }
  const rows: MetricRow[] = [];
  const push = (scope: string, metric: string, value: number) => rows.push({ tick, scope, metric, value });
  const means = sums.map((a) => {
    const per = (x: number) => (a.population > 0 ? x / a.population : 0);
    return {
      population: a.population,
      tau: per(a.tech),
      capital_pc: per(a.capital),
      talent: per(a.talent),
      applied_talent: per(a.applied),
      skill: per(a.skill),
      level0: per(a.levels[0]),
      level1: per(a.levels[1]),
      level2: per(a.levels[2]),
      level3: per(a.levels[3]),
      output_pc: per(a.output),
      income_pc: per(a.income),
      rights: per(a.rights),
      employment: per(a.employed),
    };
  });
  labels.forEach((scope, s) => {
    for (const m of SCOPE_METRICS) push(scope, m, means[s][m]);
  });

  const weights = scenario.metrics.dpdWeights;
  let dpd = 0;
  for (const [stage, metric] of STAGE_GAPS) {
    const ratio = Math.max(means[1][metric], RATIO_FLOOR) / Math.max(means[2][metric], RATIO_FLOOR);
    push('all', `ratio_${stage}`, ratio);
    dpd += weights[stage] * Math.log(ratio);
  }
  push('all', 'dpd', dpd);
  push('all', 'frontier', F);
  // Population-aware measures beside the per-resident DPD (src/metrics/population.ts).
  push('all', 'rural_share', means[0].population > 0 ? means[2].population / means[0].population : 0);
  push('all', 'dpd_start_weighted', startWeightedDpd(world, rs.applied, (p) => rs.levels[p * 4 + 3]));

  const incomes = world.residents.income;
  push('all', 'gini', gini(incomes));
  const ringSpecs = scenario.world.rings;
  const byRing = theilOfUnits({ group: pl.ring, pop: rs.residents, income: rs.income, deviation: rs.deviation, ref: rs.ref }, ringSpecs.length);
  // Each ring is one class, so the class split follows from the rings' shares and populations
  // (one pass over residents instead of two); within = total − between is Theil's identity.
  const betweenClass = classBetween(byRing.groupShares, ringSpecs.map((_, r) => means[3 + r].population), ringSpecs.map((r) => r.class));
  push('all', 'theil', byRing.total);
  push('all', 'theil_between_class', betweenClass);
  push('all', 'theil_within_class', byRing.total - betweenClass);
  push('all', 'theil_between_ring', byRing.between);
  push('all', 'theil_within_ring', byRing.within);
  const inhabited: number[] = [];
  for (let p = 0; p < pl.count; p++) if (pl.population[p] > 0) inhabited.push(pl.incomePerResident[p]);
  const sigma = sigmaConvergence(inhabited);
  // sigmaConvergence gives NaN only when every inhabited place's income is 0 (incomes are never
  // negative): all places are then equal, so the dispersion is 0, and the output stays finite.
  push('all', 'sigma_cv', Number.isFinite(sigma.cv) ? sigma.cv : 0);
  push('all', 'sigma_sd_log', Number.isFinite(sigma.sdLog) ? sigma.sdLog : 0);

  const capitalToRural = ledger.crossFlow('capital', 'capital-move', 0);
  const capitalToUrban = ledger.crossFlow('capital', 'capital-move', 1);
  const migrantsToRural = ledger.crossFlow('people', 'migration', 0);
  const migrantsToUrban = ledger.crossFlow('people', 'migration', 1);
  push('all', 'capital_urban_to_rural', capitalToRural);
  push('all', 'capital_rural_to_urban', capitalToUrban);
  push('all', 'capital_net_to_rural', capitalToRural - capitalToUrban);
  push('all', 'migrants_urban_to_rural', migrantsToRural);
  push('all', 'migrants_rural_to_urban', migrantsToUrban);
  push('all', 'migrants_net_to_rural', migrantsToRural - migrantsToUrban);
  let rent = 0;
  for (let p = 0; p < pl.count; p++) if (pl.rent[p] < 0) rent -= pl.rent[p];
  push('all', 'rent', rent);
  push('all', 'budget', world.state.budget);
  let tipped = 0;
  let atRisk = 0;
  for (let p = 0; p < pl.count; p++) {
    tipped += pl.tipped[p];
    atRisk += pl.atRisk[p];
  }
  push('all', 'places_tipping', tipped);
  // The early warning of the digital run: places not yet tipped that have lost more than talent.warningLoss.
  push('all', 'places_at_risk', atRisk);
  const rings = scenario.world.rings.length;
  for (const lever of LEVERS) {
    for (let r = 0; r < rings; r++) push(`ring:${r}`, `spending_${lever}`, ledger.spentOnRing(lever, r, 'tick'));
    push('all', `spending_${lever}`, ledger.spent(lever, 'tick'));
  }
  const m = scenario.metrics;
  const snapshot = m.placeSnapshots && (tick === 0 || tick === Math.floor(scenario.ticks / 2) || tick === scenario.ticks);
  if (m.placeMetrics || snapshot) {
    for (let p = 0; p < pl.count; p++) {
      const scope = `place:${p}`;
      push(scope, 'population', pl.population[p]);
      push(scope, 'tau', pl.tech[p] / F);
      push(scope, 'capital_pc', pl.population[p] > 0 ? pl.capital[p] / pl.population[p] : 0);
      push(scope, 'income_pc', pl.incomePerResident[p]);
      push(scope, 'level3', pl.outcome[p]);
      push(scope, 'rights', pl.rights[p]);
    }
  }
  return rows;
}
