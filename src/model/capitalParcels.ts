import { hypot } from '../engine/distance.ts';
import { buildGrid, type Grid } from '../engine/infoField.ts';
import { buildGuide, createSizeSampler, drawIndex, loadWeights, placeSamplers, type SizeSampler } from '../engine/sizeSampler.ts';
import type { World } from '../engine/world.ts';

/**
 * Parcels each place's mobile capital is split into when the choice is sampled. Every pair's
 * expected booking is its exact net flow whatever the number; more parcels only lower the noise.
 * 2 instead of 4 halves the stage's largest cost (≈ 25 ms a tick at 111,111 places), and the
 * tolerance of docs/ODD.md 7.3 cannot tell them apart: the differences from the exact choice
 * are those of another seed (measured over three pairs of seeds, ODD 7.3).
 */
export const CAPITAL_PARCELS = 2;

/**
 * Places grouped into the non-empty cells of a uniform grid of about 4·√P cells (so a row over
 * cells costs O(√P) and all rows O(P)), and, per rate, the friction bound of every cell offset.
 */
interface ParcelGrid {
  grid: Grid;
  /** Non-empty cells: their column and row, and where their places start in grid.items. */
  column: Int32Array;
  line: Int32Array;
  first: Int32Array;
  /** exp(−rate·(smallest distance between two cells |dx|, |dy| apart)), at index |dx| + nx·|dy|. */
  bound: Float64Array;
  rate: number;
  /** Each cell's weight, and a sampler over the weights W_D·Ĝ_CD of one origin cell's row. */
  cellWeight: Float64Array;
  row: SizeSampler;
  /** Z_C = Σ_D W_D·Ĝ_CD per cell. */
  reach: Float64Array;
}

const grids = new WeakMap<World, ParcelGrid>();

function parcelGrid(world: World, rate: number): ParcelGrid {
  let pg = grids.get(world);
  if (!pg) {
    const { x, y, count: P } = world.places;
    let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let p = 0; p < P; p++) {
      minX = Math.min(minX, x[p]);
      maxX = Math.max(maxX, x[p]);
      minY = Math.min(minY, y[p]);
      maxY = Math.max(maxY, y[p]);
    }
    const side = Math.sqrt((Math.max(maxX - minX, 1e-9) * Math.max(maxY - minY, 1e-9)) / (4 * Math.sqrt(P)));
    const grid = buildGrid({ x, y }, side, 0);
    const used: number[] = [];
    for (let c = 0; c < grid.nx * grid.ny; c++) if (grid.cellStart[c + 1] > grid.cellStart[c]) used.push(c);
    const M = used.length;
    pg = {
      grid,
      column: Int32Array.from(used, (c) => c % grid.nx),
      line: Int32Array.from(used, (c) => Math.floor(c / grid.nx)),
      first: Int32Array.from([...used.map((c) => grid.cellStart[c]), P]),
      bound: new Float64Array(grid.nx * grid.ny),
      rate: NaN,
      cellWeight: new Float64Array(M),
      row: createSizeSampler(M),
      reach: new Float64Array(M),
    };
    grids.set(world, pg);
  }
  if (pg.rate !== rate) {
    const { nx, ny, cell } = pg.grid;
    for (let dy = 0; dy < ny; dy++) {
      for (let dx = 0; dx < nx; dx++) pg.bound[dx + nx * dy] = Math.exp(-rate * cell * hypot(Math.max(0, dx - 1), Math.max(0, dy - 1)));
    }
    pg.rate = rate;
  }
  return pg;
}

/**
 * The sampled choice of mobile capital (docs/ODD.md 7.3), for worlds above SAMPLED_CHOICE_PLACES.
 * The exact choice books, for every pair, the net flow n_pk = G_pk·(m_p·W_k − m_k·W_p), with
 * m = share·pull (the caller's `mobile` row) and G the friction. Here each place p (in cell C) draws CAPITAL_PARCELS partners
 * at systematic points (one uniform offset per place from the capital stream): a cell D with
 * probability W_D·Ĝ_CD / Z_C, where Ĝ_CD ≥ G between any places of C and D is the friction at the
 * cells' smallest distance and Z_C = Σ_D W_D·Ĝ_CD (importance sampling: partners are mostly
 * where friction lets capital go), then a place k in D with probability W_k / W_D. A drawn pair
 * books n_pk over the expected number of draws of that pair from either side (the balance
 * heuristic), so each pair's expected booking is n_pk exactly, two-way churn cancels as in the
 * exact choice, and no booking is much larger than either side's own parcel.
 * O(P·parcels + cells²) = O(P) a tick.
 */
export function moveByParcels(
  world: World,
  weight: Float64Array,
  mobile: Float64Array,
  rate: number,
  move: (from: number, to: number, amount: number) => void,
): void {
  const rand = world.streams.capital;
  const { capital, x, y } = world.places;
  const pg = parcelGrid(world, rate);
  const { items, nx } = pg.grid;
  const { column, line, first, bound, cellWeight, row, reach } = pg;
  const M = cellWeight.length;
  // Places by size in grid order: each cell's places are one segment.
  const within = placeSamplers(world)[0];
  loadWeights(within, weight, items);
  const at = within.cumulative;
  for (let c = 0; c < M; c++) cellWeight[c] = at[first[c + 1]] - at[first[c]];
  const rowWeight = (C: number, D: number): number => cellWeight[D] * bound[Math.abs(column[C] - column[D]) + nx * Math.abs(line[C] - line[D])];
  for (let C = 0; C < M; C++) {
    let sum = 0;
    for (let D = 0; D < M; D++) sum += rowWeight(C, D);
    reach[C] = sum;
  }
  for (let C = 0; C < M; C++) {
    // The row's cumulative weights straight into the sampler: the sums of loadWeights, term by term.
    const cumulative = row.cumulative;
    for (let D = 0; D < M; D++) cumulative[D + 1] = cumulative[D] + rowWeight(C, D);
    const Z = buildGuide(row);
    if (!(Z > 0)) continue;
    for (let i = first[C]; i < first[C + 1]; i++) {
      const p = items[i];
      const offset = rand();
      for (let s = 0; s < CAPITAL_PARCELS; s++) {
        const u = ((s + offset) / CAPITAL_PARCELS) * Z;
        const D = drawIndex(row, u);
        const b = bound[Math.abs(column[C] - column[D]) + nx * Math.abs(line[C] - line[D])];
        // Where u fell within D's segment, as a point of D's own weight: a uniform draw inside D.
        const k = items[Math.min(Math.max(drawIndex(within, at[first[D]] + (u - cumulative[D]) / b), first[D]), first[D + 1] - 1)];
        if (k === p) continue;
        // The pair's net flow over the chance that either side draws the pair (the balance heuristic).
        const chances = CAPITAL_PARCELS * b * (weight[k] / Z + weight[p] / reach[D]);
        const dx = x[p] - x[k];
        const dy = y[p] - y[k];
        const friction = Math.exp(-rate * Math.sqrt(dx * dx + dy * dy));
        const net = (friction * (mobile[p] * weight[k] - mobile[k] * weight[p])) / chances;
        if (net > 0) move(p, k, Math.min(net, capital[p]));
        else if (net < 0) move(k, p, Math.min(-net, capital[k]));
      }
    }
  }
}
