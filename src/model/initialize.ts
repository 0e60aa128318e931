import { hypot } from '../engine/distance.ts';
import { normal } from '../engine/rng.ts';
import type { World } from '../engine/world.ts';
import { allocateWorld, updateState } from '../engine/world.ts';
import type { Scenario } from '../scenario/schema.ts';
import { aggregateResidents, updateEmployment, updateIncomes, updateOutput, updateProductivity } from './economy.ts';
import { initializeRun } from './run.ts';
import { logExpectedWage } from './talent.ts';

/**
 * Residents per ring: the ring's population share of the total (shares are normalised), rounded
 * so that the counts add up exactly; the remainder goes to the largest ring.
 */
export function ringPopulations(scenario: Scenario): number[] {
  const rings = scenario.world.rings;
  const N = scenario.world.residents;
  const total = rings.reduce((s, r) => s + r.popShare, 0);
  const counts = rings.map((r) => Math.floor((N * r.popShare) / total));
  let rest = N - counts.reduce((s, c) => s + c, 0);
  const order = rings.map((_, i) => i).sort((a, b) => rings[b].popShare - rings[a].popShare || a - b);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) counts[order[k]]++;
  return counts;
}

/**
 * Residents per place when `n` are split over places in proportion to `weight` (largest
 * remainders; ties go to the earlier place). All zero weights split evenly.
 */
export function weightedSplit(weight: Float64Array, n: number): Int32Array {
  const total = weight.reduce((a, b) => a + b, 0);
  const quota = Float64Array.from(weight, (w) => (total > 0 ? (n * w) / total : n / weight.length));
  const out = Int32Array.from(quota, (q) => Math.floor(q));
  let rest = n - out.reduce((a, b) => a + b, 0);
  const order = Array.from(out, (_, p) => p).sort((a, b) => quota[b] - out[b] - (quota[a] - out[a]) || a - b);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) out[order[k]]++;
  return out;
}

/**
 * Builds the initial world of a scenario: residents spread evenly over the places of each ring
 * (ordered by place, which keeps per-place reads cache-friendly), registered in the class of
 * their place, with lognormal talent (mean 1), skill around the ring's mean and divide levels
 * drawn from the ring's access share, their skill and their place's rights and market access,
 * and a digital-run threshold. Then tick-0 output, expectations, wages and incomes are computed, and the first budget is raised.
 */
export function initializeWorld(scenario: Scenario, seed: number): World {
  const world = allocateWorld(scenario, seed);
  const { places: pl, residents: rs } = world;
  const rand = world.streams.init;
  const rings = scenario.world.rings;
  const sigma = scenario.world.talentSigma;

  for (let p = 0; p < pl.count; p++) {
    const core = pl.root[p];
    pl.marketAccess[p] = Math.exp(-hypot(pl.x[p] - pl.x[core], pl.y[p] - pl.y[core]) / scenario.diffusion.marketDecay);
    const spec = rings[pl.ring[p]];
    pl.tech[p] = (pl.initial.tech ? pl.initial.tech[p] : spec.tech) * world.state.frontier;
    pl.rights[p] = pl.initial.rights ? pl.initial.rights[p] : spec.rights;
  }

  const counts = ringPopulations(scenario);
  let i = 0;
  rings.forEach((spec, r) => {
    const first = pl.ringStart[r];
    const places = pl.ringStart[r + 1] - first;
    const n = counts[r];
    const split = pl.weight ? weightedSplit(pl.weight.subarray(first, first + places), n) : null;
    for (let k = 0, p = first, filled = 0; k < n; k++, i++) {
      // Even split: place first + floor(k * count / n) keeps residents ordered by place. A
      // weighted split fills the places in order too, each with its share of the ring.
      if (split) {
        while (filled === split[p - first]) {
          p++;
          filled = 0;
        }
        filled++;
      } else {
        p = first + Math.floor((k * places) / n);
      }
      rs.place[i] = p;
      rs.origin[i] = p;
      rs.rural[i] = pl.urban[p] === 1 ? 0 : 1;
      rs.talent[i] = Math.exp(sigma * normal(rand) - (sigma * sigma) / 2);
      const s = spec.skill + scenario.world.skillSpread * normal(rand);
      rs.skill[i] = s < 0 ? 0 : s > 1 ? 1 : s;
      let level = 0;
      if (rand() < spec.access) {
        level = 1;
        if (rand() < rs.skill[i]) {
          level = 2;
          if (rand() < scenario.world.initialOutcome * pl.rights[p] * pl.marketAccess[p]) level = 3;
        }
      }
      rs.level[i] = level;
    }
  });

  aggregateResidents(world);
  for (let p = 0; p < pl.count; p++) pl.capital[p] = (pl.initial.capital ? pl.initial.capital[p] : rings[pl.ring[p]].capital) * pl.population[p];
  updateProductivity(world);
  updateEmployment(world);
  updateOutput(world);
  updateIncomes(world);
  for (let p = 0; p < pl.count; p++) pl.expectedWage[p] = logExpectedWage(world, p);
  initializeRun(world);
  const fiscal = scenario.fiscal;
  let budget = 0;
  for (let p = 0; p < pl.count; p++) {
    const tax = fiscal.mode === 'share' ? Math.min(pl.output[p], fiscal.value * pl.output[p]) : 0;
    pl.income[p] = pl.output[p] - tax;
    budget += tax;
  }
  if (fiscal.mode === 'fixed') budget = fiscal.value;
  updateState(world, (d) => void (d.budget = budget));
  return world;
}
