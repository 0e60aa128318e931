/** Axis ticks at round values: 1-2-5 steps on a linear axis and on a log axis. */

/** Round values inside [lo, hi], about `count` of them, at a 1-2-5 step. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks of a log axis at 1-2-5 steps from a nice value at or below lo to one at or above hi (both ends labelled). */
export function logTicks(lo: number, hi: number): number[] {
  const steps = [1, 2, 5];
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) for (const m of steps) out.push(Number((m * 10 ** e).toPrecision(3)));
  const below = out.filter((v) => v <= lo * (1 + 1e-9));
  const above = out.filter((v) => v >= hi * (1 - 1e-9));
  const from = below.length ? below[below.length - 1] : out[0];
  const to = above.length ? above[0] : out[out.length - 1];
  const ticks = out.filter((v) => v >= from && v <= to);
  // With many decades, 1-2-5 labels crowd the axis: keep the powers of ten and the ends.
  return ticks.length > 12 ? ticks.filter((v, i) => i === 0 || i === ticks.length - 1 || Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9) : ticks;
}
