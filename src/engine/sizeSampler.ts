/**
 * Draws an index with probability proportional to a row of non-negative weights, in O(1)
 * expected time: a cumulative row plus a guide table (Chen & Asau 1974), whose bucket b holds
 * the first index whose segment reaches b/P of the total, so a draw starts at most a few
 * segments before its own. Built in O(P); the sampled choices of people and capital draw
 * their destinations by size from it (docs/ODD.md 7.3).
 */
export interface SizeSampler {
  /** cumulative[k] = sum of the weights before k; cumulative[P] is the total. */
  cumulative: Float64Array;
  guide: Int32Array;
}

export function createSizeSampler(places: number): SizeSampler {
  return { cumulative: new Float64Array(places + 1), guide: new Int32Array(places) };
}

const shared = new WeakMap<object, [SizeSampler, SizeSampler]>();

/**
 * Two samplers over a world's places that stages share: each loads them afresh when it runs,
 * so capital and talent need not hold their own (at 111,111 places each is 1.3 MB).
 */
export function placeSamplers(world: { places: { count: number } }): [SizeSampler, SizeSampler] {
  let s = shared.get(world);
  if (!s) shared.set(world, (s = [createSizeSampler(world.places.count), createSizeSampler(world.places.count)]));
  return s;
}

/** Loads a row of weights into the sampler, in the order `order` lists them if given (index k then stands for order[k]), and returns their total. */
export function loadWeights(s: SizeSampler, weight: Float64Array, order?: Int32Array): number {
  const { cumulative, guide } = s;
  const P = guide.length;
  cumulative[0] = 0;
  if (order) for (let k = 0; k < P; k++) cumulative[k + 1] = cumulative[k] + weight[order[k]];
  else for (let k = 0; k < P; k++) cumulative[k + 1] = cumulative[k] + weight[k];
  return buildGuide(s);
}

/** Builds the guide table over a sampler whose cumulative row is filled, and returns the total. */
export function buildGuide(s: SizeSampler): number {
  const { cumulative, guide } = s;
  const P = guide.length;
  const total = cumulative[P];
  let k = 0;
  const bucket = total / P;
  for (let b = 0; b < P; b++) {
    const from = b * bucket;
    while (k < P - 1 && cumulative[k + 1] <= from) k++;
    guide[b] = k;
  }
  return total;
}

/** The index whose segment holds u, for u in [0, total): weight k is drawn with probability weight_k / total. */
export function drawIndex(s: SizeSampler, u: number): number {
  const { cumulative, guide } = s;
  const P = guide.length;
  let k = guide[Math.min(P - 1, Math.floor((u / cumulative[P]) * P))];
  // Rounding of b/P·total can put the guide one segment past u; then step back.
  while (k > 0 && cumulative[k] > u) k--;
  while (k < P - 1 && cumulative[k + 1] <= u) k++;
  return k;
}
