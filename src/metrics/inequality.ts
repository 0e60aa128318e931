/**
 * Inequality measures: Gini, Theil T (with exact group decomposition) and
 * sigma-convergence dispersion statistics.
 *
 * Pure numeric code with no project imports, so it can be tested and reused in
 * isolation (reporters, experiment post-processing, notebooks).
 *
 * Conventions shared by every function here:
 * - `values` are non-negative quantities (income, adoption rate, ...). Gini and
 *   the CV accept any finite values; Theil rejects negatives because x ln x is
 *   undefined there.
 * - Optional `weights` are population counts for grouped data (e.g. place-level
 *   means weighted by population). A unit with weight w is treated exactly like
 *   w identical individuals, which is why the weighted formulas reduce to the
 *   unweighted ones on expanded data. Weights must be finite and >= 0.
 * - Length mismatches and invalid inputs throw RangeError: silently truncating
 *   would produce plausible-looking but wrong numbers in a simulation report.
 */

function checkWeights(n: number, weights: ArrayLike<number> | undefined): void {
  if (weights === undefined) return;
  if (weights.length !== n) {
    throw new RangeError(`weights length ${weights.length} != values length ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new RangeError(`weight at index ${i} must be finite and >= 0, got ${w}`);
    }
  }
}

let radixA = new Uint32Array(0);
let radixB = new Uint32Array(0);
const radixCounts = new Uint32Array(3 * 2048);
const lowCounts = new Uint32Array(1 << 14);
const highCounts = new Uint32Array(1 << 14);

/** Turns counts per bucket into each bucket's first position. */
function startsOf(c: Uint32Array, from: number, to: number): void {
  let sum = 0;
  for (let b = from; b < to; b++) {
    const count = c[b];
    c[b] = sum;
    sum += count;
  }
}

/**
 * The values of a Float32Array in ascending order. Non-negative float32 bit patterns order like
 * the values, so a radix sort of the patterns replaces the comparison sort: the same sorted
 * sequence, over ten times faster on a million incomes. When the patterns' high 18 bits take
 * fewer than 2^14 values counted from the smallest's (a span under about 2^28: values within
 * about 32 octaves of each other, incomes always in practice), two 14-bit passes do, the second
 * by those high bits; otherwise three 11-bit passes.
 * Falls back to a comparison sort when a value is negative, −0 or NaN. The result is a view on a
 * buffer reused by the next call.
 */
function sortedFloat32(x: Float32Array): Float32Array | Float64Array {
  const n = x.length;
  const keys = new Uint32Array(x.buffer, x.byteOffset, n);
  const low = lowCounts;
  low.fill(0);
  let lo = 0xffffffff;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    low[k & 16383]++;
    if (k < lo) lo = k;
    if (k > hi) hi = k;
  }
  // Above +Infinity's pattern are NaNs and everything with the sign bit set, −0 included (which
  // the radix order would put last although it equals 0). Checked in the counting pass, not a pass of its own.
  if (hi > 0x7f800000) return Float64Array.from(x).sort();
  if (radixA.length < n) {
    radixA = new Uint32Array(n);
    radixB = new Uint32Array(n);
  }
  const a = radixA;
  const b = radixB;
  const base = lo >>> 14;
  if ((hi >>> 14) - base >= 1 << 14) return sortedWide(keys, a, b);
  startsOf(low, 0, 1 << 14);
  const high = highCounts;
  high.fill(0);
  // The first pass counts the second's buckets, which need the smallest pattern.
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    b[low[k & 16383]++] = k;
    high[(k >>> 14) - base]++;
  }
  startsOf(high, 0, 1 << 14);
  for (let i = 0; i < n; i++) {
    const k = b[i];
    a[high[(k >>> 14) - base]++] = k;
  }
  return new Float32Array(a.buffer, 0, n);
}

/** {@link sortedFloat32} for patterns spanning 2^28 or more: three 11-bit passes into `a`. */
function sortedWide(keys: Uint32Array, a: Uint32Array, b: Uint32Array): Float32Array {
  const n = keys.length;
  const c = radixCounts;
  c.fill(0);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    c[k & 2047]++;
    c[2048 + ((k >>> 11) & 2047)]++;
    c[4096 + (k >>> 22)]++;
  }
  for (let d = 0; d < 3; d++) startsOf(c, d * 2048, (d + 1) * 2048);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    a[c[k & 2047]++] = k;
  }
  for (let i = 0; i < n; i++) {
    const k = a[i];
    b[c[2048 + ((k >>> 11) & 2047)]++] = k;
  }
  for (let i = 0; i < n; i++) {
    const k = b[i];
    a[c[4096 + (k >>> 22)]++] = k;
  }
  return new Float32Array(a.buffer, 0, n);
}

/**
 * Gini coefficient, computed exactly in O(n log n) (O(n) for float32 data).
 *
 * Unweighted: G = Σ_i (2i − n − 1)·x_(i) / (n·Σ x), with x_(1) ≤ … ≤ x_(n).
 * This is the exact (non-asymptotic) form, so one holder of everything among
 * n units gives (n−1)/n rather than 1.
 *
 * Weighted (grouped data, weights = population counts): with units sorted by
 * value, cumulative population P_k and N = Σ w,
 *   G = Σ_k w_k x_k (P_{k−1} + P_k − N) / (N · Σ_k w_k x_k),
 * which is the trapezoid-rule Lorenz-curve Gini and equals the unweighted Gini
 * of the data with each value repeated w_k times (for integer weights).
 *
 * @param values  per-unit quantities (finite).
 * @param weights optional non-negative population counts, same length.
 * @returns G in [0, (n−1)/n] for non-negative data; 0 for empty input or zero total.
 * @see Gini, C. (1912) Variabilità e mutabilità; Cowell, F. (2011) Measuring Inequality, 3rd ed., ch. 2.
 */
export function gini(values: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = values.length;
  checkWeights(n, weights);
  if (n === 0) return 0;

  if (weights === undefined) {
    const x = values instanceof Float32Array ? sortedFloat32(values) : Float64Array.from(values as ArrayLike<number>).sort();
    let total = 0;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      total += x[i];
      acc += (2 * (i + 1) - n - 1) * x[i];
    }
    return total === 0 ? 0 : acc / (n * total);
  }

  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => values[a] - values[b]);
  let pop = 0;
  for (let i = 0; i < n; i++) pop += weights[i];
  if (pop === 0) return 0;
  let total = 0;
  let acc = 0;
  let cum = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    const w = weights[i];
    const wx = w * values[i];
    // Ties need no special handling: equal values contribute the same
    // total regardless of their order within the tie.
    acc += wx * (2 * cum + w - pop);
    total += wx;
    cum += w;
  }
  return total === 0 ? 0 : acc / (pop * total);
}

/** Result of {@link theil}. */
export interface TheilResult {
  /** Theil T of the whole population. */
  total: number;
  /** Σ_g s_g ln(μ_g/μ): inequality between group means. */
  between: number;
  /** Σ_g s_g T_g: income-share-weighted inequality inside groups. */
  within: number;
  /** s_g = group income / total income (sums to 1 unless total is 0). */
  groupShares: Float64Array;
  /** T_g, the Theil T inside each group (0 for groups with no income). */
  groupTheil: Float64Array;
}

/**
 * Theil T index with its exact between/within decomposition, in O(n).
 *
 * T = (1/N) Σ_i (x_i/μ) ln(x_i/μ) (population-weighted when `weights` given).
 * With groups g, income shares s_g = Y_g/Y and group means μ_g:
 *   T = Σ_g s_g ln(μ_g/μ)  [between]  +  Σ_g s_g T_g  [within].
 * Zero incomes contribute 0 (limit x ln x → 0). Groups with zero income (or no
 * members) get share 0 and T_g = 0, so they drop out of both terms.
 * `total` is computed directly from the units, not as between + within, so the
 * identity is a genuine check of the implementation. Two logarithms per unit, each of a ratio
 * near 1: the exact route, and the oracle {@link theilOfUnits} is tested against.
 *
 * @param values     non-negative incomes (negative values throw).
 * @param groups     integer group id in 0..groupCount−1 for each unit.
 * @param groupCount number of groups G.
 * @param weights    optional non-negative population counts per unit.
 * @returns all components 0 when total income is 0 or input is empty.
 * @see Theil, H. (1967) Economics and Information Theory; Shorrocks, A. (1980)
 *   Econometrica 48(3):613–625; Bourguignon, F. (1979) Econometrica 47(4):901–920.
 */
export function theil(
  values: ArrayLike<number>,
  groups: ArrayLike<number>,
  groupCount: number,
  weights?: ArrayLike<number>,
): TheilResult {
  const n = values.length;
  if (groups.length !== n) throw new RangeError(`groups length ${groups.length} != values length ${n}`);
  if (!Number.isInteger(groupCount) || groupCount < 0) {
    throw new RangeError(`groupCount must be a non-negative integer, got ${groupCount}`);
  }
  checkWeights(n, weights);

  const groupPop = new Float64Array(groupCount);
  const groupInc = new Float64Array(groupCount);
  let pop = 0;
  let inc = 0;
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    if (!Number.isInteger(g) || g < 0 || g >= groupCount) {
      throw new RangeError(`group id at index ${i} must be an integer in [0, ${groupCount}), got ${g}`);
    }
    const x = values[i];
    if (!(x >= 0) || !Number.isFinite(x)) {
      throw new RangeError(`Theil needs finite non-negative values; index ${i} is ${x}`);
    }
    const w = weights === undefined ? 1 : weights[i];
    groupPop[g] += w;
    groupInc[g] += w * x;
    pop += w;
    inc += w * x;
  }
  const groupShares = new Float64Array(groupCount);
  const groupTheil = new Float64Array(groupCount);
  if (inc === 0) return { total: 0, between: 0, within: 0, groupShares, groupTheil };

  const mean = inc / pop;
  const groupMean = new Float64Array(groupCount);
  for (let g = 0; g < groupCount; g++) groupMean[g] = groupInc[g] > 0 ? groupInc[g] / groupPop[g] : 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const w = weights === undefined ? 1 : weights[i];
    if (x === 0 || w === 0) continue;
    const g = groups[i];
    const wx = w * x;
    total += wx * Math.log(x / mean);
    groupTheil[g] += wx * Math.log(x / groupMean[g]);
  }
  for (let g = 0; g < groupCount; g++) if (groupInc[g] > 0) groupTheil[g] /= groupInc[g];
  return decompose(total / inc, groupInc, inc, groupMean, mean, groupShares, groupTheil);
}

/** Shares, between and within from each group's income, mean and T_g: the last step of both Theil routes. */
function decompose(
  total: number,
  groupInc: Float64Array,
  inc: number,
  groupMean: Float64Array,
  mean: number,
  groupShares: Float64Array,
  groupTheil: Float64Array,
): TheilResult {
  let between = 0;
  let within = 0;
  for (let g = 0; g < groupInc.length; g++) {
    if (groupInc[g] === 0) continue;
    groupShares[g] = groupInc[g] / inc;
    between += groupShares[g] * Math.log(groupMean[g] / mean);
    within += groupShares[g] * groupTheil[g];
  }
  return { total, between, within, groupShares, groupTheil };
}

/**
 * Per-unit sums for {@link theilOfUnits}. A unit (a place) holds members of one group; each
 * array has one entry per unit.
 */
export interface TheilUnits {
  /** Group id of each unit, an integer in 0..groupCount−1. */
  group: ArrayLike<number>;
  /** Members of each unit. */
  pop: ArrayLike<number>;
  /** Σ x over the unit's members. */
  income: ArrayLike<number>;
  /** Σ x·(ln x − ref) over the unit's members, zero incomes contributing 0. */
  deviation: ArrayLike<number>;
  /**
   * The unit's reference log: any finite number, the same one `deviation` was taken from. Near
   * the unit's mean log income it keeps the terms small, so that equal incomes do not leave
   * T as the difference of two large numbers.
   */
  ref: ArrayLike<number>;
}

/**
 * Theil T and its between/within decomposition from per-unit sums, so that the members need
 * one logarithm each (taken by the caller while it sums them), shared by the total and every
 * group, instead of one per split. With Y_u, D_u and ref_u a unit's income, deviation and
 * reference, and groups g of units with income Y_g and mean μ_g:
 *   T_g = (1/Y_g) Σ_{u∈g} [D_u + Y_u (ref_u − ln μ_g)],   T = (1/Y) Σ_u [D_u + Y_u (ref_u − ln μ)],
 * which is {@link theil} rearranged (Σ x ln(x/μ) = Σ x (ln x − ref) + Y (ref − ln μ)); the
 * results agree with it to rounding, not to the bit (docs/ODD.md states the tolerance).
 * Inputs are not checked: the reporters build them.
 */
export function theilOfUnits(units: TheilUnits, groupCount: number): TheilResult {
  const groupPop = new Float64Array(groupCount);
  const groupInc = new Float64Array(groupCount);
  let pop = 0;
  let inc = 0;
  for (let u = 0; u < units.group.length; u++) {
    groupPop[units.group[u]] += units.pop[u];
    groupInc[units.group[u]] += units.income[u];
    pop += units.pop[u];
    inc += units.income[u];
  }
  const groupShares = new Float64Array(groupCount);
  const groupTheil = new Float64Array(groupCount);
  if (inc === 0) return { total: 0, between: 0, within: 0, groupShares, groupTheil };

  const mean = inc / pop;
  const groupMean = new Float64Array(groupCount);
  const groupLog = new Float64Array(groupCount);
  for (let g = 0; g < groupCount; g++) {
    groupMean[g] = groupInc[g] > 0 ? groupInc[g] / groupPop[g] : 0;
    groupLog[g] = groupInc[g] > 0 ? Math.log(groupMean[g]) : 0;
  }
  const logMean = Math.log(mean);
  let total = 0;
  for (let u = 0; u < units.group.length; u++) {
    const y = units.income[u];
    if (y === 0) continue;
    const g = units.group[u];
    total += units.deviation[u] + y * (units.ref[u] - logMean);
    groupTheil[g] += units.deviation[u] + y * (units.ref[u] - groupLog[g]);
  }
  for (let g = 0; g < groupCount; g++) if (groupInc[g] > 0) groupTheil[g] /= groupInc[g];
  return decompose(total / inc, groupInc, inc, groupMean, mean, groupShares, groupTheil);
}

/** Result of {@link sigmaConvergence}. */
export interface SigmaResult {
  /** Coefficient of variation: population sd / mean. */
  cv: number;
  /** Population sd of ln(x) over the strictly positive values. */
  sdLog: number;
}

/**
 * Sigma-convergence dispersion statistics (falling dispersion over time = σ-convergence).
 *
 * cv    = sqrt(Σ w (x−μ)² / W) / μ, with μ = Σ w x / W.
 * sdLog = sqrt(Σ' w (ln x − m)² / W'), m = Σ' w ln x / W', where Σ' runs over
 *         x > 0 only (log undefined otherwise).
 * Both use the population (divide-by-W) variance: these describe the whole set
 * of units at one tick, not a sample from a larger population.
 *
 * @param values  per-unit levels (finite).
 * @param weights optional non-negative population counts.
 * @returns NaN for cv when there are no units or the mean is 0; NaN for sdLog
 *   when no value is positive.
 * @see Barro, R. & Sala-i-Martin, X. (1992) J. Political Economy 100(2):223–251;
 *   Sala-i-Martin, X. (1996) Economic Journal 106(437):1019–1036.
 */
export function sigmaConvergence(values: ArrayLike<number>, weights?: ArrayLike<number>): SigmaResult {
  const n = values.length;
  checkWeights(n, weights);
  let pop = 0;
  let sum = 0;
  let popLog = 0;
  let sumLog = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i];
    const x = values[i];
    pop += w;
    sum += w * x;
    if (x > 0) {
      popLog += w;
      sumLog += w * Math.log(x);
    }
  }
  const mean = sum / pop;
  const meanLog = sumLog / popLog;
  // Second pass around the mean avoids the cancellation of E[x²] − μ².
  let ss = 0;
  let ssLog = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i];
    const x = values[i];
    ss += w * (x - mean) * (x - mean);
    if (x > 0) {
      const d = Math.log(x) - meanLog;
      ssLog += w * d * d;
    }
  }
  const cv = pop > 0 && mean !== 0 ? Math.sqrt(ss / pop) / mean : NaN;
  const sdLog = popLog > 0 ? Math.sqrt(ssLog / popLog) : NaN;
  return { cv, sdLog };
}
