import type { Patch } from 'immer';
import { freeze } from 'immer';
import type { StreamName, StreamState } from './rng.ts';
import { createStreams, saveStreams, STREAM_NAMES } from './rng.ts';
import type { World, WorldState } from './world.ts';

/**
 * Checkpoints of a World: everything that evolves in it, as plain data and typed arrays, so a
 * run can stop (killed, interrupted, out of disk) and continue to exactly the bytes it would
 * have written uninterrupted. The file format lives in src/io/checkpointFile.ts.
 *
 * A World is saved whole: every typed array of places, residents, the ledger (accumulators
 * included), the scratch buffers and the policy plan; queued edits and the undo history; the
 * random streams' states; the world-level state. Only what the scenario rebuilds (the scenario
 * itself, the information field and the choice mode) is left out, and events, which the runner
 * drains every tick, must be empty.
 */

/** A checkpoint that cannot be used: damaged, of another format, or of another world shape. */
export class CheckpointError extends Error {}

type AnyTypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

function typedName(value: unknown): string | null {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? value.constructor.name : null;
}

/** The saved form of a World: plain data and typed arrays, as {@link saveWorld} returns it. */
export interface SavedWorld {
  places: Record<string, unknown>;
  residents: Record<string, unknown>;
  ledger: Record<string, unknown>;
  scratch: Record<string, unknown>;
  plan: { spend: [string, Float64Array][]; intensity: [string, Float64Array][] };
  /** Queued edits, as patches (an edit queued as code cannot be saved). */
  pendingEdits: { tick: number; patches: Patch[]; label?: string }[];
  undo: Patch[][];
  state: WorldState;
  streams: Record<StreamName, StreamState>;
}

/** Fields of a World that {@link saveWorld} leaves out: fixed by the scenario, or drained every tick. */
export const DERIVED_WORLD_FIELDS = ['scenario', 'infoField', 'choice', 'events'] as const;

function arraysOf(store: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(store)) if (typedName(v) || typeof v === 'number') out[k] = v;
  return out;
}

/**
 * Returns everything that evolves in a world, by reference (no copy): every typed array and
 * count of places, residents, ledger and scratch; the policy plan; the state; the streams.
 * Throws if the world holds undrained events (checkpoints are taken between ticks).
 */
export function saveWorld(world: World): SavedWorld {
  if (world.events.length > 0) throw new CheckpointError('cannot checkpoint a world with undrained events (checkpoint between ticks)');
  const saved: SavedWorld = {
    places: arraysOf(world.places),
    residents: arraysOf(world.residents),
    ledger: arraysOf(world.ledger),
    scratch: arraysOf(world.scratch),
    plan: { spend: [...world.plan.spend.entries()], intensity: [...world.plan.intensity.entries()] },
    pendingEdits: world.pendingEdits.map((e) => {
      if (!e.patches) {
        throw new CheckpointError(`the edit queued for tick ${e.tick}${e.label ? ` (${e.label})` : ''} is code (a recipe) and cannot be checkpointed; queue it as patches`);
      }
      return e.label === undefined ? { tick: e.tick, patches: e.patches } : { tick: e.tick, patches: e.patches, label: e.label };
    }),
    undo: world.undo,
    state: world.state,
    streams: saveStreams(world.streams),
  };
  const covered = new Set<string>([...DERIVED_WORLD_FIELDS, ...Object.keys(saved)]);
  for (const k of Object.keys(world)) if (!covered.has(k)) throw new CheckpointError(`world field "${k}" is not covered by checkpoints`);
  return saved;
}

function restoreStore(name: string, target: object, saved: Record<string, unknown> | undefined): void {
  if (!saved || typeof saved !== 'object') throw new CheckpointError(`checkpoint lacks ${name}`);
  const t = target as Record<string, unknown>;
  for (const [k, v] of Object.entries(t)) {
    const type = typedName(v);
    if (!type && typeof v !== 'number') continue;
    const s = saved[k];
    if (type) {
      const arr = v as AnyTypedArray;
      if (typedName(s) !== type || (s as AnyTypedArray).length !== arr.length) {
        throw new CheckpointError(`checkpoint's ${name}.${k} does not fit this world (${s === undefined ? 'missing' : `${typedName(s) ?? typeof s}[${(s as AnyTypedArray).length ?? ''}]`}, expected ${type}[${arr.length}])`);
      }
      arr.set(s as AnyTypedArray);
    } else if (s !== v) {
      throw new CheckpointError(`checkpoint's ${name}.${k} is ${String(s)}, this world has ${String(v)}`);
    }
  }
  for (const k of Object.keys(saved)) if (!Object.hasOwn(t, k)) throw new CheckpointError(`checkpoint has ${name}.${k}, which this world does not`);
}

/**
 * Overwrites a freshly allocated world of the same scenario with a saved one, checking that
 * every array exists on both sides with the same type and length (a checkpoint from another
 * world shape or another version of the model is refused, never half-applied silently).
 */
export function restoreWorld(world: World, saved: SavedWorld): void {
  restoreStore('places', world.places, saved.places);
  restoreStore('residents', world.residents, saved.residents);
  restoreStore('ledger', world.ledger, saved.ledger);
  restoreStore('scratch', world.scratch, saved.scratch);
  const P = world.places.count;
  const plan = (entries: [string, Float64Array][] | undefined, what: string) => {
    if (!Array.isArray(entries)) throw new CheckpointError(`checkpoint lacks plan.${what}`);
    const out = new Map<string, Float64Array>();
    for (const [key, arr] of entries) {
      if (!(arr instanceof Float64Array) || arr.length !== P) throw new CheckpointError(`checkpoint's plan.${what} "${key}" does not fit this world`);
      out.set(key, Float64Array.from(arr));
    }
    return out;
  };
  world.plan = { spend: plan(saved.plan?.spend, 'spend'), intensity: plan(saved.plan?.intensity, 'intensity') };
  if (!Array.isArray(saved.pendingEdits) || !Array.isArray(saved.undo)) throw new CheckpointError('checkpoint lacks the queued edits or the undo history');
  world.pendingEdits = structuredClone(saved.pendingEdits);
  world.undo = structuredClone(saved.undo);
  if (!saved.state || typeof saved.state !== 'object') throw new CheckpointError('checkpoint lacks the world state');
  const fresh = Object.keys(world.state).sort().join(',');
  const kept = Object.keys(saved.state).sort().join(',');
  if (fresh !== kept) throw new CheckpointError(`checkpoint's world state has fields ${kept}; this world has ${fresh}`);
  world.state = freeze(saved.state, true);
  for (const name of STREAM_NAMES) if (!saved.streams?.[name]) throw new CheckpointError(`checkpoint lacks random stream "${name}"`);
  world.streams = createStreams(world.scenario.seed, saved.streams);
  world.events.length = 0;
}
