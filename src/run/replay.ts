/**
 * Replayed programme edits (urd run --replay): checked against the scenario before a run
 * starts, and kept in the run folder as replay.ndjson, so a run stopped before its first
 * checkpoint resumes with the same edits (the manifest holds the file's SHA-256).
 */
import { createHash } from 'node:crypto';
import { applyPatches, type Patch } from 'immer';
import { canonicalJson } from '../io/runFolder.ts';
import type { QueuedEdit } from '../policy/patches.ts';
import { interventionSchema, type Scenario } from '../scenario/schema.ts';

/** The file of a run folder that holds its replayed edits. */
export const REPLAY_FILE = 'replay.ndjson';

/** The edits as replay.ndjson text: one JSON object per edit, in the order they apply. */
export function replayText(edits: readonly QueuedEdit[]): string {
  return edits
    .map((e) => {
      if (!e.patches || e.recipe) throw new TypeError('only edits recorded as patches can be kept in a run folder');
      return JSON.stringify({ tick: e.tick, label: e.label ?? null, patches: e.patches });
    })
    .join('\n')
    .concat('\n');
}

/** SHA-256 (hex) of a replay text, as the manifest records it. */
export function replayHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads replay.ndjson text back into edits (throws on anything but what {@link replayText} writes). */
export function parseReplay(text: string): QueuedEdit[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const e = JSON.parse(l) as { tick: number; label: string | null; patches: Patch[] };
      return { tick: e.tick, patches: e.patches, label: e.label ?? undefined };
    });
}

/**
 * What is wrong with replaying `edits` on `scenario`, or null. Every edit must fall on a tick
 * of the run (1 to its last), may change only the programme (the interventions: never the
 * clock, the budget or the frontier), and must leave every intervention valid under the
 * scenario schema exactly as written (nothing the schema would drop or fill in), checked by
 * applying the edits in order to the scenario's programme.
 */
export function replayProblem(edits: readonly QueuedEdit[], scenario: Scenario): string | null {
  let state: { interventions: unknown[] } = { interventions: scenario.interventions.map((iv, i) => ({ ...iv, id: `s${i}` })) };
  const ordered = [...edits].sort((a, b) => a.tick - b.tick);
  for (const [n, edit] of ordered.entries()) {
    const where = `edit ${n + 1} (tick ${edit.tick})`;
    if (!Number.isInteger(edit.tick) || edit.tick < 1 || edit.tick > scenario.ticks) return `${where}: expected a tick from 1 to ${scenario.ticks} (the run's length)`;
    if (!Array.isArray(edit.patches)) return `${where}: expected a list of patches`;
    for (const p of edit.patches) {
      if (!p || !['add', 'replace', 'remove'].includes(p.op) || !Array.isArray(p.path) || p.path[0] !== 'interventions') {
        return `${where}: expected patches of the programme (op add, replace or remove at a path under interventions), got ${JSON.stringify(p)?.slice(0, 80)}`;
      }
    }
    try {
      state = applyPatches(state, edit.patches);
    } catch (err) {
      return `${where}: the patches do not apply to the programme at that point (${(err as Error).message})`;
    }
    if (!Array.isArray(state.interventions)) return `${where}: expected interventions to stay a list`;
    for (const [k, iv] of state.interventions.entries()) {
      const { id, ...spec } = (iv ?? {}) as Record<string, unknown>;
      const parsed = interventionSchema.safeParse(spec);
      if (typeof id !== 'string' || !parsed.success || canonicalJson(parsed.data) !== canonicalJson(spec)) {
        const why = parsed.success ? (typeof id !== 'string' ? 'it has no id' : 'the schema would change it') : `${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`;
        return `${where}: leaves intervention ${k} invalid (${why})`;
      }
    }
  }
  return null;
}
