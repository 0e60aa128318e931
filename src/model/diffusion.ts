import { account } from '../engine/ledger.ts';
import type { World } from '../engine/world.ts';
import { beyondSaturation, spendPlanned } from '../policy/plan.ts';
import { aggregateResidents, updateEmployment, updateIncomes, updateOutput, updateProductivity } from './economy.ts';

const PRODUCED = account('income', 'production');

/**
 * The adopter shares a resident of each place sees, for levels ≥1, ≥2 and 3: its own place's
 * share, mixed (weight infoField) with the share among residents of nearby places weighted by
 * distance decay, Hägerstrand's mean information field. One sweep over the field for all three.
 */
function seenShares(world: World, out1: Float64Array, out2: Float64Array, out3: Float64Array): void {
  const { places: pl, infoField: f } = world;
  const omega = world.scenario.diffusion.infoField;
  const { start, index, weight } = f;
  const { population, access, use, outcome } = pl;
  for (let p = 0; p < pl.count; p++) {
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let people = 0;
    for (let k = start[p]; k < start[p + 1]; k++) {
      const j = index[k];
      const w = weight[k] * population[j];
      a1 += w * access[j];
      a2 += w * use[j];
      a3 += w * outcome[j];
      people += w;
    }
    const nearby = people > 0;
    out1[p] = (1 - omega) * access[p] + omega * (nearby ? a1 / people : access[p]);
    out2[p] = (1 - omega) * use[p] + omega * (nearby ? a2 / people : use[p]);
    out3[p] = (1 - omega) * outcome[p] + omega * (nearby ? a3 / people : outcome[p]);
  }
}

const roomBuffers = new WeakMap<World, Float64Array>();

/** A per-place buffer for the room under the level-2 ceiling (scratch a-f are all in use). */
function roomBuffer(world: World): Float64Array {
  let buf = roomBuffers.get(world);
  if (!buf) roomBuffers.set(world, (buf = new Float64Array(world.places.count)));
  return buf;
}

/**
 * The share of those eligible to climb to a level (the residents one level below it) that the
 * ceiling m, a share of all residents, still leaves room for: with shares `reached` at the
 * level or above and `below` at the level below or above, min(1, (m − reached)/(below − reached)).
 * For access (below = 1) the expected climb (1 − A)·hazard·room is then Bass with market
 * potential m, dA/dt = (p + qA/m)(m − A). Without a ceiling (m = 1) the room is 1.
 */
function room(reached: number, below: number, m: number): number {
  if (m >= 1) return 1;
  // The shares are from the last aggregation; migrants may since have brought eligible residents.
  const eligible = below - reached;
  if (eligible <= 0) return reached < m ? 1 : 0;
  return Math.min(1, Math.max(0, (m - reached) / eligible));
}

/**
 * The chance that one eligible resident climbs this tick, before the room under the ceiling:
 * `gate` scales the rates, `p` is the external push, `q` the imitation coefficient and `x` the
 * adopter share seen, in units of the ceiling.
 *  - per tick: p and q are per-tick probabilities, hazard gate·(p + q·x), held for the tick
 *    (explicit Euler: it lags the continuous solution while adoption takes off);
 *  - continuous: p and q are rates of Bass's differential equation, integrated exactly over
 *    the tick with the seen share as its start, so the chance is 1 − (1 − x₁)/(1 − x₀) with x₁
 *    from Bass's closed form: 1 − e^(−r)(1 + C)/(1 + C·e^(−r)), r = gate·(p + q),
 *    C = q(1 − x)/(p + q·x). It reduces to 1 − e^(−gate·p) when q = 0.
 */
export function climbChance(continuous: boolean, gate: number, p: number, q: number, x: number, roomLeft: number): number {
  if (!continuous) return gate * (p + q * x) * roomLeft;
  const seen = Math.min(1, x);
  const pull = p + q * seen;
  if (!(gate > 0) || !(pull > 0)) return 0;
  const decay = Math.exp(-gate * (p + q));
  const c = (q * (1 - seen)) / pull;
  return (1 - (decay * (1 + c)) / (1 + c * decay)) * roomLeft;
}

