/**
 * Nelder-Mead simplex search (Nelder & Mead 1965) with the standard coefficients (reflection 1,
 * expansion 2, contraction 1/2, shrink 1/2; Lagarias et al. 1998), on the unit cube: points
 * that step outside are projected back onto it. Written here rather than taken from a library:
 * the npm ones are unmaintained and call the objective one point at a time, whereas here each
 * step hands a batch (the starting simplex, a shrink) to the caller, which runs it on the
 * worker pool and can replay it from records after a kill.
 */

/** Evaluates a batch of points; resolves to one value each (lower is better). */
export type BatchObjective = (points: number[][]) => Promise<number[]>;

/** The result of a search. */
export interface SearchResult {
  best: number[];
  value: number;
  evaluations: number;
}

const clamp01 = (x: number[]) => x.map((v) => Math.min(1, Math.max(0, v)));
const lin = (a: readonly number[], b: readonly number[], t: number) => a.map((v, i) => v + t * (b[i] - v));

/**
 * Minimises `f` from `start` with an initial step `step` along each axis, stopping when the next
 * step could exceed `maxEvaluations` or the simplex has shrunk below `tolerance` (in unit-cube
 * coordinates) and its values agree to `tolerance`.
 */
export async function nelderMead(f: BatchObjective, start: readonly number[], step: number, maxEvaluations: number, tolerance = 1e-4): Promise<SearchResult> {
  const k = start.length;
  const simplex: number[][] = [clamp01([...start])];
  for (let i = 0; i < k; i++) {
    const p = [...start];
    p[i] = p[i] + step <= 1 ? p[i] + step : p[i] - step;
    simplex.push(clamp01(p));
  }
  let values = await f(simplex);
  let used = simplex.length;
  const order = () => {
    const idx = simplex.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
    const s = idx.map((i) => simplex[i]);
    values = idx.map((i) => values[i]);
    simplex.splice(0, simplex.length, ...s);
  };
  order();
  while (used + 2 <= maxEvaluations) {
    const size = Math.max(...simplex.slice(1).map((p) => Math.max(...p.map((v, i) => Math.abs(v - simplex[0][i])))));
    if (size < tolerance && values[k] - values[0] < tolerance) break;
    const centroid = Array.from({ length: k }, (_, d) => simplex.slice(0, k).reduce((s, p) => s + p[d], 0) / k);
    const worst = simplex[k];
    const reflected = clamp01(lin(centroid, worst, -1));
    const [fr] = await f([reflected]);
    used++;
    if (fr < values[0]) {
      const expanded = clamp01(lin(centroid, worst, -2));
      const [fe] = await f([expanded]);
      used++;
      [simplex[k], values[k]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[k - 1]) {
      [simplex[k], values[k]] = [reflected, fr];
    } else {
      const outside = fr < values[k];
      const contracted = clamp01(lin(centroid, outside ? reflected : worst, 0.5));
      const [fc] = await f([contracted]);
      used++;
      if (fc < (outside ? fr : values[k])) [simplex[k], values[k]] = [contracted, fc];
      else {
        if (used + k > maxEvaluations) break;
        const shrunk = simplex.slice(1).map((p) => lin(simplex[0], p, 0.5));
        const fs = await f(shrunk);
        used += k;
        shrunk.forEach((p, i) => {
          simplex[i + 1] = p;
          values[i + 1] = fs[i];
        });
      }
    }
    order();
  }
  return { best: simplex[0], value: values[0], evaluations: used };
}
