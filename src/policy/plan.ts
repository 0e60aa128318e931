import type { World, WorldState } from '../engine/world.ts';
import { updateState } from '../engine/world.ts';
import type { InterventionSpec, Lever } from '../scenario/schema.ts';
import { allocate } from './allocation.ts';

type ActiveIntervention = WorldState['interventions'][number];

/** How far an intervention is ramped up at a tick: 0 outside its window, up to 1 once the ramp is done. */
export function rampFactor(iv: InterventionSpec, tick: number): number {
  if (tick < iv.start || tick > iv.end) return 0;
  if (iv.ramp <= 0) return 1;
  return Math.min(1, (tick - iv.start + 1) / iv.ramp);
}

function targets(world: World, iv: ActiveIntervention): (p: number) => boolean {
  const pl = world.places;
  const rings = iv.target.rings ? new Set(iv.target.rings) : null;
  const cls = iv.target.class;
  return (p) => (rings === null || rings.has(pl.ring[p])) && (cls === 'all' || (cls === 'urban') === (pl.urban[p] === 1));
}

/** Key under which an instrument's per-place spending or intensity is planned. */
export function instrumentKey(lever: string, instrument: string): string {
  return `${lever}/${instrument}`;
}

/**
 * Plans this tick's policy: which interventions act, how much each may spend (scaled down pro
 * rata when together they ask for more than the budget, with an event saying so), and how each
 * one's spending and intensity spread over places by its allocation rule. Stages then apply the
 * plan through {@link spendPlanned}. Called once per tick, before the first stage.
 */
export function planPolicy(world: World): void {
  const { state, places: pl } = world;
  const tick = state.tick;
  const plan = world.plan;
  for (const a of plan.spend.values()) a.fill(0);
  for (const a of plan.intensity.values()) a.fill(0);

  let requested = 0;
  for (const iv of state.interventions) requested += iv.budget * rampFactor(iv, tick);
  const scale = requested > state.budget && requested > 0 ? state.budget / requested : 1;
  world.ledger.request(requested, requested * (1 - scale));
  if (scale < 1) world.events.push({ tick, type: 'overspend', requested, available: state.budget, scale, rule: 'pro-rata' });
  if (scale !== state.spendingScale) updateState(world, (d) => void (d.spendingScale = scale));

  const weights = world.scratch.e;
  for (const iv of state.interventions) {
    if (tick === iv.start) world.events.push({ tick, type: 'intervention-start', id: iv.id, lever: iv.lever, instrument: iv.instrument, label: iv.label ?? null });
    if (tick === iv.end + 1) world.events.push({ tick, type: 'intervention-end', id: iv.id, lever: iv.lever, instrument: iv.instrument, label: iv.label ?? null });
    const ramp = rampFactor(iv, tick);
    if (ramp === 0) continue;
    const key = instrumentKey(iv.lever, iv.instrument);
    const isTargeted = targets(world, iv);
    if (iv.budget > 0) {
      allocate(world, iv.allocation, iv.lever, isTargeted, weights);
      const amount = iv.budget * ramp * scale;
      let spend = plan.spend.get(key);
      if (!spend) plan.spend.set(key, (spend = new Float64Array(pl.count)));
      for (let p = 0; p < pl.count; p++) spend[p] += amount * weights[p];
    }
    if (iv.intensity > 0) {
      let level = plan.intensity.get(key);
      if (!level) plan.intensity.set(key, (level = new Float64Array(pl.count)));
      for (let p = 0; p < pl.count; p++) if (isTargeted(p)) level[p] = Math.max(level[p], iv.intensity * ramp);
    }
  }
}

/**
 * Books the planned spending of one instrument out of the treasury, place by place, and hands
 * each amount to `effect`, which applies what the money buys and may return the part of the
 * amount that bought nothing because the instrument saturated; the ledger records that part
 * as waste. Returns the total spent.
 */
export function spendPlanned(world: World, lever: Lever, instrument: string, effect: (p: number, amount: number) => number | void): number {
  const spend = world.plan.spend.get(instrumentKey(lever, instrument));
  if (!spend) return 0;
  const ledger = world.ledger;
  let total = 0;
  for (let p = 0; p < spend.length; p++) {
    const amount = spend[p];
    if (amount <= 0) continue;
    ledger.spend(lever, p, amount);
    const wasted = effect(p, amount);
    if (wasted) ledger.waste(lever, p, Math.min(amount, wasted));
    total += amount;
  }
  return total;
}

/** Planned intensity of a non-spending instrument per place, or null when none acts this tick. */
export function plannedIntensity(world: World, lever: string, instrument: string): Float64Array | null {
  return world.plan.intensity.get(instrumentKey(lever, instrument)) ?? null;
}

/**
 * Waste of an instrument that closes a share min(1, amount / full) of a remaining gap: what is
 * spent beyond `full` buys nothing, and all of it does when the gap is already closed.
 */
export function beyondSaturation(amount: number, full: number, gap: number): number {
  return gap <= 0 ? amount : Math.max(0, amount - full);
}
