import { normal } from '../engine/rng.ts';
import type { World } from '../engine/world.ts';

/**
 * The digital run (数字挤兑) as a coordination failure, like a bank run. Two mechanisms make
 * staying worse as others leave, and both count net departures from the population a place
 * started with (its reference), never churn:
 *
 * - Fixed costs. Services, markets and digital platforms need a minimum of users: a place's
 *   services work at level σ = min(1, (n/n⁰)/criticalShare), and living there costs
 *   serviceLoss·(1 − σ) of utility (talent.ts). Past σ < 1 the place has tipped.
 * - Thresholds (Granovetter 1978). Each resident has a threshold θ, lognormal around
 *   runThreshold; once the place's net loss ℓ = max(0, 1 − n/n⁰) passes θ the resident feels
 *   the herding pull to leave (talent.ts), and capital a pull capital.herding·ℓ (capital.ts).
 *
 * So a place that loses enough people sheds the rest, while one that keeps them keeps them: two
 * stable states and a tipping point between them that depends on the parameters (docs/ODD.md).
 */

/** Net loss of a place since the start, as a share of its reference population (0 if it grew). */
export function netLoss(world: World, p: number): number {
  const ref = world.places.reference[p];
  return ref > 0 ? Math.max(0, 1 - world.places.population[p] / ref) : 0;
}

/** Draws each resident's run threshold (after every other initial draw, so those are unchanged) and sets the reference populations. */
export function initializeRun(world: World): void {
  const { places: pl, residents: rs } = world;
  const t = world.scenario.talent;
  const rand = world.streams.init;
  const sd = t.thresholdSpread;
  for (let i = 0; i < rs.count; i++) rs.threshold[i] = t.runThreshold * Math.exp(sd * normal(rand));
  pl.reference.set(pl.population);
  updateRun(world);
  world.events.length = 0;
}

/**
 * Recomputes each place's service level σ, and whether it has tipped (σ < 1) or is at risk (not
 * tipped, net loss past warningLoss: the early warning). Logs `tipping` and `recovery` events
 * when a place crosses the line, and `warning` events when it first comes within the margin.
 */
export function updateRun(world: World): void {
  const { places: pl } = world;
  const t = world.scenario.talent;
  const tick = world.state.tick;
  for (let p = 0; p < pl.count; p++) {
    const ref = pl.reference[p];
    const fill = ref > 0 ? pl.population[p] / ref : 1;
    pl.services[p] = t.criticalShare > 0 ? Math.min(1, fill / t.criticalShare) : 1;
    const tipped = pl.services[p] < 1 ? 1 : 0;
    const atRisk = !tipped && 1 - fill > t.warningLoss ? 1 : 0;
    if (tipped !== pl.tipped[p]) {
      world.events.push({ tick, type: tipped ? 'tipping' : 'recovery', place: p, ring: pl.ring[p], population: pl.population[p], reference: ref });
      pl.tipped[p] = tipped;
    }
    if (atRisk && !pl.atRisk[p]) world.events.push({ tick, type: 'warning', place: p, ring: pl.ring[p], population: pl.population[p], reference: ref });
    pl.atRisk[p] = atRisk;
  }
}
