/**
 * "Did you mean": the closest known name to a misspelt one, for error messages about unknown
 * fields, enum values, options and names.
 */

/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive; '_' and '-' count as equal. */
export function editDistance(a: string, b: string): number {
  const norm = (s: string) => s.toLowerCase().replace(/_/g, '-');
  const x = norm(a);
  const y = norm(b);
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length];
}

/**
 * The known name closest to `name`, if close enough to be a typo (at most a third of its letters
 * off). Of two equally close, the one with the same first letter wins: a slip rarely hits the
 * first key (`zn` is `zh`, not `en`).
 */
export function closest(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const first = (s: string) => s.charAt(0).toLowerCase();
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD || (d === bestD && best !== null && first(k) === first(name) && first(best) !== first(name))) [best, bestD] = [k, d];
  }
  return best !== null && bestD <= Math.max(1, Math.floor(Math.max(name.length, best.length) / 3)) ? best : null;
}

/** ` (did you mean "x"?)` or '' when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const c = closest(name, known);
  return c !== null && c !== name ? ` (did you mean "${c}"?)` : '';
}
