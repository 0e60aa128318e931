import { describe, expect, it } from 'vitest';
import { logFloat32Bits, NORMAL_FLOAT32_MAX, NORMAL_FLOAT32_MIN } from '../../src/metrics/logFloat32.ts';
import { mulberry32 } from '../support.ts';

/** The bound logFloat32.ts states: within 2.3e-16 + 2^−52·|ln x| of Math.log. */
const bound = (ln: number) => 2.3e-16 + 2 ** -52 * Math.abs(ln);

describe('logFloat32Bits against Math.log', () => {
  const f = new Float32Array(1);
  const bits = new Uint32Array(f.buffer);

  it('every exponent of a positive normal float32: interval edges and random mantissas', () => {
    const u = mulberry32(3);
    let worst = 0;
    for (let e = 1; e <= 254; e++) {
      // The ends and middle of the mantissa range and of the table's intervals, then random ones.
      const mantissas = [0, 1, 0x7fffff, 0x400000, 0x3fffff, 0x7fff, 0x8000, 0x7f8000];
      for (let j = 0; j < 300; j++) mantissas.push(Math.floor(u() * 0x800000));
      for (const m of mantissas) {
        bits[0] = (e << 23) | m;
        const exact = Math.log(f[0]);
        worst = Math.max(worst, Math.abs(logFloat32Bits(bits[0]) - exact) / bound(exact));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
    // Not trivially loose: the table route is not Math.log, and its error is a visible part of the bound.
    expect(worst).toBeGreaterThan(0.1);
  });

  it('the range check admits exactly the positive normal float32 values', () => {
    const normal = (x: number) => x >= NORMAL_FLOAT32_MIN && x <= NORMAL_FLOAT32_MAX;
    for (const [x, want] of [
      [1.1754943508222875e-38, true], // smallest normal
      [3.4028234663852886e38, true], // largest finite
      [1, true],
      [0, false],
      [-0, false],
      [1e-40, false], // subnormal
      [-1, false],
      [Infinity, false],
      [NaN, false],
    ] as const) {
      f[0] = x;
      expect(normal(f[0]), String(x)).toBe(want);
    }
    // Their neighbours as float32: the largest subnormal and the smallest normal's successor.
    for (const [pattern, want] of [
      [0x007fffff, false],
      [0x00800001, true],
      [0x7f7ffffe, true],
    ] as const) {
      bits[0] = pattern;
      expect(normal(f[0]), pattern.toString(16)).toBe(want);
    }
  });
});
