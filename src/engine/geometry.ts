import { hypot } from './distance.ts';
import type { PlacesSpec, RingSpec } from '../scenario/schema.ts';
import { hierarchyPositions, tablePositions } from './places.ts';

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
  /** Share of its ring's residents each place starts with, relative to its ring's other places; null when every place of a ring starts with the same number. */
  weight: Float64Array | null;
  /** Per-place initial τ, capital per resident and rights (NaN: the ring's), from a places table. */
  initial: { tech: Float64Array | null; capital: Float64Array | null; rights: Float64Array | null };
  /** First place index of each ring, plus the total at the end. */
  ringStart: Int32Array;
}

/** The places of a world: rings of evenly spaced places, or `world.places` (a hierarchy or a table). */
export interface WorldGeography {
  rings: readonly RingSpec[];
  places?: PlacesSpec;
}

/** Positions and tree of places sorted by ring, before the derived fields of {@link Layout} are added. */
export interface PlacePositions {
  ring: Uint8Array;
  parent: Int32Array;
  x: Float64Array;
  y: Float64Array;
  weight?: Float64Array;
  initial?: Layout['initial'];
}

/** Builds the layout of a world's places: from `world.places` when set, else from the rings. */
export function buildLayout(world: WorldGeography): Layout {
  const spec = world.places;
  if (spec && 'file' in spec) throw new Error(`world.places.file (${spec.file}) is read by loadScenario, which turns it into world.places.table`);
  const positions = !spec ? ringPositions(world.rings) : 'hierarchy' in spec ? hierarchyPositions(spec.hierarchy, world.rings.length) : tablePositions(spec.table);
  return completeLayout(positions, world.rings);
}

/**
 * Lays places out evenly on concentric circles (each ring rotated by half a step against the
 * one inside, so a child sits between parents rather than behind one) and links each place to
 * the nearest place one ring further in. Deterministic: no draws, so the layout is the same for
 * every seed and comparisons across seeds see the same geography.
 */
function ringPositions(rings: readonly RingSpec[]): PlacePositions {
  const total = rings.reduce((n, r) => n + r.count, 0);
  const ring = new Uint8Array(total);
  const parent = new Int32Array(total).fill(-1);
  const x = new Float64Array(total);
  const y = new Float64Array(total);
  let p = 0;
  let innerStart = 0;
  rings.forEach((spec, r) => {
    const first = p;
    const offset = r % 2 === 0 ? 0 : Math.PI / spec.count;
    for (let i = 0; i < spec.count; i++, p++) {
      const angle = offset + (2 * Math.PI * i) / spec.count;
      ring[p] = r;
      x[p] = spec.radius * Math.cos(angle);
      y[p] = spec.radius * Math.sin(angle);
      if (r > 0) {
        let best = -1;
        let bestD = Infinity;
        for (let q = innerStart; q < first; q++) {
          const d = hypot(x[p] - x[q], y[p] - y[q]);
          if (d < bestD - 1e-12) {
            bestD = d;
            best = q;
          }
        }
        parent[p] = best;
      }
    }
    innerStart = first;
  });
  return { ring, parent, x, y };
}

/** Adds what every layout derives from positions, rings and the tree: class, amenity, cores, ring starts, children. */
function completeLayout(pos: PlacePositions, rings: readonly RingSpec[]): Layout {
  const total = pos.ring.length;
  const urban = new Uint8Array(total);
  const amenity = new Float64Array(total);
  const root = new Int32Array(total);
  const ringStart = new Int32Array(rings.length + 1);
  for (let p = 0; p < total; p++) {
    const spec = rings[pos.ring[p]];
    urban[p] = spec.class === 'urban' ? 1 : 0;
    amenity[p] = spec.amenity;
    ringStart[pos.ring[p] + 1]++;
    // Parents sit on inner rings, so they come first and their root is already known.
    root[p] = pos.parent[p] >= 0 ? root[pos.parent[p]] : p;
  }
  for (let r = 0; r < rings.length; r++) ringStart[r + 1] += ringStart[r];
  return {
    ring: pos.ring,
    urban,
    parent: pos.parent,
    root,
    x: pos.x,
    y: pos.y,
    amenity,
    weight: pos.weight ?? null,
    initial: pos.initial ?? { tech: null, capital: null, rights: null },
    ringStart,
  };
}
