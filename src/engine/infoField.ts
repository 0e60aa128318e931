import { hypot } from './distance.ts';
import type { Layout } from './geometry.ts';

/** What the field needs of a layout: the places' positions. */
type Positions = Pick<Layout, 'x' | 'y'>;

/** Compressed sparse rows: neighbours of p are index[start[p] .. start[p+1]) with weight[...]. */
export interface InfoField {
  start: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

/** Weights below this are dropped from the information field: they change no result but cost P² time. */
export const INFO_CUTOFF = 1e-3;

/** How far the field reaches: exp(-d/decay) ≥ cutoff ⇔ d ≤ −decay·ln(cutoff). */
export function infoReach(decay: number): number {
  return -decay * Math.log(INFO_CUTOFF);
}

/**
 * A uniform grid over the places, so the places near p are found by visiting the cells around
 * p's, ring of cells by ring of cells, instead of all P. Uncapped, the cells are one reach wide
 * (the 3 × 3 cells around p hold everything within reach); with a neighbour cap they are about
 * as wide as the nearest `neighbours` need, and the search stops as soon as no unvisited cell can
 * hold a heavier neighbour. Never more than ≈ 4P cells. Capital's sampled choice groups places by
 * the same grid (model/capitalParcels.ts).
 */
export interface Grid {
  minX: number;
  minY: number;
  cell: number;
  nx: number;
  ny: number;
  cellStart: Int32Array;
  items: Int32Array;
}

export function buildGrid(layout: Positions, reach: number, neighbours: number): Grid {
  const P = layout.x.length;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let p = 0; p < P; p++) {
    minX = Math.min(minX, layout.x[p]);
    maxX = Math.max(maxX, layout.x[p]);
    minY = Math.min(minY, layout.y[p]);
    maxY = Math.max(maxY, layout.y[p]);
  }
  const spanX = Math.max(maxX - minX, 1e-9);
  const spanY = Math.max(maxY - minY, 1e-9);
  // With a cap: cells holding about neighbours / 2 places at the mean density.
  const wanted = neighbours > 0 ? Math.min(reach, Math.sqrt((spanX * spanY * neighbours) / (2 * P))) : reach;
  const cell = Math.max(wanted, Math.sqrt((spanX * spanY) / (4 * P + 1)), Math.max(spanX, spanY) / 4096);
  const nx = Math.floor(spanX / cell) + 1;
  const ny = Math.floor(spanY / cell) + 1;
  const cellOf = new Int32Array(P);
  const cellStart = new Int32Array(nx * ny + 1);
  for (let p = 0; p < P; p++) {
    const c = Math.floor((layout.x[p] - minX) / cell) + nx * Math.floor((layout.y[p] - minY) / cell);
    cellOf[p] = c;
    cellStart[c + 1]++;
  }
  for (let c = 0; c < nx * ny; c++) cellStart[c + 1] += cellStart[c];
  const fill = cellStart.slice(0, nx * ny);
  const items = new Int32Array(P);
  for (let p = 0; p < P; p++) items[fill[cellOf[p]]++] = p;
  return { minX, minY, cell, nx, ny, cellStart, items };
}

/**
 * Visits the rows of the information field exp(-d/decay) between distinct places, keeping weights
 * at or above the cutoff and, when `neighbours` > 0, only the `neighbours` heaviest of each row
 * (ties go to the lower id). Each row is handed over in increasing neighbour id, the order of a
 * scan over all places, so sums over a row are the same to the bit as the dense field's.
 * `visit` returns false to stop early.
 */
