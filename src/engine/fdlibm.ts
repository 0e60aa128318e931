/**
 * exp, log, sin and cos as fdlibm computes them, in plain arithmetic.
 *
 * Node's V8 (the CLI) computes Math.exp, Math.log, Math.sin and Math.cos with its port of
 * fdlibm; recent browsers use other algorithms that round differently in the last bit for about
 * one argument in ten. The model compounds such bits over ticks, so the page's worker installs
 * these (see {@link installFdlibm}) and its numbers are then the CLI's to full precision.
 * tests/engine/fdlibm.test.ts checks them against this Node's Math bit for bit.
 * Ported from fdlibm 5.3 (e_exp.c, e_log.c, k_sin.c, k_cos.c, e_rem_pio2.c: Sun Microsystems, freely
 * redistributable); arguments beyond 2^19·π/2 fall back to Math (the model never uses them).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('fdlibm port assumes a little-endian machine');
const HI = 1;
const LO = 0;

function hi(x: number): number {
  f64[0] = x;
  return u32[HI] | 0;
}
function lo(x: number): number {
  f64[0] = x;
  return u32[LO];
}
function fromWords(high: number, low: number): number {
  u32[HI] = high >>> 0;
  u32[LO] = low >>> 0;
  return f64[0];
}

/**
 * 2^n for n from −1024 (subnormal, exact) to 1023 at index n + 1024: every scale exp and log
 * use. Scaling by an exact power of two replaces rewriting a double's exponent word (store a
 * word, load the whole double: the processor cannot forward that load from the stores and
 * stalls), and exp and log run several times per resident a tick.
 */
const pow2 = new Float64Array(2048);
for (let n = 0, v = 1; n <= 1023; n++, v *= 2) pow2[n + 1024] = v;
for (let n = 0, v = 1; n >= -1024; n--, v /= 2) pow2[n + 1024] = v;

const nativeExp = Math.exp;
const nativeSin = Math.sin;
const nativeCos = Math.cos;

// ---- exp (e_exp.c) ----
const ln2HI = [6.93147180369123816490e-1, -6.93147180369123816490e-1];
const ln2LO = [1.90821492927058770002e-10, -1.90821492927058770002e-10];
const halF = [0.5, -0.5];
const invln2 = 1.44269504088896338700e0;
const oThreshold = 7.09782712893383973096e2;
const uThreshold = -7.45133219101941108420e2;
const twom1000 = 9.33263618503218878990e-302;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

export function exp(x: number): number {
  let hx = hi(x);
  const xsb = (hx >>> 31) & 1;
  hx &= 0x7fffffff;
  let k = 0;
  let hiPart = 0;
  let loPart = 0;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) return nativeExp(x); // NaN, ±Infinity
    if (x > oThreshold) return Infinity;
    if (x < uThreshold) return 0;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      hiPart = x - ln2HI[xsb];
      loPart = ln2LO[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = (invln2 * x + halF[xsb]) | 0;
      const t = k;
      hiPart = x - t * ln2HI[0];
      loPart = t * ln2LO[0];
    }
    x = hiPart - loPart;
  } else if (hx < 0x3e300000) {
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (loPart - (x * c) / (2 - c) - hiPart);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * pow2[1023 + 1024];
    return y * pow2[k + 1024];
  }
  return y * pow2[k + 1000 + 1024] * twom1000;
}

// ---- log (e_log.c) ----
const ln2_hi = 6.93147180369123816490e-1;
const ln2_lo = 1.90821492927058770002e-10;
const two54 = 1.80143985094819840000e16;
const Lg1 = 6.666666666666735130e-1;
const Lg2 = 3.999999999940941908e-1;
const Lg3 = 2.857142874366239149e-1;
const Lg4 = 2.222219843214978396e-1;
const Lg5 = 1.818357216161805012e-1;
const Lg6 = 1.531383769920937332e-1;
const Lg7 = 1.479819860511658591e-1;

