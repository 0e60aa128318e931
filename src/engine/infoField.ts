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
 * A uniform grid over the places, cells one reach wide, so the places within reach of p lie in
 * the 3 × 3 cells around p's: finding them costs the places in those cells, not all P. When the
 * map is much wider than the reach the cells grow, so the grid never holds more than ≈ 4P cells.
 * Places are listed by cell in increasing id, which keeps each row of the field in id order.
 */
interface Grid {
  minX: number;
  minY: number;
  cell: number;
  nx: number;
  ny: number;
  cellStart: Int32Array;
  items: Int32Array;
}

function buildGrid(layout: Positions, reach: number): Grid {
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
  const cell = Math.max(reach, Math.sqrt((spanX * spanY) / (4 * P + 1)), Math.max(spanX, spanY) / 4096);
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
  const reach = infoReach(decay);
  const reach2 = reach * reach * (1 + 1e-12);
  const g = buildGrid(layout, reach);
  let rowIndex: Int32Array = new Int32Array(64);
  let rowWeight: Float64Array = new Float64Array(64);
  for (let p = 0; p < P; p++) {
    const x = layout.x[p];
    const y = layout.y[p];
    const cx = Math.floor((x - g.minX) / g.cell);
    const cy = Math.floor((y - g.minY) / g.cell);
    let n = 0;
    for (let gy = Math.max(0, cy - 1); gy <= Math.min(g.ny - 1, cy + 1); gy++) {
      for (let gx = Math.max(0, cx - 1); gx <= Math.min(g.nx - 1, cx + 1); gx++) {
        const c = gx + g.nx * gy;
        for (let k = g.cellStart[c]; k < g.cellStart[c + 1]; k++) {
          const j = g.items[k];
          const dx = x - layout.x[j];
          const dy = y - layout.y[j];
          if (j === p || dx * dx + dy * dy > reach2) continue;
          const w = Math.exp(-Math.hypot(dx, dy) / decay);
          if (w < INFO_CUTOFF) continue;
          if (n === rowIndex.length) {
            rowIndex = growInt(rowIndex);
            rowWeight = growFloat(rowWeight);
          }
          rowIndex[n] = j;
          rowWeight[n++] = w;
        }
      }
    }
    if (neighbours > 0 && n > neighbours) n = keepHeaviest(rowIndex, rowWeight, n, neighbours);
    sortRowById(rowIndex, rowWeight, n);
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

/** Moves the `keep` heaviest entries (ties: lower id first) to the front; returns `keep`. */
function keepHeaviest(index: Int32Array, weight: Float64Array, n: number, keep: number): number {
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => weight[b] - weight[a] || index[a] - index[b]);
  const i = Int32Array.from(order.slice(0, keep), (k) => index[k]);
  const w = Float64Array.from(order.slice(0, keep), (k) => weight[k]);
  index.set(i);
  weight.set(w);
  return keep;
}

/** Insertion sort of a row by neighbour id (rows arrive nearly sorted: cells are visited in id-free order, items within a cell by id). */
function sortRowById(index: Int32Array, weight: Float64Array, n: number): void {
  for (let a = 1; a < n; a++) {
    const j = index[a];
    const w = weight[a];
    let b = a - 1;
    while (b >= 0 && index[b] > j) {
      index[b + 1] = index[b];
      weight[b + 1] = weight[b];
      b--;
    }
    index[b + 1] = j;
    weight[b + 1] = w;
  }
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
  let index: Int32Array = new Int32Array(Math.max(16, P * 8));
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
  return { start, index: index.slice(0, k), weight: weight.slice(0, k) };
}
