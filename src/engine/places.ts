import type { HierarchySpec, PlaceTable } from '../scenario/schema.ts';
import type { PlacePositions } from './geometry.ts';

/** Number of places a hierarchy generates on each level: cores, then each level's parents × branching. */
export function hierarchyCounts(h: HierarchySpec): number[] {
  const counts = [h.cores];
  for (const b of h.branching) counts.push(counts[counts.length - 1] * b);
  return counts;
}

/**
 * A central-place hierarchy (Christaller): `cores` places evenly on a circle of `coreRadius`,
 * then on each level every place of the level above gets `branching[l]` children evenly on a
 * circle of `radius[l]` around it, turned to face away from its own parent. Places come level by
 * level and, within a level, grouped by parent. Deterministic: no draws.
 */
export function hierarchyPositions(h: HierarchySpec, rings: number): PlacePositions {
  const counts = hierarchyCounts(h).slice(0, rings);
  const total = counts.reduce((a, b) => a + b, 0);
  const ring = new Uint8Array(total);
  const parent = new Int32Array(total).fill(-1);
  const x = new Float64Array(total);
  const y = new Float64Array(total);
  /** Direction each place faces: away from its parent (cores: away from the centre). */
  const heading = new Float64Array(total);
  for (let c = 0; c < h.cores; c++) {
    heading[c] = (2 * Math.PI * c) / h.cores;
    x[c] = h.coreRadius * Math.cos(heading[c]);
    y[c] = h.coreRadius * Math.sin(heading[c]);
  }
  let first = 0;
  let p = h.cores;
  for (let l = 1; l < counts.length; l++) {
    const b = h.branching[l - 1];
    const r = h.radius[l - 1];
    for (let q = first; q < first + counts[l - 1]; q++) {
      for (let k = 0; k < b; k++, p++) {
        const angle = heading[q] + (2 * Math.PI * (k + 0.5)) / b - Math.PI;
        ring[p] = l;
        parent[p] = q;
        x[p] = x[q] + r * Math.cos(angle);
        y[p] = y[q] + r * Math.sin(angle);
        heading[p] = angle;
      }
    }
    first += counts[l - 1];
  }
  return { ring, parent, x, y };
}

/** The layout of a places table (scenario/placesCsv.ts reads it from a CSV, sorted by level). */
export function tablePositions(t: PlaceTable): PlacePositions {
  const column = (values: readonly number[] | undefined) => (values ? Float64Array.from(values) : null);
  return {
    ring: Uint8Array.from(t.level),
    parent: Int32Array.from(t.parent),
    x: Float64Array.from(t.x),
    y: Float64Array.from(t.y),
    weight: t.population ? Float64Array.from(t.population) : undefined,
    initial: { tech: column(t.tech), capital: column(t.capital), rights: column(t.rights) },
  };
}
