import type { World } from '../engine/world.ts';
import { RATIO_FLOOR } from './reporters.ts';

/**
 * Population-aware measures: the per-resident DPD compares the people who are left, so a gap
 * can close only because people left the lagging places. These measures keep depopulation in
 * view (docs/metrics.md, "Population-aware measures").
 */

/**
 * Residents per place at the start of the run: the reference population the digital run
 * measures its losses against (set once at initialization, restored with a checkpoint).
 */
export function startPopulation(world: World): Float64Array {
  return world.places.reference;
}

/**
 * The DPD with every place weighted by its population at the start of the run instead of now:
 * a fixed-weight (Laspeyres) index of the five stages. A place that emptied still counts with
 * its starting weight, and what its (absent) residents have per head counts as 0, so the gap
 * cannot close merely because people left the lagging places. Equal to the DPD at tick 0.
 * `applied` is Σ talent × skill per place and `level3` the count of residents at level 3.
 */
export function startWeightedDpd(world: World, applied: ArrayLike<number>, level3: (p: number) => number): number {
  const { places: pl, scenario } = world;
  const F = world.state.frontier;
  const n0 = startPopulation(world);
  // [class][stage]: sums of start-weighted stage levels; class 0 rural, 1 urban.
  const sums = [new Float64Array(5), new Float64Array(5)];
  const weight = [0, 0];
  for (let p = 0; p < pl.count; p++) {
    const w = n0[p];
    if (w === 0) continue;
    const n = pl.population[p];
    const perHead = (x: number) => (n > 0 ? x / n : 0);
    const s = sums[pl.urban[p]];
    s[0] += w * (pl.tech[p] / F);
    s[1] += w * perHead(pl.capital[p]);
    s[2] += w * perHead(applied[p]);
    s[3] += w * perHead(level3(p));
    s[4] += w * pl.rights[p];
    weight[pl.urban[p]] += w;
  }
  const wts = scenario.metrics.dpdWeights;
  const stageWeights = [wts.technology, wts.capital, wts.talent, wts.production, wts.rights];
  let dpd = 0;
  for (let d = 0; d < 5; d++) {
    const mean = (c: number) => (weight[c] > 0 ? sums[c][d] / weight[c] : 0);
    dpd += stageWeights[d] * Math.log(Math.max(mean(1), RATIO_FLOOR) / Math.max(mean(0), RATIO_FLOOR));
  }
  return dpd;
}
