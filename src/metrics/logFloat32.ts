/**
 * The natural logarithm of a float32 value read from its bit pattern, for the Theil index's one
 * log per resident (src/metrics/reporters.ts): about three times cheaper than `Math.log`, which
 * V8 runs as a call into C, and within 2.3e-16 + 2^−52·|ln x| of `Math.log` (1 unit in the last
 * place of the result beyond an absolute 2.3e-16; tests/metrics/logFloat32.test.ts checks it on
 * every exponent). Not bit-identical to `Math.log`, so it serves only a measure with a documented
 * tolerance (docs/ODD.md, "Theil from one log per resident").
 *
 * A positive normal float32 is m · 2^e with m in [1, 2). The top TABLE_BITS bits of m pick an
 * interval with centre c; ln m = ln c + ln(1 + r) with r = m/c − 1, |r| < 2^−11, and
 * ln(1 + r) is its Taylor series to r^4 (the first term left out is below 2^−57); e · ln 2
 * comes from a table of the 256 exponents. About a dozen floating-point operations and three
 * table reads (16 KB, in the first-level cache).
 */

import { log as fdlibmLog } from '../engine/fdlibm.ts';

// The table is built when this module loads, with fdlibm's log (Node's Math.log to the bit):
// the classroom page's worker installs fdlibm in place of the browser's Math.log only after its
// modules have loaded, and the page must report the CLI's Theil to the last bit.
const TABLE_BITS = 10;
/** For each interval h: 1/c_h and ln c_h, side by side (one cache line serves both reads). */
const TABLE = new Float64Array(2 << TABLE_BITS);
for (let h = 0; h < 1 << TABLE_BITS; h++) {
  const inverse = 1 / (1 + (h + 0.5) / (1 << TABLE_BITS));
  TABLE[2 * h] = inverse;
  // ln c of the c whose reciprocal is stored, so that m · (1/c) is exactly what the series expands.
  TABLE[2 * h + 1] = -fdlibmLog(inverse);
}
/** e · ln 2 for each biased exponent e + 127, from ln 2 in two parts (fdlibm's split, whose high part times e is exact). */
const EXPONENT = new Float64Array(256);
for (let biased = 0; biased < 256; biased++) EXPONENT[biased] = (biased - 127) * 6.93147180369123816490e-1 + (biased - 127) * 1.90821492927058770002e-10;

/** Smallest and largest positive normal float32: {@link logFloat32Bits} serves the values between. */
export const NORMAL_FLOAT32_MIN = 1.1754943508222875e-38;
export const NORMAL_FLOAT32_MAX = 3.4028234663852886e38;

/**
 * ln x for the float32 x whose bit pattern is `bits`. Valid only for positive normal values
 * (NORMAL_FLOAT32_MIN ≤ x ≤ NORMAL_FLOAT32_MAX): use `Math.log` for the rest (zero, subnormals,
 * negatives, infinities and NaN).
 */
export function logFloat32Bits(bits: number): number {
  const m = (bits & 0x7fffff) * 2 ** -23 + 1;
  const h = (bits >>> (23 - TABLE_BITS)) & ((1 << TABLE_BITS) - 1);
  const r = m * TABLE[2 * h] - 1;
  return EXPONENT[bits >>> 23] + (TABLE[2 * h + 1] + r * (1 - r * (1 / 2 - r * (1 / 3 - r * (1 / 4)))));
}
