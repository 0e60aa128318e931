/**
 * The benchmark's shared kernel: stage 4 of MODEL.md §3 (production diffusion: the
 * Bass/Hägerstrand climbing of the divide levels, the slip back, then output, wages and incomes)
 * with no interventions, written three ways over the same data:
 *
 * - {@link limitTick}: the limit, a hand-written structure-of-arrays loop outside the engine. It
 *   fuses the climbing pass with the per-place aggregation (two passes over residents instead of
 *   the stage's three) and inlines the alea generator, so it is the fastest this kernel can be
 *   written in plain JavaScript.
 * - {@link engineTick}: urd's real path, `productionDiffusion` on a world from `initializeWorld`.
 * - bench/peers.ts: the same kernel with Flocc agents and AgentScript turtles, reusing the
 *   per-place helpers below so that only the per-resident work goes through each library.
 *
 * All of them take the same draws from the same alea stream in the same order, so after every tick
 * they hold the same number of residents at each level and the same total output: the benchmark
 * checks that (see {@link sameTrace}). When src/model/diffusion.ts changes what the stage computes,
 * that check fails and this file must follow.
 */
import type { StreamState } from '../src/engine/rng.ts';
import type { World } from '../src/engine/world.ts';
import { productionDiffusion } from '../src/model/diffusion.ts';

/** Floors of src/model/economy.ts, repeated so the limit computes the same numbers. */
const MIN_TAU = 0.01;
const MIN_FACTOR = 1e-9;

/** Per-place arrays of the kernel (structure of arrays, indexed by place). */
export interface KernelPlaces {
  count: number;
  /** Mean information field in compressed rows (the world's, shared read-only). */
  infoStart: Int32Array;
  infoIndex: Int32Array;
  infoWeight: Float64Array;
  tech: Float64Array;
  rights: Float64Array;
  marketAccess: Float64Array;
  capital: Float64Array;
  population: Float64Array;
  talent: Float64Array;
  digitalTalent: Float64Array;
  skillMean: Float64Array;
  access: Float64Array;
  use: Float64Array;
  outcome: Float64Array;
  productivity: Float64Array;
  jobs: Float64Array;
  employment: Float64Array;
  output: Float64Array;
  wage: Float64Array;
  income: Float64Array;
  incomePerResident: Float64Array;
  /** Scratch: climbing hazards per level (before the personal skill gate), gates, income per unit of talent. */
  hazard1: Float64Array;
  hazard2: Float64Array;
  hazard3: Float64Array;
  gate1: Float64Array;
  gate3: Float64Array;
  perTalent: Float64Array;
}

/** Per-resident arrays of the kernel (structure of arrays, indexed by resident). */
export interface KernelResidents {
  count: number;
  place: Int32Array;
  skill: Float32Array;
  talent: Float32Array;
  level: Uint8Array;
  income: Float32Array;
}

/** The scenario parameters the kernel reads, copied out of the scenario once. */
export interface KernelParams {
  frontier: number;
  p: number;
  q: number;
  infoField: number;
  accessThreshold: number;
  slip: number;
  digitalPremium: number;
  productivity: number;
  techElasticity: number;
  agglomeration: number;
  adoptionEffect: number;
  congestion: number;
  capitalPerJob: number;
  alpha: number;
  informalIncome: number;
  /** Mean residents per place (N / P), the agglomeration reference. */
  meanPopulation: number;
}

/** Everything the hand-written kernel owns: places, residents and parameters. */
export interface Kernel {
  places: KernelPlaces;
  residents: KernelResidents;
  params: KernelParams;
}

/** Residents per level (0..3) after one tick, and the total output: what every variant must agree on. */
export interface TickTrace {
  levels: [number, number, number, number];
  output: number;
}

/**
 * Copies a freshly initialised world into the kernel's own arrays (the world is left untouched),
 * so the limit starts from exactly the state the engine variant starts from.
 */
