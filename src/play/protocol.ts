import type { RunSummary } from '../metrics/summary.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ProgrammeChange } from './programme.ts';
import type { Frame } from './session.ts';

/** Messages from the page to its worker. */
export type ToWorker =
  /** Starts one world per scenario (two in the side-by-side view), replying with their tick-0 frames; `run` numbers the replies. */
  | { type: 'init'; run: number; scenarios: unknown[] }
  /**
   * Plays on by itself at `perSecond` ticks a second (null: as fast as it goes), or changes the
   * speed while playing; one `frames` message per tick, never more than a few ticks ahead of
   * the frames the page has confirmed with `received`.
   */
  | { type: 'play'; perSecond: number | null }
  /** Stops playing after the tick under way. */
  | { type: 'pause' }
  /** Runs one tick in every world (the step button, while paused). */
  | { type: 'step' }
  /** The page has taken in the frames of this tick (flow control: a busy page holds the worker back). */
  | { type: 'received'; tick: number }
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
