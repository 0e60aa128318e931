import { describe, expect, it } from 'vitest';
import { hypot } from '../../src/engine/distance.ts';
import { mulberry32 } from '../support.ts';

describe('hypot', () => {
  it('equals Math.hypot bit for bit: ordinary, tiny, huge and mixed arguments, zeros, infinities and NaN', () => {
    const rand = mulberry32(11);
    const scales = [1, 1e-3, 1e3, 1e-300, 1e300, 5e-324];
    const draw = () => (rand() - 0.5) * scales[Math.floor(rand() * scales.length)] * (rand() < 0.05 ? 0 : 1);
    let checked = 0;
    for (let i = 0; i < 200_000; i++) {
      const [x, y] = [draw(), draw()];
      if (!Object.is(hypot(x, y), Math.hypot(x, y))) expect([x, y, hypot(x, y)]).toEqual([x, y, Math.hypot(x, y)]);
      checked++;
    }
    const special = [0, -0, 1, -1, 3, 4, Infinity, -Infinity, NaN, Number.MIN_VALUE, Number.MAX_VALUE];
    for (const x of special) for (const y of special) expect(Object.is(hypot(x, y), Math.hypot(x, y)), `${x}, ${y}`).toBe(true);
    expect(checked).toBe(200_000);
  });

  it('differs from the plain √(x² + y²) for some arguments (so the bit-for-bit check above can fail)', () => {
    const rand = mulberry32(12);
    let differ = 0;
    for (let i = 0; i < 1000; i++) {
      const [x, y] = [(rand() - 0.5) * 100, (rand() - 0.5) * 100];
      if (Math.sqrt(x * x + y * y) !== Math.hypot(x, y)) differ++;
    }
    expect(differ).toBeGreaterThan(100);
  });
});
