import { hypot } from '../engine/distance.ts';
import { account } from '../engine/ledger.ts';
import type { World } from '../engine/world.ts';
import { updateState } from '../engine/world.ts';
import { spendPlanned } from '../policy/plan.ts';

const INVESTED = account('income', 'tech-investment');
const BUILT = account('tech', 'tech-investment');
const SPILLOVER = account('tech', 'spillover');
const OBSOLESCENCE = account('tech', 'obsolescence');

/**
 * Stage 1, technology foundation. The frontier moves on (F ← F(1+g)); each place adds private
 * investment (a share of retained income, more where productivity is above the mean), public
 * investment (the policy lever), and spillover from its parent decaying with distance; a share δ
 * of its infrastructure becomes obsolete. All changes of T go through the ledger.
 */
export function technologyFoundation(world: World): void {
  const { places: pl, ledger, scenario } = world;
  const t = scenario.technology;
  updateState(world, (d) => void (d.frontier = d.frontier * (1 + t.frontierGrowth)));
  const F = world.state.frontier;
  const threshold = scenario.diffusion.accessThreshold;

  // Digital investment pays where productivity is high (agglomeration, adoption, existing networks).
  let productivitySum = 0;
  let weight = 0;
  for (let p = 0; p < pl.count; p++) {
    productivitySum += pl.productivity[p] * pl.population[p];
    weight += pl.population[p];
  }
  const meanProductivity = weight > 0 ? productivitySum / weight : 0;

  // Spillover reads the parents' infrastructure before this tick's changes, so the order of places does not matter.
  const before = world.scratch.b;
  before.set(pl.tech);
  for (let p = 0; p < pl.count; p++) {
    const n = pl.population[p];
    const relativeReturn = meanProductivity > 0 ? Math.min(t.productivityCap, pl.productivity[p] / meanProductivity) : 1;
    // Nothing is built beyond the frontier: investment stops at the cost of reaching it.
    const toFrontier = Math.max(0, ((F - before[p]) * t.unitCost * n) / F);
    // Never more than the retained income: a share above 1 (high relative returns) must not overdraw it.
    const invest = Math.min(toFrontier, pl.income[p], pl.income[p] * t.privateInvestment * Math.exp(t.productivitySensitivity * Math.log(Math.max(relativeReturn, 1e-6))));
    if (invest > 0 && n > 0) {
      ledger.bookTo(INVESTED, p, -invest);
      pl.income[p] -= invest;
      const gain = (invest / (t.unitCost * n)) * F;
      ledger.bookTo(BUILT, p, gain);
      pl.tech[p] += gain;
    }
    const parent = pl.parent[p];
    if (parent >= 0 && before[parent] > before[p]) {
      const d = hypot(pl.x[p] - pl.x[parent], pl.y[p] - pl.y[parent]);
      const gain = t.spillover * Math.exp(-d / t.spilloverDecay) * (before[parent] - before[p]);
      ledger.bookTo(SPILLOVER, p, gain);
      pl.tech[p] += gain;
    }
    const lost = t.obsolescence * before[p];
    ledger.bookTo(OBSOLESCENCE, p, -lost);
    pl.tech[p] -= lost;
  }

  const publicInvestment = (efficiency: { below: number; above: number }) => (p: number, amount: number) => {
    const n = pl.population[p];
    const eff = pl.tech[p] / F < threshold ? efficiency.below : efficiency.above;
    const bought = ((amount * eff) / (t.unitCost * n)) * F;
    const gain = Math.min(Math.max(0, F - pl.tech[p]), bought);
    ledger.book('tech', 'policy', p, gain);
    pl.tech[p] += gain;
    // Nothing is built beyond the frontier (and nothing at zero efficiency): the rest is waste.
    return bought > 0 ? amount * (1 - gain / bought) : amount;
  };
  // Broadband builds access (full efficiency below the threshold); upgrades pay off where a network exists.
  const policy = scenario.policy;
  spendPlanned(world, 'policy', 'broadband', publicInvestment({ below: 1, above: policy.broadbandAbove }));
  spendPlanned(world, 'policy', 'upgrade', publicInvestment({ below: policy.upgradeBelow, above: policy.upgradeAbove }));
}
