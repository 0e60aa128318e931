/**
 * "Did you mean": the closest known name to a misspelt one, for error messages about unknown
 * fields, enum values, options and names.
 */

/** Levenshtein distance between two strings (case-insensitive; '_' and '-' count as equal). */
export function editDistance(a: string, b: string): number {
  const norm = (s: string) => s.toLowerCase().replace(/_/g, '-');
  const x = norm(a);
  const y = norm(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** The known name closest to `name`, if close enough to be a typo (at most a third of its letters off). */
export function closest(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== null && bestD <= Math.max(1, Math.floor(Math.max(name.length, best.length) / 3)) ? best : null;
}

/** ` (did you mean "x"?)` or '' when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const c = closest(name, known);
  return c !== null && c !== name ? ` (did you mean "${c}"?)` : '';
}
