import type { World } from '../engine/world.ts';
import type { Allocation, Lever } from '../scenario/schema.ts';

/** A place's level on the stage a lever acts on: infrastructure, capital per resident, skill, level-3 share or rights. */
function stageLevel(world: World, lever: Lever, p: number): number {
  const pl = world.places;
  switch (lever) {
    case 'policy':
      return pl.tech[p];
    case 'capital':
      return pl.population[p] > 0 ? pl.capital[p] / pl.population[p] : 0;
    case 'talent':
      return pl.skillMean[p];
    case 'industry':
      return pl.outcome[p];
    case 'rights':
      return pl.rights[p];
  }
}

/**
 * The gap a place has on the stage a lever acts on, in [0,1]: what need-based allocation
 * spends by. Each is measured against the best-off place (`best`, its stage level), so the
 * leader's need is 0. Infrastructure and capital are unbounded stocks, so their gap is relative
 * (1 − level/best); the others are shares or indices in [0,1], so theirs is the difference.
 */
export function stageNeed(world: World, lever: Lever, p: number, best: number): number {
  const level = stageLevel(world, lever, p);
  if (lever === 'policy' || lever === 'capital') return best > 0 ? Math.max(0, 1 - level / best) : 0;
  return Math.max(0, best - level);
}

function bestLevel(world: World, lever: Lever): number {
  let best = 0;
  for (let p = 0; p < world.places.count; p++) best = Math.max(best, stageLevel(world, lever, p));
  return best;
}

/**
 * The rank of each ring among the targeted rings that hold residents, from the core outward
 * (−1 for a ring without any), written into `rank`; returns how many rings are ranked. The
 * ordered rules weigh rings by this rank, not by the ring index, so core-first and
 * periphery-first are mirror images on any set of target rings.
 */
function rankTargetedRings(world: World, targeted: (p: number) => boolean, rank: Int32Array): number {
  const pl = world.places;
  rank.fill(-1);
  for (let p = 0; p < pl.count; p++) if (targeted(p) && pl.population[p] > 0) rank[pl.ring[p]] = 0;
  let n = 0;
  for (let r = 0; r < rank.length; r++) if (rank[r] === 0) rank[r] = n++;
  return n;
}

/**
 * Writes into `weights` the share of an intervention's spending each place receives, summing
 * to 1 over the targeted places (all zero if no targeted place has residents). Spending is per
 * resident within a ring, and the rule ranks rings. With n targeted rings holding residents,
 * ranked k = 0 (innermost) to n − 1 (outermost):
 *  - core-first (the differential order): rank k weighs n − k;
 *  - uniform: every resident weighs the same;
 *  - periphery-first (the reverse differential order): rank k weighs k + 1;
 *  - need-based: each place weighs its gap on the lever's stage (see stageNeed).
 * Reversing the order of the rings reverses the core-first weights into the periphery-first ones.
 */
export function allocate(
  world: World,
  rule: Allocation,
  lever: Lever,
  targeted: (p: number) => boolean,
  weights: Float64Array,
): void {
  const pl = world.places;
  const rank = new Int32Array(world.scenario.world.rings.length);
  const n = rankTargetedRings(world, targeted, rank);
  const best = rule === 'need-based' ? bestLevel(world, lever) : 0;
  let total = 0;
  for (let p = 0; p < pl.count; p++) {
    let w = 0;
    if (targeted(p) && pl.population[p] > 0) {
      const k = rank[pl.ring[p]];
      const perResident =
        rule === 'core-first' ? n - k : rule === 'periphery-first' ? k + 1 : rule === 'uniform' ? 1 : stageNeed(world, lever, p, best);
      w = perResident * pl.population[p];
    }
    weights[p] = w;
    total += w;
  }
  for (let p = 0; p < pl.count; p++) weights[p] = total > 0 ? weights[p] / total : 0;
}
