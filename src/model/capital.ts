import type { World } from '../engine/world.ts';
import { spendPlanned } from '../policy/plan.ts';
import { marginalReturn, updateEmployment, updateProductivity } from './economy.ts';

/** Most destinations one place's mobile capital weighs: stay, parent, core and up to this many children. */
const MAX_CHILDREN = 64;
const destination = new Int32Array(MAX_CHILDREN + 3);
const utility = new Float64Array(MAX_CHILDREN + 3);

/**
 * Stage 2, capital momentum. Retained income is saved (share s) or consumed; capital
 * depreciates; the capital lever adds transfers and subsidised credit. Then a share μ of each
 * place's capital is mobile and chooses, by logit over net returns, between staying, its parent,
 * its core and its children; distance friction lowers a destination's net return, and a run on
 * the place (its recent capital outflow share) pushes capital out (the digital run). Strong
 * agglomeration makes returns highest in the core (backwash); strong congestion makes them
 * highest outside it (spread).
 */
export function capitalMomentum(world: World): void {
  const { places: pl, ledger, scenario } = world;
  const c = scenario.capital;
  const memory = scenario.talent.runMemory;

  for (let p = 0; p < pl.count; p++) {
    const saved = c.savingsRate * pl.income[p];
    ledger.book('income', 'savings', p, -saved);
    ledger.book('capital', 'savings', p, saved);
    ledger.book('income', 'consumption', p, saved - pl.income[p]);
    pl.income[p] = 0;
    const lost = c.depreciation * pl.capital[p];
    ledger.book('capital', 'depreciation', p, -lost);
    // K(1-δ) + s rather than K + (s - δK): at δ near 1 the latter can round below zero.
    pl.capital[p] = pl.capital[p] * (1 - c.depreciation) + saved;
  }
  const addCapital = (multiplier: number) => (p: number, amount: number) => {
    ledger.book('capital', 'policy', p, amount * multiplier);
    pl.capital[p] += amount * multiplier;
  };
  spendPlanned(world, 'capital', 'transfer', addCapital(1));
  spendPlanned(world, 'capital', 'credit', addCapital(scenario.policy.creditLeverage));

  updateProductivity(world);
  updateEmployment(world);
  const ret = world.scratch.c;
  for (let p = 0; p < pl.count; p++) ret[p] = marginalReturn(world, p);
  const stock = world.scratch.d;
  stock.set(pl.capital);

  for (let p = 0; p < pl.count; p++) {
    const mobile = c.mobility * stock[p];
    if (mobile <= 0) {
      pl.capitalRun[p] *= 1 - memory;
      continue;
    }
    let n = 0;
    destination[n++] = p;
    if (pl.parent[p] >= 0) destination[n++] = pl.parent[p];
    if (pl.root[p] !== p && pl.root[p] !== pl.parent[p]) destination[n++] = pl.root[p];
    const end = Math.min(pl.childStart[p + 1], pl.childStart[p] + MAX_CHILDREN);
    for (let k = pl.childStart[p]; k < end; k++) destination[n++] = pl.childList[k];

    let best = -Infinity;
    for (let k = 0; k < n; k++) {
      const j = destination[k];
      utility[k] =
        j === p
          ? c.returnSensitivity * ret[p]
          : c.returnSensitivity * (ret[j] - c.friction * Math.hypot(pl.x[p] - pl.x[j], pl.y[p] - pl.y[j])) + c.herding * pl.capitalRun[p];
      if (utility[k] > best) best = utility[k];
    }
    let sum = 0;
    for (let k = 0; k < n; k++) sum += utility[k] = Math.exp(utility[k] - best);
    let out = 0;
    for (let k = 1; k < n; k++) {
      // Capped by what is left: with mobility near 1 the shares can round past the whole stock.
      const amount = Math.min(pl.capital[p], (mobile * utility[k]) / sum);
      ledger.move('capital', 'capital-move', p, destination[k], amount);
      pl.capital[p] -= amount;
      pl.capital[destination[k]] += amount;
      out += amount;
    }
    pl.capitalRun[p] = (1 - memory) * pl.capitalRun[p] + memory * (out / stock[p]);
  }
}