function forEachRow(
  layout: Positions,
  decay: number,
  neighbours: number,
  visit: (p: number, index: Int32Array, weight: Float64Array, n: number) => boolean,
): void {
  const P = layout.x.length;
  const { x: X, y: Y } = layout;
  const reach = infoReach(decay);
  const reach2 = reach * reach * (1 + 1e-12);
  const g = buildGrid(layout, reach, neighbours);
  // A place within reach lies at most this many rings of cells away, and no ring beyond the
  // grid's own size holds a cell (a tiny map with a long reach would otherwise walk billions).
  const maxRing = Math.min(Math.ceil(reach / g.cell), Math.max(g.nx, g.ny));
  let rowIndex: Int32Array = new Int32Array(64);
  let rowWeight: Float64Array = new Float64Array(64);
  let n = 0;
  let lightest = 0;
  // Squared distance of the lightest kept entry, with a margin for rounding: a candidate further
  // away is lighter, so its weight need not be computed (a cheap pre-test; weights decide).
  let lightestD2 = Infinity;
  const squaredDistance = (p: number, j: number) => ((X[p] - X[j]) ** 2 + (Y[p] - Y[j]) ** 2) * (1 + 1e-9);
  const scanCell = (p: number, c: number): void => {
    for (let k = g.cellStart[c]; k < g.cellStart[c + 1]; k++) {
      const j = g.items[k];
      const dx = X[p] - X[j];
      const dy = Y[p] - Y[j];
      const d2 = dx * dx + dy * dy;
      if (j === p || d2 > reach2 || (n === neighbours && d2 > lightestD2)) continue;
      const w = Math.exp(-hypot(dx, dy) / decay);
      if (w < INFO_CUTOFF) continue;
      if (neighbours > 0 && n === neighbours) {
        // Row full: the candidate replaces the lightest kept entry if it is heavier (ties: lower id).
        if (w > rowWeight[lightest] || (w === rowWeight[lightest] && j < rowIndex[lightest])) {
          rowIndex[lightest] = j;
          rowWeight[lightest] = w;
          lightest = lightestOf(rowIndex, rowWeight, n);
          lightestD2 = squaredDistance(p, rowIndex[lightest]);
        }
        continue;
      }
      if (n === rowIndex.length) {
        rowIndex = growInt(rowIndex);
        rowWeight = growFloat(rowWeight);
      }
      rowIndex[n] = j;
      rowWeight[n++] = w;
      if (n === neighbours) {
        lightest = lightestOf(rowIndex, rowWeight, n);
        lightestD2 = squaredDistance(p, rowIndex[lightest]);
      }
    }
  };
  for (let p = 0; p < P; p++) {
    const cx = Math.floor((X[p] - g.minX) / g.cell);
    const cy = Math.floor((Y[p] - g.minY) / g.cell);
    n = 0;
    lightest = 0;
    lightestD2 = Infinity;
    for (let r = 0; r <= maxRing; r++) {
      // Unvisited cells (ring r and beyond) hold only places further than (r − 1) cells: with a
      // full row whose lightest weight beats that distance's, none of them could enter the row.
      if (neighbours > 0 && n === neighbours && r > 0 && rowWeight[lightest] > Math.exp(-((r - 1) * g.cell) / decay)) break;
      const y0 = cy - r;
      const y1 = cy + r;
      for (let gy = Math.max(0, y0); gy <= Math.min(g.ny - 1, y1); gy++) {
        // Whole rows at the top and bottom of the ring, only its two ends in between.
        const edge = gy === y0 || gy === y1;
        const step = edge ? 1 : 2 * r;
        for (let gx = cx - r; gx <= cx + r; gx += step || 1) {
          if (gx >= 0 && gx < g.nx) scanCell(p, gx + g.nx * gy);
        }
      }
    }
    // In id order, as a scan over all places would give them; the weights are recomputed (the
    // same expression, so the same bits) rather than carried through the sort.
    rowIndex.subarray(0, n).sort();
    for (let k = 0; k < n; k++) rowWeight[k] = Math.exp(-hypot(X[p] - X[rowIndex[k]], Y[p] - Y[rowIndex[k]]) / decay);
    if (!visit(p, rowIndex, rowWeight, n)) return;
  }
}

function growInt(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function growFloat(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** The kept entry the next candidate must beat: lowest weight, and of those the highest id. */
function lightestOf(index: Int32Array, weight: Float64Array, n: number): number {
  let m = 0;
  for (let k = 1; k < n; k++) if (weight[k] < weight[m] || (weight[k] === weight[m] && index[k] > index[m])) m = k;
  return m;
}

/**
 * Counts the place pairs the information field keeps (the entries {@link buildInfoField} would
 * allocate); stops counting once past `stopAt`. Scenario validation uses it to refuse worlds
 * whose field would not fit in memory before anything is built.
 */
export function countInfoPairs(layout: Positions, decay: number, neighbours = 0, stopAt = Infinity): number {
  let pairs = 0;
  forEachRow(layout, decay, neighbours, (_p, _i, _w, n) => (pairs += n) <= stopAt);
  return pairs;
}

/**
 * Builds the information field exp(-d/decay) between distinct places: every pair whose weight
 * reaches the cutoff, or with `neighbours` > 0 at most that many per place (the nearest). Costs
 * time and memory in proportion to the pairs kept, found through a grid, not to P².
 */
export function buildInfoField(layout: Positions, decay: number, neighbours = 0): InfoField {
  const P = layout.x.length;
  const start = new Int32Array(P + 1);
  // With a cap, P × cap bounds the pairs: no growing, and no copy when the rows are nearly full.
  let index: Int32Array = new Int32Array(Math.max(16, P * (neighbours > 0 ? neighbours : 8)));
  let weight: Float64Array = new Float64Array(index.length);
  let k = 0;
  forEachRow(layout, decay, neighbours, (p, rowIndex, rowWeight, n) => {
    while (k + n > index.length) {
      index = growInt(index);
      weight = growFloat(weight);
    }
    index.set(rowIndex.subarray(0, n), k);
    weight.set(rowWeight.subarray(0, n), k);
    k += n;
    start[p + 1] = k;
    return true;
  });
  const fits = k >= index.length - index.length / 8;
  return { start, index: fits ? index.subarray(0, k) : index.slice(0, k), weight: fits ? weight.subarray(0, k) : weight.slice(0, k) };
}
