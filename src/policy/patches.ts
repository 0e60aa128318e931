import type { Draft, Patch } from 'immer';
import { applyPatches, enablePatches, produceWithPatches } from 'immer';
import type { World, WorldState } from '../engine/world.ts';
import { type InterventionSpec, interventionSchema } from '../scenario/schema.ts';

enablePatches();

/** A structural edit of the world-level state, waiting for the start of its tick: a recipe (the edit as code) or recorded patches (a replay). */
export type QueuedEdit = World['pendingEdits'][number];


/**
 * Queues an edit of the interventions (or any world-level state) for the start of a tick.
 * Edits never happen mid-tick: they are applied at one fixed point, before the levers are
 * planned, so every stage of a tick sees the same programme.
 */
export function queueEdit(world: World, edit: QueuedEdit): void {
  if (edit.tick <= world.state.tick) throw new RangeError(`edit for tick ${edit.tick} is in the past (now at tick ${world.state.tick})`);
  world.pendingEdits.push(edit);
  world.pendingEdits.sort((a, b) => a.tick - b.tick);
}

/** Convenience edits of the programme, as recipes. */
export const edits = {
  /** Adds an intervention (validated and defaulted by the scenario schema) under a new id. */
  add(spec: unknown, id: string): (draft: Draft<WorldState>) => void {
    const parsed = interventionSchema.parse(spec) as InterventionSpec;
    return (d) => void d.interventions.push({ ...parsed, id });
  },
  /** Changes fields of the intervention with this id; the result must pass the scenario schema's rules. */
  change(id: string, fields: Partial<InterventionSpec>): (draft: Draft<WorldState>) => void {
    return (d) => {
      const iv = d.interventions.find((x) => x.id === id);
      if (!iv) throw new RangeError(`no intervention with id ${id}`);
      const { id: keep, ...current } = iv;
      Object.assign(iv, interventionSchema.parse({ ...current, ...fields }), { id: keep });
    };
  },
  /** Removes the intervention with this id. */
  remove(id: string): (draft: Draft<WorldState>) => void {
    return (d) => {
      const k = d.interventions.findIndex((x) => x.id === id);
      if (k < 0) throw new RangeError(`no intervention with id ${id}`);
      d.interventions.splice(k, 1);
    };
  },
};

/**
 * Applies the edits due at the current tick, records each as a patch event (so a run replays
 * from its scenario plus its events), and keeps the inverse patches so a teacher can undo.
 */
export function applyDueEdits(world: World): void {
  while (world.pendingEdits.length > 0 && world.pendingEdits[0].tick <= world.state.tick) {
    const edit = world.pendingEdits.shift() as QueuedEdit;
    let patches: Patch[];
    let inverse: Patch[];
    if (edit.patches) {
      patches = edit.patches;
      const [, , inv] = produceWithPatches(world.state, (d) => applyPatches(d, edit.patches as Patch[]));
      inverse = inv;
      world.state = applyPatches(world.state, patches);
    } else if (edit.recipe) {
      const [next, forward, inv] = produceWithPatches(world.state, edit.recipe);
      world.state = next;
      patches = forward;
      inverse = inv;
    } else {
      continue;
    }
    world.undo.push(inverse);
    // Enough to replay the edit exactly from events.ndjson.
    world.events.push({ tick: world.state.tick, type: 'patch', label: edit.label ?? null, patches });
  }
}

/** Undoes the most recent applied edit (for teaching); returns false when there is none. */
export function undoLastEdit(world: World): boolean {
  const inverse = world.undo.pop();
  if (!inverse) return false;
  world.state = applyPatches(world.state, inverse);
  // It takes effect before the next tick, and is recorded for that tick so replays match.
  world.events.push({ tick: world.state.tick + 1, type: 'undo', patches: inverse });
  return true;
}

/** Reads the patch events of an events.ndjson text into edits that replay them at their ticks. */
export function replayEdits(eventsText: string): QueuedEdit[] {
  const out: QueuedEdit[] = [];
  for (const line of eventsText.split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { type: string; tick: number; label?: string | null; patches?: Patch[] };
    if ((e.type === 'patch' || e.type === 'undo') && e.patches) out.push({ tick: e.tick, patches: e.patches, label: e.label ?? undefined });
  }
  return out;
}
