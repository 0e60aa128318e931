import { describe, expect, it } from 'vitest';
import { cos, exp, log, sin } from '../../src/engine/fdlibm.ts';

/** Arguments like the model's: every exponent from tiny to huge, random mantissas (a fixed LCG, so the test is reproducible). */
function argumentsFor(scale: (u: number, v: number) => number, n = 200_000): Float64Array {
  let s = 0x2545f491;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = scale(next(), next());
  return out;
}

function mismatches(ours: (x: number) => number, theirs: (x: number) => number, xs: Float64Array): number[] {
  const bad: number[] = [];
  for (const x of xs) if (!Object.is(ours(x), theirs(x))) bad.push(x);
  return bad.slice(0, 5);
}

describe('the worker\'s fdlibm functions give this Node\'s Math bits (so the page matches the CLI to full precision)', () => {
  it('exp', () => {
    expect(mismatches(exp, Math.exp, argumentsFor((u, v) => (u - 0.5) * 2 * 10 ** (v * 4 - 2)))).toEqual([]);
    // Every result exponent, subnormal results included (the port scales by a table of powers of two).
    expect(mismatches(exp, Math.exp, argumentsFor((u) => (u - 0.5) * 2 * 745.2))).toEqual([]);
    expect(mismatches(exp, Math.exp, Float64Array.of(0, -0, 1e-300, -1e-30, 709.7, 709.8, -745.2, -744, Infinity, -Infinity, NaN))).toEqual([]);
  });
  it('log', () => {
    expect(mismatches(log, Math.log, argumentsFor((u, v) => u * 10 ** (v * 40 - 20)))).toEqual([]);
    expect(mismatches(log, Math.log, argumentsFor((u) => 1 + (u - 0.5) * 1e-4)).slice(0, 5)).toEqual([]);
    // Every exponent, subnormals included (the port rescales the argument by a table of powers of two).
    expect(mismatches(log, Math.log, argumentsFor((u, v) => (0.5 + u) * 2 ** Math.floor(v * 2098 - 1074)))).toEqual([]);
    expect(mismatches(log, Math.log, Float64Array.of(0, -1, 1, 5e-324, 1e308, Infinity, NaN))).toEqual([]);
  });
  it('sin and cos', () => {
    const xs = argumentsFor((u, v) => (u - 0.5) * 2 * 10 ** (v * 6 - 3));
    expect(mismatches(sin, Math.sin, xs)).toEqual([]);
    expect(mismatches(cos, Math.cos, xs)).toEqual([]);
    expect(mismatches(cos, Math.cos, argumentsFor((u) => 2 * Math.PI * u))).toEqual([]);
  });
});
