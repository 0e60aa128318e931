import { account } from '../engine/ledger.ts';
import type { World } from '../engine/world.ts';
import { spendPlanned } from '../policy/plan.ts';
import { marginalReturn, updateEmployment, updateProductivity } from './economy.ts';
import { moveByParcels } from './capitalParcels.ts';
import { decayRow } from './gravity.ts';
import { netLoss } from './run.ts';

const INCOME_SAVED = account('income', 'savings');
const CAPITAL_SAVED = account('capital', 'savings');
const CONSUMED = account('income', 'consumption');
const DEPRECIATED = account('capital', 'depreciation');
const MOVED = account('capital', 'capital-move');

/**
 * Stage 2, capital momentum. Retained income is saved (share s) or consumed; capital
 * depreciates; the capital lever adds transfers and subsidised credit. Then a share μ of each
 * place's capital is mobile and chooses by logit among **all** places (so being on many lists is
 * no advantage), each weighted by its size n + 1 (the number of firms and jobs capital can join,
 * McFadden 1978), with return r_j and, for leaving, a pull capital.herding × the place's net
 * population loss (the digital run). Distance friction exp(−β·friction·d) discounts a far
 * destination and the discounted share stays home, so friction slows moves but gives central
 * places no edge. In a stationary state capital per resident is then proportional to exp(β·r),
 * so returns equalise up to O(1/β). Gross flows of a pair of places are booked net: only reallocation is a flow,
 * not two-way churn. Strong agglomeration makes returns highest in the core (backwash); strong
 * congestion makes them highest outside it (spread).
 */
export function capitalMomentum(world: World): void {
  const { places: pl, ledger, scenario } = world;
  const c = scenario.capital;

  for (let p = 0; p < pl.count; p++) {
    const saved = c.savingsRate * pl.income[p];
    ledger.bookTo(INCOME_SAVED, p, -saved);
    ledger.bookTo(CAPITAL_SAVED, p, saved);
    ledger.bookTo(CONSUMED, p, saved - pl.income[p]);
    pl.income[p] = 0;
    const lost = c.depreciation * pl.capital[p];
    ledger.bookTo(DEPRECIATED, p, -lost);
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
  const P = pl.count;
  const beta = c.returnSensitivity;
  const decay = beta * c.friction;
  // weight[j] = (n_j + 1)·exp(β(r_j − top)); pull[p] = exp(herding·ℓ_p); share[p] = μK_p / (weight[p] + pull[p]·Σ_{j≠p} weight[j]).
  const weight = world.scratch.c;
  const pull = world.scratch.d;
  const share = world.scratch.e;
  let top = -Infinity;
  for (let p = 0; p < P; p++) {
    weight[p] = marginalReturn(world, p);
    top = Math.max(top, weight[p]);
  }
  for (let p = 0; p < P; p++) {
    weight[p] = Math.exp(Math.max(-700, beta * (weight[p] - top))) * (pl.population[p] + 1);
    // A place that has not lost people (most of them) has no pull: exp(0) is 1, and the call costs as much as the rest of the row.
    const herding = Math.min(200, c.herding * netLoss(world, p));
    pull[p] = herding === 0 ? 1 : Math.exp(herding);
  }
  // The logit is normalised without friction: capital that would go far but for the friction stays,
  // so friction slows reallocation without making central places more attractive.
  let total = 0;
  for (let p = 0; p < P; p++) total += weight[p];
  for (let p = 0; p < P; p++) {
    const sum = weight[p] + pull[p] * (total - weight[p]);
    share[p] = sum > 0 ? (c.mobility * pl.capital[p]) / sum : 0;
  }
  if (world.choice === 'sampled') {
    // The sampled choice needs only m_p = share_p · pull_p, what each unit of a destination's weight draws from p.
    for (let p = 0; p < P; p++) share[p] *= pull[p];
    moveByParcels(world, weight, share, decay, (from, to, amount) => moveCapital(world, from, to, amount));
  } else {
    for (let p = 0; p < P; p++) {
      const friction = decayRow(world, 'friction', decay, p);
      for (let j = p + 1; j < P; j++) {
        const net = friction[j] * (share[p] * weight[j] * pull[p] - share[j] * weight[p] * pull[j]);
        // Capped by what the sender holds: with mobility near 1 the shares can round past the stock.
        if (net > 0) moveCapital(world, p, j, Math.min(net, pl.capital[p]));
        else if (net < 0) moveCapital(world, j, p, Math.min(-net, pl.capital[j]));
      }
    }
  }
}

function moveCapital(world: World, from: number, to: number, amount: number): void {
  const pl = world.places;
  world.ledger.moveTo(MOVED, from, to, amount);
  pl.capital[from] -= amount;
  pl.capital[to] += amount;
}
