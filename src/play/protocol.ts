import type { RunSummary } from '../metrics/summary.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ProgrammeChange } from './programme.ts';
import type { Frame } from './session.ts';

/** Messages from the page to its worker. */
export type ToWorker =
  /** Starts one world per scenario (two in the side-by-side view), replying with their tick-0 frames; `run` numbers the replies. */
  | { type: 'init'; run: number; scenarios: unknown[] }
  /** Runs up to `ticks` ticks in every world; replies with one `frames` message per tick. */
  | { type: 'step'; ticks: number }
  /** A programme change for the next tick, in one world. */
  | { type: 'change'; world: number; change: ProgrammeChange }
  /** Drops the newest change not yet applied in these worlds. */
  | { type: 'cancel'; worlds: number[] }
  /** Asks for the first world's scenario as run, for "Save as scenario". */
  | { type: 'save' };

/** Messages from the worker to the page, each with the `run` of the init it belongs to (replies to a run the page has reset are dropped). */
export type FromWorker = { run: number } & (
  | { type: 'frames'; frames: Frame[]; done: boolean }
  | { type: 'changed'; world: number; tick: number }
  | { type: 'cancelled'; ok: boolean }
  | { type: 'scenario'; scenario: Scenario }
  | { type: 'summary'; summaries: RunSummary[] }
  | { type: 'error'; message: string }
);