/**
 * Stage 4, production diffusion. Each resident below level 3 may climb one level of the
 * digital divide with probability gate × (p + push + q × seen share of the next level), the Bass
 * hazard with Hägerstrand's information field. Gates: access needs infrastructure (τ relative to
 * the access threshold), use needs skill, outcomes need rights × market access. Because the
 * frontier moves, a level is not kept for good: with probability slip × (1 − gate of the
 * present level) a resident slips back one level (the digital run's "standing still is falling
 * behind"). The industry lever adds e-commerce push and logistics (market access). Then
 * output, wages and incomes follow, and output enters the ledger as income.
 */
export function productionDiffusion(world: World): void {
  const { places: pl, residents: rs, scenario, ledger } = world;
  const d = scenario.diffusion;
  const rand = world.streams.diffusion;
  const F = world.state.frontier;

  const push = world.scratch.a;
  push.fill(0);
  spendPlanned(world, 'industry', 'ecommerce', (p, amount) => {
    push[p] = amount / (scenario.policy.ecommerceCost * Math.max(1, pl.population[p]));
  });
  spendPlanned(world, 'industry', 'logistics', (p, amount) => {
    const full = scenario.policy.logisticsCost * Math.max(1, pl.population[p]);
    const gap = 1 - pl.marketAccess[p];
    pl.marketAccess[p] += Math.min(1, amount / full) * gap;
    return beyondSaturation(amount, full, gap);
  });

  const seen1 = world.scratch.b;
  const seen2 = world.scratch.c;
  const seen3 = world.scratch.d;
  seenShares(world, seen1, seen2, seen3);
  // Per-place gates (access needs infrastructure; outcomes need rights and market access) and
  // climbing hazards before the personal gate (skill) is applied. Levels 1 and 3 get their
  // whole hazard here; level 2 keeps what the per-resident skill gate needs (see climbChance).
  const gate1 = world.scratch.f;
  const gate3 = world.scratch.e;
  const continuous = d.time === 'continuous';
  const room2 = roomBuffer(world);
  const rings = scenario.world.rings;
  for (let p = 0; p < pl.count; p++) {
    const base = d.p + push[p];
    const m = rings[pl.ring[p]].ceiling;
    gate1[p] = Math.min(1, pl.tech[p] / F / d.accessThreshold);
    gate3[p] = pl.rights[p] * pl.marketAccess[p];
    seen1[p] = climbChance(continuous, gate1[p], base, d.q, seen1[p] / m.access, room(pl.access[p], 1, m.access));
    seen3[p] = climbChance(continuous, gate3[p], base, d.q, seen3[p] / m.outcome, room(pl.outcome[p], pl.use[p], m.outcome));
    // Level 2: the imitation share in units of the ceiling, and the room left under it.
    push[p] = base;
    seen2[p] = Math.min(1, seen2[p] / m.use);
    room2[p] = room(pl.use[p], pl.access[p], m.use);
  }
  const slip = d.slip;
  const { place, skill, level } = rs;
  // Climbing and the per-place sums share one pass over residents.
  aggregateResidents(world, (i) => {
    const a = level[i];
    const p = place[i];
    // The frontier moves on: a resident whose gate for the present level closes slips back a level.
    if (a > 0) {
      const gate = a === 1 ? gate1[p] : a === 2 ? skill[i] : gate3[p];
      if (rand() < slip * (1 - gate)) {
        level[i] = a - 1;
        return;
      }
    }
    if (a === 3) return;
    const hazard = a === 0 ? seen1[p] : a === 1 ? climbChance(continuous, skill[i], push[p], d.q, seen2[p], room2[p]) : seen3[p];
    if (rand() < hazard) level[i] = a + 1;
  });
  updateProductivity(world);
  updateEmployment(world);
  updateOutput(world);
  updateIncomes(world);
  for (let p = 0; p < pl.count; p++) {
    ledger.bookTo(PRODUCED, p, pl.output[p]);
    pl.income[p] += pl.output[p];
  }
}
