import type { World } from '../engine/world.ts';
import type { Allocation, Lever } from '../scenario/schema.ts';

/**
 * The gap a place has on the stage a lever acts on, in [0,1]: what need-based allocation
 * spends by. Each is measured against the best-off place, so the leader's need is 0.
 */
export function stageNeed(world: World, lever: Lever, p: number, best: number): number {
  const pl = world.places;
  switch (lever) {
    case 'policy':
      return best > 0 ? Math.max(0, 1 - pl.tech[p] / best) : 0;
    case 'capital': {
      const kpc = pl.population[p] > 0 ? pl.capital[p] / pl.population[p] : 0;
      return best > 0 ? Math.max(0, 1 - kpc / best) : 0;
    }
    case 'talent':
      return Math.max(0, best - pl.skillMean[p]);
    case 'industry':
      return Math.max(0, best - pl.outcome[p]);
    case 'rights':
      return Math.max(0, best - pl.rights[p]);
  }
}

function bestLevel(world: World, lever: Lever): number {
  const pl = world.places;
  let best = 0;
  for (let p = 0; p < pl.count; p++) {
    const v =
      lever === 'policy'
        ? pl.tech[p]
        : lever === 'capital'
          ? pl.population[p] > 0
            ? pl.capital[p] / pl.population[p]
            : 0
          : lever === 'talent'
            ? pl.skillMean[p]
            : lever === 'industry'
              ? pl.outcome[p]
              : pl.rights[p];
    if (v > best) best = v;
  }
  return best;
}

/**
 * Writes into `weights` the share of an intervention's spending each place receives, summing
 * to 1 over the targeted places (all zero if no targeted place has residents). Spending is per
 * resident within a ring, and the rule ranks rings:
 *  - core-first (the differential order): ring r of R rings weighs R - r;
 *  - uniform: every resident weighs the same;
 *  - periphery-first (the reverse differential order): ring r weighs r + 1;
 *  - need-based: each place weighs its gap on the lever's stage (see stageNeed).
 */
export function allocate(
  world: World,
  rule: Allocation,
  lever: Lever,
  targeted: (p: number) => boolean,
  weights: Float64Array,
): void {
  const pl = world.places;
  const rings = world.scenario.world.rings.length;
  const best = rule === 'need-based' ? bestLevel(world, lever) : 0;
  let total = 0;
  for (let p = 0; p < pl.count; p++) {
    let w = 0;
    if (targeted(p) && pl.population[p] > 0) {
      const r = pl.ring[p];
      const perResident =
        rule === 'core-first' ? rings - r : rule === 'periphery-first' ? r + 1 : rule === 'uniform' ? 1 : stageNeed(world, lever, p, best);
      w = perResident * pl.population[p];
    }
    weights[p] = w;
    total += w;
  }
  for (let p = 0; p < pl.count; p++) weights[p] = total > 0 ? weights[p] / total : 0;
}