export function kernelFromWorld(world: World): Kernel {
  const pl = world.places;
  const rs = world.residents;
  const s = world.scenario;
  const P = pl.count;
  const f = () => new Float64Array(P);
  const places: KernelPlaces = {
    count: P,
    infoStart: world.infoField.start,
    infoIndex: world.infoField.index,
    infoWeight: world.infoField.weight,
    tech: pl.tech.slice(),
    rights: pl.rights.slice(),
    marketAccess: pl.marketAccess.slice(),
    capital: pl.capital.slice(),
    population: pl.population.slice(),
    talent: pl.talent.slice(),
    digitalTalent: pl.digitalTalent.slice(),
    skillMean: pl.skillMean.slice(),
    access: pl.access.slice(),
    use: pl.use.slice(),
    outcome: pl.outcome.slice(),
    productivity: pl.productivity.slice(),
    jobs: f(),
    employment: pl.employment.slice(),
    output: pl.output.slice(),
    wage: pl.wage.slice(),
    income: pl.income.slice(),
    incomePerResident: pl.incomePerResident.slice(),
    hazard1: f(),
    hazard2: f(),
    hazard3: f(),
    gate1: f(),
    gate3: f(),
    perTalent: f(),
  };
  const residents: KernelResidents = {
    count: rs.count,
    place: rs.place.slice(),
    skill: rs.skill.slice(),
    talent: rs.talent.slice(),
    level: rs.level.slice(),
    income: rs.income.slice(),
  };
  const params: KernelParams = {
    frontier: world.state.frontier,
    p: s.diffusion.p,
    q: s.diffusion.q,
    infoField: s.diffusion.infoField,
    accessThreshold: s.diffusion.accessThreshold,
    slip: s.diffusion.slip,
    digitalPremium: s.diffusion.digitalPremium,
    productivity: s.capital.productivity,
    techElasticity: s.capital.techElasticity,
    agglomeration: s.capital.agglomeration,
    adoptionEffect: s.capital.adoptionEffect,
    congestion: s.capital.congestion,
    capitalPerJob: s.capital.capitalPerJob,
    alpha: s.capital.alpha,
    informalIncome: s.talent.informalIncome,
    meanPopulation: rs.count / P,
  };
  return { places, residents, params };
}

/** Seen adopter shares per place for levels ≥1, ≥2 and 3: own share mixed with the distance-weighted share nearby (Hägerstrand), one sweep. */
function seenShares(pl: KernelPlaces, omega: number): void {
  const { infoStart, infoIndex, infoWeight, population, access, use, outcome } = pl;
  for (let p = 0; p < pl.count; p++) {
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let people = 0;
    for (let k = infoStart[p]; k < infoStart[p + 1]; k++) {
      const j = infoIndex[k];
      const w = infoWeight[k] * population[j];
      a1 += w * access[j];
      a2 += w * use[j];
      a3 += w * outcome[j];
      people += w;
    }
    const nearby = people > 0;
    pl.hazard1[p] = (1 - omega) * access[p] + omega * (nearby ? a1 / people : access[p]);
    pl.hazard2[p] = (1 - omega) * use[p] + omega * (nearby ? a2 / people : use[p]);
    pl.hazard3[p] = (1 - omega) * outcome[p] + omega * (nearby ? a3 / people : outcome[p]);
  }
}

/**
 * Per-place part before the resident pass: the Bass hazards of climbing to each level (p + q × seen
 * share, times the place gate) and the gates that decide slips. O(places × info-field row).
 */
export function placeHazards(k: Kernel): void {
  const pl = k.places;
  const c = k.params;
  seenShares(pl, c.infoField);
  for (let p = 0; p < pl.count; p++) {
    const access = Math.min(1, pl.tech[p] / c.frontier / c.accessThreshold);
    pl.hazard1[p] = access * (c.p + c.q * pl.hazard1[p]);
    pl.hazard2[p] = c.p + c.q * pl.hazard2[p];
    pl.gate3[p] = pl.rights[p] * pl.marketAccess[p];
    pl.hazard3[p] = pl.gate3[p] * (c.p + c.q * pl.hazard3[p]);
    pl.gate1[p] = access;
  }
}

/** Clears the per-place sums that the resident pass accumulates. */
export function startAggregates(pl: KernelPlaces): void {
  pl.population.fill(0);
  pl.talent.fill(0);
  pl.digitalTalent.fill(0);
  pl.skillMean.fill(0);
  pl.access.fill(0);
  pl.use.fill(0);
  pl.outcome.fill(0);
}

/**
 * Per-place part after the resident pass: turns sums into means and shares, then productivity,
 * employment, output, wage, return to capital, and the income per unit of talent for the income pass.
 */
export function placeProduction(k: Kernel): void {
  const pl = k.places;
  const c = k.params;
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
  for (let p = 0; p < pl.count; p++) {
    const tau = Math.min(1, Math.max(pl.tech[p] / c.frontier, MIN_TAU));
    const relPop = Math.max(pl.population[p] / c.meanPopulation, MIN_FACTOR);
    pl.productivity[p] =
      (c.productivity * Math.exp(c.techElasticity * Math.log(tau) + c.agglomeration * Math.log(relPop)) * (1 + c.adoptionEffect * pl.outcome[p])) /
      (1 + c.congestion * relPop);
  }
  for (let p = 0; p < pl.count; p++) {
    pl.jobs[p] = pl.capital[p] / c.capitalPerJob;
    const n = pl.population[p];
    pl.employment[p] = n > 0 ? Math.min(1, pl.jobs[p] / n) : 1;
  }
  const alpha = c.alpha;
  for (let p = 0; p < pl.count; p++) {
    const K = Math.max(pl.capital[p], MIN_FACTOR);
    if (pl.population[p] === 0) {
      // An empty place produces nothing but offers a first arrival its marginal product.
      pl.output[p] = 0;
      pl.wage[p] = (1 - alpha) * pl.productivity[p] * Math.exp(alpha * Math.log(K));
      continue;
    }
    const H = Math.max(pl.talent[p] * pl.employment[p], MIN_FACTOR);
    const Y = pl.productivity[p] * Math.exp(alpha * Math.log(K) + (1 - alpha) * Math.log(H));
    pl.output[p] = Y;
    pl.wage[p] = ((1 - alpha) * Y) / H;
  }
  for (let p = 0; p < pl.count; p++) {
    const e = pl.employment[p];
    pl.perTalent[p] = pl.wage[p] * (e + (1 - e) * c.informalIncome);
    pl.incomePerResident[p] = 0;
  }
}

