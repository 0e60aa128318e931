import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { buildLayout } from '../../src/engine/geometry.ts';
import { buildInfoField, countInfoPairs, INFO_CUTOFF } from '../../src/engine/infoField.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';

/** Positions scattered uniformly over a square of side `side` (seeded). */
function scatter(n: number, side: number, seed: string) {
  const rand = seedrandom(seed);
  const x = Float64Array.from({ length: n }, () => rand() * side);
  const y = Float64Array.from({ length: n }, () => rand() * side);
  return { x, y };
}

/** The dense field, written independently: every ordered pair, in id order, weight ≥ cutoff. */
function denseRows(pos: { x: Float64Array; y: Float64Array }, decay: number): { j: number; w: number }[][] {
  const P = pos.x.length;
  return Array.from({ length: P }, (_, p) => {
    const row: { j: number; w: number }[] = [];
    for (let j = 0; j < P; j++) {
      const w = Math.exp(-Math.hypot(pos.x[p] - pos.x[j], pos.y[p] - pos.y[j]) / decay);
      if (j !== p && w >= INFO_CUTOFF) row.push({ j, w });
    }
    return row;
  });
}

function rowsOf(f: ReturnType<typeof buildInfoField>): { j: number; w: number }[][] {
  return Array.from({ length: f.start.length - 1 }, (_, p) =>
    Array.from({ length: f.start[p + 1] - f.start[p] }, (_, k) => ({ j: f.index[f.start[p] + k], w: f.weight[f.start[p] + k] })),
  );
}

describe('information field through the grid index', () => {
  it('equals the dense field to the bit, on the default rings and on scattered maps wider than its reach', () => {
    const cases = [
      { pos: buildLayout(scenarioSchema.parse({}).world), decay: 1.5 },
      { pos: scatter(600, 60, 'wide'), decay: 1.5 }, // reach 10.4: each place sees a small part of the map
      { pos: scatter(300, 5, 'narrow'), decay: 2 }, // everything within reach: the dense case
      { pos: scatter(400, 1000, 'sparse'), decay: 0.5 }, // almost nobody within reach
    ];
    for (const { pos, decay } of cases) {
      const dense = denseRows(pos, decay);
      const field = buildInfoField(pos, decay);
      expect(rowsOf(field)).toEqual(dense);
      expect(countInfoPairs(pos, decay)).toBe(dense.reduce((n, r) => n + r.length, 0));
    }
  });

  it('with a neighbour cap keeps the heaviest weights of each row, and moves a seen share by at most the dropped weight share', () => {
    const pos = scatter(500, 30, 'capped');
    const decay = 1.5;
    const cap = 12;
    const dense = denseRows(pos, decay);
    const capped = rowsOf(buildInfoField(pos, decay, cap));
    expect(countInfoPairs(pos, decay, cap)).toBe(capped.reduce((n, r) => n + r.length, 0));
    const rand = seedrandom('shares');
    const share = Float64Array.from({ length: 500 }, () => rand());
    const pop = Float64Array.from({ length: 500 }, () => 1 + 100 * rand());
    const mean = (row: { j: number; w: number }[]) => row.reduce((s, e) => s + e.w * pop[e.j] * share[e.j], 0) / row.reduce((s, e) => s + e.w * pop[e.j], 0);
    let anyDropped = false;
    dense.forEach((row, p) => {
      const kept = capped[p];
      expect(kept.length).toBe(Math.min(cap, row.length));
      const heaviest = [...row].sort((a, b) => b.w - a.w || a.j - b.j).slice(0, cap).sort((a, b) => a.j - b.j);
      expect(kept).toEqual(heaviest);
      if (row.length > cap) {
        anyDropped = true;
        const all = row.reduce((s, e) => s + e.w * pop[e.j], 0);
        const droppedShare = 1 - kept.reduce((s, e) => s + e.w * pop[e.j], 0) / all;
        expect(Math.abs(mean(kept) - mean(row))).toBeLessThanOrEqual(droppedShare + 1e-12);
      }
    });
    expect(anyDropped).toBe(true);
  });
});

describe('information field on degenerate maps', () => {
  it('handles places packed into a millionth of a unit with the longest reach and a cap above the place count', () => {
    const pos = { x: Float64Array.from([0, 1e-6, 0, -1e-6]), y: Float64Array.from([0, 0, 1e-6, 0]) };
    const field = buildInfoField(pos, 1000, 5000);
    expect(rowsOf(field)).toEqual(denseRows(pos, 1000));
  });
});
