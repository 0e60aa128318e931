import type { World } from '../engine/world.ts';

/** Floor on τ inside logarithms: a place without infrastructure still produces a little. */
const MIN_TAU = 0.01;
/** Floor on capital and labour inside the production function, so empty places stay finite. */
const MIN_FACTOR = 1e-9;

/**
 * Recomputes, from the residents, each place's population, effective talent, mean skill and
 * shares at each divide level. Effective talent counts a level-3 resident's talent times
 * (1 + digitalPremium). One pass over residents, no allocation. `update`, when given, is applied
 * to each resident just before it is counted, so a stage can change residents and aggregate
 * them in the same pass.
 */
export function aggregateResidents(world: World, update?: (resident: number) => void): void {
  const { places: pl, residents: rs } = world;
  const premium = world.scenario.diffusion.digitalPremium;
  pl.population.fill(0);
  pl.talent.fill(0);
  pl.digitalTalent.fill(0);
  pl.skillMean.fill(0);
  pl.access.fill(0);
  pl.use.fill(0);
  pl.outcome.fill(0);
  const { place, talent, skill, level } = rs;
  for (let i = 0; i < rs.count; i++) {
    if (update) update(i);
    const p = place[i];
    const a = level[i];
    pl.population[p] += 1;
    pl.talent[p] += talent[i];
    if (a === 3) pl.digitalTalent[p] += talent[i] * premium;
    pl.skillMean[p] += skill[i];
    if (a >= 1) pl.access[p] += 1;
    if (a >= 2) pl.use[p] += 1;
    if (a === 3) pl.outcome[p] += 1;
  }
  for (let p = 0; p < pl.count; p++) {
    pl.talent[p] += pl.digitalTalent[p];
    const n = pl.population[p];
    if (n > 0) {
      pl.skillMean[p] /= n;
      pl.access[p] /= n;
      pl.use[p] /= n;
      pl.outcome[p] /= n;
    }
  }
}

/**
 * Total factor productivity A_p: rises with relative infrastructure τ (elasticity
 * techElasticity), with the local share at level 3, and with agglomeration (population
 * relative to the mean place, elasticity γ); falls with congestion in large places.
 */
export function updateProductivity(world: World): void {
  const { places: pl, scenario } = world;
  const c = scenario.capital;
  const meanPop = world.residents.count / pl.count;
  const frontier = world.state.frontier;
  for (let p = 0; p < pl.count; p++) {
    // Being at the frontier is the most infrastructure can give: τ counts up to 1.
    const tau = Math.min(1, Math.max(pl.tech[p] / frontier, MIN_TAU));
    const relPop = Math.max(pl.population[p] / meanPop, MIN_FACTOR);
    // exp(a*log(x)) instead of Math.pow: same value, measurably cheaper in V8 hot loops.
    pl.productivity[p] =
      (c.productivity *
        Math.exp(c.techElasticity * Math.log(tau) + c.agglomeration * Math.log(relPop)) *
        (1 + c.adoptionEffect * pl.outcome[p])) /
      (1 + c.congestion * relPop);
  }
}

/** Harris-Todaro employment probability of each place: jobs (created by capital) over residents, at most 1. */
export function updateEmployment(world: World): void {
  const { places: pl } = world;
  const perJob = world.scenario.capital.capitalPerJob;
  for (let p = 0; p < pl.count; p++) {
    const n = pl.population[p];
    pl.employment[p] = n > 0 ? Math.min(1, pl.capital[p] / perJob / n) : 1;
  }
}

/**
 * Output Y_p = A_p K_p^α H_p^(1-α), with H_p the employed effective talent; sets the wage per
 * unit of effective talent (marginal product of labour). The return to capital is computed
 * where it is used, by {@link marginalReturn}, after the capital stage has moved capital.
 */
export function updateOutput(world: World): void {
  const { places: pl } = world;
  const alpha = world.scenario.capital.alpha;
  for (let p = 0; p < pl.count; p++) {
    const K = Math.max(pl.capital[p], MIN_FACTOR);
    if (pl.population[p] === 0) {
      // An empty place produces nothing but offers a first arrival (one unit of talent) its marginal product, so it can be resettled.
      pl.output[p] = 0;
      pl.wage[p] = (1 - alpha) * pl.productivity[p] * Math.exp(alpha * Math.log(K));
      continue;
    }
    const H = Math.max(pl.talent[p] * pl.employment[p], MIN_FACTOR);
    const Y = pl.productivity[p] * Math.exp(alpha * Math.log(K) + (1 - alpha) * Math.log(H));
    pl.output[p] = Y;
    pl.wage[p] = ((1 - alpha) * Y) / H;
  }
}

/** Return to capital a place would offer now, from its current productivity, capital and labour. */
export function marginalReturn(world: World, p: number): number {
  const { places: pl } = world;
  const alpha = world.scenario.capital.alpha;
  const K = Math.max(pl.capital[p], MIN_FACTOR);
  const H = Math.max(pl.talent[p] * pl.employment[p], MIN_FACTOR);
  return alpha * pl.productivity[p] * Math.exp((alpha - 1) * Math.log(K) + (1 - alpha) * Math.log(H));
}

/**
 * Sets each resident's income: the local wage times effective talent when employed, the
 * informal share of it when not, taken in expectation over the employment probability.
 * Also sets each place's mean resident income.
 */
export function updateIncomes(world: World): void {
  const { places: pl, residents: rs, scenario } = world;
  const premium = scenario.diffusion.digitalPremium;
  const informal = scenario.talent.informalIncome;
  const perTalent = world.scratch.a;
  for (let p = 0; p < pl.count; p++) {
    const e = pl.employment[p];
    perTalent[p] = pl.wage[p] * (e + (1 - e) * informal);
    pl.incomePerResident[p] = 0;
  }
  const { place, talent, level, income } = rs;
  for (let i = 0; i < rs.count; i++) {
    const p = place[i];
    const y = perTalent[p] * talent[i] * (level[i] === 3 ? 1 + premium : 1);
    income[i] = y;
    pl.incomePerResident[p] += y;
  }
  for (let p = 0; p < pl.count; p++) {
    if (pl.population[p] > 0) pl.incomePerResident[p] /= pl.population[p];
  }
}

/**
 * Takes platform rent out of residents' incomes: a level-3 resident of a place whose digital
 * surplus is captured at share c keeps only (1 − c) of the digital premium of their income.
 * Recomputes each place's mean resident income.
 */
export function deductRent(world: World, capturedShare: Float64Array): void {
  const { places: pl, residents: rs } = world;
  const premium = world.scenario.diffusion.digitalPremium;
  const keep = world.scratch.f;
  for (let p = 0; p < pl.count; p++) {
    keep[p] = (1 + premium * (1 - capturedShare[p])) / (1 + premium);
    pl.incomePerResident[p] = 0;
  }
  const { place, level, income } = rs;
  for (let i = 0; i < rs.count; i++) {
    const p = place[i];
    if (level[i] === 3 && keep[p] < 1) income[i] *= keep[p];
    pl.incomePerResident[p] += income[i];
  }
  for (let p = 0; p < pl.count; p++) if (pl.population[p] > 0) pl.incomePerResident[p] /= pl.population[p];
}
