import { hypot } from '../engine/distance.ts';
import type { World } from '../engine/world.ts';

/**
 * Distance decay exp(−rate·d(p,j)) between places, as rows. People's moving costs and capital's
 * friction read a whole row per origin every tick (choices are over all places), so each world
 * keeps the P×P matrix of a rate while it is small enough (the default 151 places: 23k entries)
 * and rebuilds it only when the rate changes (a schedule can change it); larger worlds fill the
 * row on the fly. A cache of derived values only: it is not world state and not checkpointed.
 */

/** Largest matrix kept (entries): 4096 places, 128 MB of doubles; the bench's largest world (3624 places) fits. */
const MAX_CACHED = 4096 * 4096;

interface Decay {
  rate: number;
  matrix: Float64Array | null;
  row: Float64Array;
}

const caches = new WeakMap<World, Map<string, Decay>>();

/** exp(−rate·d(p,j)), exactly 1 at p itself and at rate 0. */
export function decayBetween(world: World, rate: number, p: number, j: number): number {
  const { x, y } = world.places;
  return j === p || rate === 0 ? 1 : Math.exp(-rate * hypot(x[p] - x[j], y[p] - y[j]));
}

function fill(world: World, rate: number, p: number, out: Float64Array): void {
  for (let j = 0; j < out.length; j++) out[j] = decayBetween(world, rate, p, j);
}

/** Row p of exp(−rate·distance) for the decay named `key` (one cache per use, so two rates never evict each other). */
export function decayRow(world: World, key: string, rate: number, p: number): Float64Array {
  const P = world.places.count;
  let byKey = caches.get(world);
  if (!byKey) caches.set(world, (byKey = new Map()));
  let d = byKey.get(key);
  if (!d || d.rate !== rate) {
    const matrix = P * P <= MAX_CACHED ? new Float64Array(P * P) : null;
    if (matrix) for (let q = 0; q < P; q++) fill(world, rate, q, matrix.subarray(q * P, (q + 1) * P));
    byKey.set(key, (d = { rate, matrix, row: d?.row ?? new Float64Array(P) }));
  }
  if (d.matrix) return d.matrix.subarray(p * P, (p + 1) * P);
  fill(world, rate, p, d.row);
  return d.row;
}
