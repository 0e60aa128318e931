import type { RingSpec } from '../scenario/schema.ts';

/** The fixed layout of places: rings, positions and the central-place tree. */
export interface Layout {
  ring: Uint8Array;
  urban: Uint8Array;
  parent: Int32Array;
  /** The ring-0 ancestor of each place (its core). */
  root: Int32Array;
  x: Float64Array;
  y: Float64Array;
  amenity: Float64Array;
  /** First place index of each ring, plus the total at the end. */
  ringStart: Int32Array;
  /** Children of place p are childList[childStart[p] .. childStart[p+1]) (compressed rows). */
  childStart: Int32Array;
  childList: Int32Array;
}

/**
 * Lays places out evenly on concentric circles (each ring rotated by half a step against the
 * one inside, so a child sits between parents rather than behind one) and links each place to
 * the nearest place one ring further in. Deterministic: no draws, so the layout is the same for
 * every seed and comparisons across seeds see the same geography.
 */
export function buildLayout(rings: readonly RingSpec[]): Layout {
  const total = rings.reduce((n, r) => n + r.count, 0);
  const ring = new Uint8Array(total);
  const urban = new Uint8Array(total);
  const parent = new Int32Array(total).fill(-1);
  const root = new Int32Array(total);
  const x = new Float64Array(total);
  const y = new Float64Array(total);
  const amenity = new Float64Array(total);
  const ringStart = new Int32Array(rings.length + 1);
  let p = 0;
  rings.forEach((spec, r) => {
    ringStart[r] = p;
    const offset = r % 2 === 0 ? 0 : Math.PI / spec.count;
    for (let i = 0; i < spec.count; i++, p++) {
      const angle = offset + (2 * Math.PI * i) / spec.count;
      ring[p] = r;
      urban[p] = spec.class === 'urban' ? 1 : 0;
      x[p] = spec.radius * Math.cos(angle);
      y[p] = spec.radius * Math.sin(angle);
      amenity[p] = spec.amenity;
      if (r > 0) {
        let best = -1;
        let bestD = Infinity;
        for (let q = ringStart[r - 1]; q < ringStart[r]; q++) {
          const d = Math.hypot(x[p] - x[q], y[p] - y[q]);
          if (d < bestD - 1e-12) {
            bestD = d;
            best = q;
          }
        }
        parent[p] = best;
        root[p] = root[best];
      } else {
        root[p] = p;
      }
    }
  });
  ringStart[rings.length] = total;
  const childStart = new Int32Array(total + 1);
  for (let q = 0; q < total; q++) if (parent[q] >= 0) childStart[parent[q] + 1]++;
  for (let q = 0; q < total; q++) childStart[q + 1] += childStart[q];
  const childList = new Int32Array(Math.max(0, total - ringStart[1]));
  const fill = childStart.slice(0, total);
  for (let q = 0; q < total; q++) if (parent[q] >= 0) childList[fill[parent[q]]++] = q;
  return { ring, urban, parent, root, x, y, amenity, ringStart, childStart, childList };
}

/** Euclidean distance between two places. */
export function distance(layout: Layout, a: number, b: number): number {
  return Math.hypot(layout.x[a] - layout.x[b], layout.y[a] - layout.y[b]);
}
