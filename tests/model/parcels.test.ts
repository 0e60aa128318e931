import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { Stream } from '../../src/engine/rng.ts';
import type { World } from '../../src/engine/world.ts';
import { CAPITAL_PARCELS, moveByParcels } from '../../src/model/capitalParcels.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';

/**
 * The sampled choice of mobile capital (docs/ODD.md 7.3) books, for every pair of places, the
 * exact choice's net flow n_pk = G_pk·(m_p·W_k − m_k·W_p) in expectation, m = share·pull and G
 * the friction exp(−rate·d). Checked here pair by pair: a small world whose places fall into
 * several grid cells, arbitrary weights, shares and pulls, and many independent repetitions of
 * the draws (a fresh capital stream each); the mean booked flow of every pair must be n_pk
 * within 5 standard errors of the repetitions. Capital is plentiful, so no booking is capped.
 */

function world(): World {
  const w = initializeWorld(
    scenarioSchema.parse({
      world: {
        residents: 200,
        rings: [
          { label: 'core', count: 1, radius: 0, class: 'urban', popShare: 0.4 },
          { label: 'towns', count: 5, radius: 1.5, class: 'urban', popShare: 0.3 },
          { label: 'villages', count: 12, radius: 4, class: 'rural', popShare: 0.3 },
        ],
      },
    }),
    1,
  );
  w.places.capital.fill(1e6);
  return w;
}

/** Mean and standard error, over `reps` repetitions, of the net flow booked from p to k. */
function sampled(w: World, weight: Float64Array, pull: Float64Array, share: Float64Array, rate: number, reps: number) {
  const P = w.places.count;
  const sum = new Float64Array(P * P);
  const sq = new Float64Array(P * P);
  const flow = new Float64Array(P * P);
  let bookings = 0;
  let odd = 0;
  let largest = 0;
  const total = weight.reduce((a, b) => a + b, 0);
  const mobile = share.map((s, p) => s * pull[p]);
  for (let r = 0; r < reps; r++) {
    flow.fill(0);
    w.streams.capital = seedrandom.alea(`rep ${r}`) as unknown as Stream;
    moveByParcels(w, weight, mobile, rate, (from, to, amount) => {
      if (!(amount > 0) || from === to) odd++;
      // Importance sampling by a friction bound Ĝ ≥ G keeps every booking within the larger
      // of the two sides' parcels, m·ΣW / parcels (docs/ODD.md 7.3); a bound below G would not.
      largest = Math.max(largest, amount / ((Math.max(share[from] * pull[from], share[to] * pull[to]) * total) / CAPITAL_PARCELS));
      flow[from * P + to] += amount;
      flow[to * P + from] -= amount;
      bookings++;
    });
    for (let i = 0; i < P * P; i++) {
      sum[i] += flow[i];
      sq[i] += flow[i] * flow[i];
    }
  }
  const mean = sum.map((s) => s / reps);
  const se = sq.map((s, i) => Math.sqrt(Math.max(0, s / reps - mean[i] ** 2) / reps));
  return { mean, se, bookings: bookings / reps, odd, largest };
}

function exact(w: World, weight: Float64Array, pull: Float64Array, share: Float64Array, rate: number): Float64Array {
  const { x, y, count: P } = w.places;
  const n = new Float64Array(P * P);
  for (let p = 0; p < P; p++) {
    for (let k = 0; k < P; k++) {
      if (k === p) continue;
      const G = Math.exp(-rate * Math.hypot(x[p] - x[k], y[p] - y[k]));
      n[p * P + k] = G * (share[p] * pull[p] * weight[k] - share[k] * pull[k] * weight[p]);
    }
  }
  return n;
}

/** The largest deviation of a sampled pair from its exact flow, in standard errors (plus a rounding allowance). */
function worst(w: World, rate: number, weight: Float64Array, pull: Float64Array, share: Float64Array, reps = 400): number {
  const { mean, se, bookings, odd, largest } = sampled(w, weight, pull, share, rate, reps);
  expect(largest).toBeLessThanOrEqual(1 + 1e-9);
  // Every booking moves a positive amount between two places.
  expect(odd).toBe(0);
  // Every place books at most its parcels, and draws that land on itself book nothing.
  expect(bookings).toBeLessThanOrEqual(CAPITAL_PARCELS * w.places.count);
  expect(bookings).toBeGreaterThan(w.places.count);
  const n = exact(w, weight, pull, share, rate);
  let z = 0;
  for (let i = 0; i < n.length; i++) {
    const d = Math.abs(mean[i] - n[i]) / (se[i] + 1e-9 * (Math.abs(n[i]) + 1));
    z = Math.max(z, d);
  }
  return z;
}

describe('parcels of mobile capital book the exact net flows in expectation', () => {
  const rand = seedrandom('inputs');
  const w = world();
  const P = w.places.count;
  const weight = Float64Array.from({ length: P }, () => 0.2 + 3 * rand());
  const pull = Float64Array.from({ length: P }, () => 1 + 2 * rand());
  const share = Float64Array.from({ length: P }, () => 50 * rand());

  it('every pair within 5 standard errors, at two friction rates in turn on the same world (the grid kept, its bounds rebuilt)', () => {
    // 153 pairs each way: the largest of 306 normal deviations passes 5 with probability < 1e-4.
    expect(worst(w, 0.4, weight, pull, share)).toBeLessThan(5);
    expect(worst(w, 0.05, weight, pull, share)).toBeLessThan(5);
  });

  it('control: the exact flows at another friction rate are far outside', () => {
    const { mean, se } = sampled(w, weight, pull, share, 0.4, 400);
    const wrong = exact(w, weight, pull, share, 0.2);
    let z = 0;
    for (let i = 0; i < wrong.length; i++) z = Math.max(z, Math.abs(mean[i] - wrong[i]) / (se[i] + 1e-9));
    expect(z).toBeGreaterThan(20);
  });

  it('a booking never exceeds what the sender holds', () => {
    const poor = world();
    poor.places.capital.fill(0.01);
    poor.streams.capital = seedrandom.alea('poor') as unknown as Stream;
    moveByParcels(poor, weight, share.map((s, p) => s * pull[p]), 0.4, (from, _to, amount) => expect(amount).toBeLessThanOrEqual(poor.places.capital[from]));
  });
});