/** Per-place part after the income pass: mean income per resident, and output added to retained income. */
export function finishIncomes(pl: KernelPlaces): void {
  for (let p = 0; p < pl.count; p++) {
    if (pl.population[p] > 0) pl.incomePerResident[p] /= pl.population[p];
    pl.income[p] += pl.output[p];
  }
}

/**
 * The limit: one tick of the kernel as a hand-written SoA loop. Pass 1 slips or climbs each
 * resident (drawing from an inlined copy of seedrandom's alea, state in locals) and adds it to its
 * place's sums; pass 2 sets incomes. Returns the alea state after the tick, to pass to the next.
 */
export function limitTick(k: Kernel, stream: StreamState): StreamState {
  const pl = k.places;
  const rs = k.residents;
  const c = k.params;
  placeHazards(k);
  startAggregates(pl);
  const { hazard1, hazard2, hazard3, gate1, gate3, population, talent: placeTalent, digitalTalent, skillMean, access, use, outcome } = pl;
  const { place, skill, talent, level, income } = rs;
  const slip = c.slip;
  const premium = c.digitalPremium;
  let s0 = stream.s0;
  let s1 = stream.s1;
  let s2 = stream.s2;
  let carry = stream.c;
  const n = rs.count;
  for (let i = 0; i < n; i++) {
    let a = level[i];
    const p = place[i];
    let slipped = false;
    if (a > 0) {
      const gate = a === 1 ? gate1[p] : a === 2 ? skill[i] : gate3[p];
      const t = 2091639 * s0 + carry * 2.3283064365386963e-10;
      s0 = s1;
      s1 = s2;
      s2 = t - (carry = t | 0);
      if (s2 < slip * (1 - gate)) {
        level[i] = --a;
        slipped = true;
      }
    }
    if (!slipped && a !== 3) {
      const hazard = a === 0 ? hazard1[p] : a === 1 ? skill[i] * hazard2[p] : hazard3[p];
      const t = 2091639 * s0 + carry * 2.3283064365386963e-10;
      s0 = s1;
      s1 = s2;
      s2 = t - (carry = t | 0);
      if (s2 < hazard) level[i] = ++a;
    }
    const ti = talent[i];
    population[p] += 1;
    placeTalent[p] += ti;
    if (a === 3) {
      digitalTalent[p] += ti * premium;
      outcome[p] += 1;
    }
    skillMean[p] += skill[i];
    if (a >= 1) access[p] += 1;
    if (a >= 2) use[p] += 1;
  }
  placeProduction(k);
  const { perTalent, incomePerResident } = pl;
  const bonus = 1 + premium;
  for (let i = 0; i < n; i++) {
    const p = place[i];
    const y = perTalent[p] * talent[i] * (level[i] === 3 ? bonus : 1);
    income[i] = y;
    incomePerResident[p] += y;
  }
  finishIncomes(pl);
  return { s0, s1, s2, c: carry };
}

/** The engine variant: one tick of urd's real stage 4 on a world from `initializeWorld`. */
export function engineTick(world: World): void {
  productionDiffusion(world);
}

/** Counts residents per divide level and sums output over places: the trace compared across variants. */
export function traceOf(level: ArrayLike<number>, output: ArrayLike<number>): TickTrace {
  const levels: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < level.length; i++) levels[level[i]]++;
  let total = 0;
  for (let p = 0; p < output.length; p++) total += output[p];
  return { levels, output: total };
}

/**
 * Compares a variant's traces with the reference's over the ticks both ran. Level counts must be
 * equal; output equal to 1e-12 relative (the same sums in the same order give identical numbers,
 * the tolerance only absorbs a peer library storing talent as a double). Returns a description of
 * the first difference, or null.
 */
export function sameTrace(reference: readonly TickTrace[], other: readonly TickTrace[]): string | null {
  const ticks = Math.min(reference.length, other.length);
  if (ticks === 0) return 'no ticks to compare';
  for (let t = 0; t < ticks; t++) {
    const a = reference[t];
    const b = other[t];
    for (let l = 0; l < 4; l++) {
      if (a.levels[l] !== b.levels[l]) return `tick ${t + 1}: ${b.levels[l]} residents at level ${l}, expected ${a.levels[l]}`;
    }
    if (Math.abs(a.output - b.output) > 1e-12 * Math.max(1, Math.abs(a.output))) return `tick ${t + 1}: output ${b.output}, expected ${a.output}`;
  }
  return null;
}
