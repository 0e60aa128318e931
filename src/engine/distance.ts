/**
 * Math.hypot(x, y) to the bit, as V8 computes it (its MathHypot builtin: the largest absolute
 * value m, then m·√((|x|/m)² + (|y|/m)²)), written out so the JIT inlines it. V8's builtin
 * takes its arguments as a list and allocates an array per call, about 25 ns a call against 5
 * here, and the model takes a distance per place a tick (spillover) and per mover (moving costs
 * in a sampled world). tests/engine/distance.test.ts checks it against Math.hypot bit for bit.
 */
export function hypot(x: number, y: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (ax === Infinity || ay === Infinity) return Infinity;
  if (ax !== ax || ay !== ay) return NaN;
  const m = ax > ay ? ax : ay;
  if (m === 0) return 0;
  const a = ax / m;
  const b = ay / m;
  return Math.sqrt(a * a + b * b) * m;
}