export function log(x: number): number {
  let hx = hi(x);
  const lx = lo(x);
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= two54;
    hx = hi(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  const e = (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  // fdlibm sets x's exponent word to 0x3ff or 0x3fe; the same, as an exact scaling by a power of two.
  const shift = e + (i0 >> 20);
  x *= pow2[1024 - shift];
  k += shift;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f === 0) return k === 0 ? 0 : k * ln2_hi + k * ln2_lo;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : k * ln2_hi - (R - k * ln2_lo - f);
  }
  const s = f / (2 + f);
  const dk = k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * ln2_hi - (hfsq - (s * (hfsq + R) + dk * ln2_lo) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * ln2_hi - (s * (f - R) - dk * ln2_lo - f);
}

// ---- sin and cos kernels (k_sin.c, k_cos.c) and argument reduction (e_rem_pio2.c) ----
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;

function kernelSin(x: number, y: number, iy: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix < 0x3e400000 && (x | 0) === 0) return x;
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

function kernelCos(x: number, y: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix < 0x3e400000 && (x | 0) === 0) return 1;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y));
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0);
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

const invpio2 = 6.36619772367581382433e-1;
const pio2_1 = 1.57079632673412561417e0;
const pio2_1t = 6.07710050650619224932e-11;
const pio2_2 = 6.07710050630396597660e-11;
const pio2_2t = 2.02226624879595063154e-21;
const pio2_3 = 2.02226624871116645580e-21;
const pio2_3t = 8.47842766036889956997e-32;

/** Reduced argument (y0 + y1 = x − n·π/2) in `reduced`; returns n, or null when |x| is too large for this port. */
const reduced = [0, 0];
function remPio2(x: number): number | null {
  const hx = hi(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) {
    if (hx > 0) {
      let z = x - pio2_1;
      if (ix !== 0x3ff921fb) {
        reduced[0] = z - pio2_1t;
        reduced[1] = z - reduced[0] - pio2_1t;
      } else {
        z -= pio2_2;
        reduced[0] = z - pio2_2t;
        reduced[1] = z - reduced[0] - pio2_2t;
      }
      return 1;
    }
    let z = x + pio2_1;
    if (ix !== 0x3ff921fb) {
      reduced[0] = z + pio2_1t;
      reduced[1] = z - reduced[0] + pio2_1t;
    } else {
      z += pio2_2;
      reduced[0] = z + pio2_2t;
      reduced[1] = z - reduced[0] + pio2_2t;
    }
    return -1;
  }
  if (ix > 0x413921fb) return null;
  const t0 = Math.abs(x);
  const n = (t0 * invpio2 + 0.5) | 0;
  const fn = n;
  let r = t0 - fn * pio2_1;
  let w = fn * pio2_1t;
  // fdlibm skips the exponent test below for small n when no cancellation can occur; the test gives the same result.
  const j = ix >> 20;
  reduced[0] = r - w;
  let i = j - ((hi(reduced[0]) >> 20) & 0x7ff);
  if (i > 16) {
    let t = r;
    w = fn * pio2_2;
    r = t - w;
    w = fn * pio2_2t - (t - r - w);
    reduced[0] = r - w;
    i = j - ((hi(reduced[0]) >> 20) & 0x7ff);
    if (i > 49) {
      t = r;
      w = fn * pio2_3;
      r = t - w;
      w = fn * pio2_3t - (t - r - w);
      reduced[0] = r - w;
    }
  }
  reduced[1] = r - reduced[0] - w;
  if (hx < 0) {
    reduced[0] = -reduced[0];
    reduced[1] = -reduced[1];
    return -n;
  }
  return n;
}

export function sin(x: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x);
  if (n === null) return nativeSin(x);
  switch (n & 3) {
    case 0:
      return kernelSin(reduced[0], reduced[1], 1);
    case 1:
      return kernelCos(reduced[0], reduced[1]);
    case 2:
      return -kernelSin(reduced[0], reduced[1], 1);
    default:
      return -kernelCos(reduced[0], reduced[1]);
  }
}

export function cos(x: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x);
  if (n === null) return nativeCos(x);
  switch (n & 3) {
    case 0:
      return kernelCos(reduced[0], reduced[1]);
    case 1:
      return -kernelSin(reduced[0], reduced[1], 1);
    case 2:
      return -kernelCos(reduced[0], reduced[1]);
    default:
      return kernelSin(reduced[0], reduced[1], 1);
  }
}

/** Makes Math.exp, Math.log, Math.sin and Math.cos of this realm (the page's worker) compute as the CLI's do. */
export function installFdlibm(): void {
  Object.assign(Math, { exp, log, sin, cos });
}

