import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, restoreWorld, saveWorld, type SavedWorld } from '../engine/checkpoint.ts';
import type { World } from '../engine/world.ts';
import { allocateWorld } from '../engine/world.ts';
import { CheckpointFileError, readCheckpointFile, writeCheckpointFile } from '../io/checkpointFile.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { readFolderJson, readFolderText } from '../io/outputFolder.ts';
import { parseReplay, REPLAY_FILE, replayHash, replayProblem, replayText } from './replay.ts';
import { CHECKPOINT_FILE, lockRunFolder, RUN_FILES, RunWriter, scenarioHash, shortStreamedFile, type StreamedLengths } from '../io/runFolder.ts';
import type { MetricRow } from '../metrics/reporters.ts';
import type { RunSummary, TrackerState } from '../metrics/summary.ts';
import { SummaryTracker } from '../metrics/summary.ts';
import { initializeWorld } from '../model/initialize.ts';
import { tick } from '../model/tick.ts';
import { queueEdit, type QueuedEdit } from '../policy/patches.ts';
import { InputError } from '../scenario/load.ts';
import { scenarioSchema, type Scenario } from '../scenario/schema.ts';
import { recordTick, spendingByLever } from './record.ts';

/** Options of {@link runScenario}. */
export interface RunOptions {
  /** Run folder to write; when absent the run keeps nothing but its summary. */
  dir?: string;
  /** Called after each tick (tick 0 is the initial state), e.g. for a progress bar. */
  onTick?: (tick: number, ticks: number) => void;
  /** Programme edits to apply at the start of their ticks, e.g. recorded patches replayed from an events.ndjson. */
  edits?: readonly QueuedEdit[];
  /** Called with each tick's metrics rows (the rows metrics.csv gets), for callers that keep series without a folder. */
  onRows?: (rows: readonly MetricRow[]) => void;
}

/** Result of a run: its summary, and the folder written (if any). */
export interface RunResult {
  summary: RunSummary;
  dir: string | null;
}

/** What a checkpoint file holds besides the world: enough to continue a run folder exactly. */
interface RunCheckpoint {
  /** Hash of the resolved scenario the checkpoint belongs to (must match the manifest's). */
  scenarioHash: string;
  tick: number;
  world: SavedWorld;
  tracker: TrackerState;
  /** Lengths of the streamed files right after this tick was written. */
  files: StreamedLengths;
}

/**
 * One run in progress: the world, the summary tracker and (with a folder) the writer. The sync
 * and the resumable runners below both drive this, so there is one tick loop body.
 */
class RunSession {
  private constructor(
    readonly scenario: Scenario,
    readonly world: World,
    readonly tracker: SummaryTracker,
    readonly writer: RunWriter | null,
    private readonly onTick: RunOptions['onTick'],
    private readonly onRows?: RunOptions['onRows'],
  ) {}

  /** A fresh run: a new world, its tick-0 state recorded. */
  static start(scenario: Scenario, options: RunOptions, afterWriter?: (writer: RunWriter) => void): RunSession {
    const writer = options.dir ? new RunWriter(options.dir, scenario) : null;
    try {
      if (writer) afterWriter?.(writer);
      const world = initializeWorld(scenario, scenario.seed);
      for (const edit of options.edits ?? []) queueEdit(world, edit);
      const session = new RunSession(scenario, world, new SummaryTracker(), writer, options.onTick, options.onRows);
      session.record();
      return session;
    } catch (err) {
      writer?.abandon();
      throw err;
    }
  }

  /** A run continued from a checkpoint of a run folder: the world and tracker as saved, the streamed files cut back to the saved lengths. */
  static resume(scenario: Scenario, dir: string, saved: RunCheckpoint, onTick: RunOptions['onTick'], manifestExtra: Record<string, unknown>): RunSession {
    const files = saved.files as Partial<StreamedLengths> | undefined;
    if (!Number.isInteger(saved.tick) || !saved.tracker || !(saved.tracker.dpd instanceof Float64Array) || !Number.isInteger(files?.metrics) || !Number.isInteger(files?.events) || typeof files?.metricsSha256 !== 'string' || typeof files?.eventsSha256 !== 'string') {
      throw new CheckpointError('the checkpoint lacks the run position, the summary state or the file lengths and hashes');
    }
    const world = allocateWorld(scenario, scenario.seed);
    restoreWorld(world, saved.world);
    if (world.state.tick !== saved.tick) throw new CheckpointError(`checkpoint says tick ${saved.tick} but holds the state of tick ${world.state.tick}`);
    const short = shortStreamedFile(dir, saved.files);
    if (short) throw new CheckpointError(short);
    const writer = new RunWriter(dir, scenario, saved.files);
    writer.manifestExtra = manifestExtra;
    return new RunSession(scenario, world, SummaryTracker.restore(saved.tracker), writer, onTick);
  }

  /** The tick the world is at (0 before the first). */
  get tick(): number {
    return this.world.state.tick;
  }

  /** Whether the scenario's last tick has been run. */
  get done(): boolean {
    return this.world.state.tick >= this.scenario.ticks;
  }

  /** Reports the current tick: metrics rows and events to the tracker and the folder; drains events. */
  private record(): void {
    const world = this.world;
    const rows = recordTick(world, this.tracker);
    this.writer?.writeRows(rows);
    this.onRows?.(rows);
    this.writer?.writeEvents(world.events);
    world.events.length = 0;
    this.onTick?.(world.state.tick, this.scenario.ticks);
  }

  /** Advances one tick and records it. */
  step(): void {
    tick(this.world);
    this.record();
  }

  /** Writes a checkpoint of the state after the current tick (atomically, replacing the previous one). */
  checkpoint(): void {
    if (!this.writer) throw new Error('checkpoints need a run folder');
    const saved: RunCheckpoint = {
      scenarioHash: scenarioHash(this.scenario),
      tick: this.tick,
      world: saveWorld(this.world),
      tracker: this.tracker.serialize(),
      files: this.writer.sync(),
    };
    writeCheckpointFile(join(this.writer.dir, CHECKPOINT_FILE), saved);
  }

  /** Builds the summary and completes the folder. */
  finish(): RunResult {
    const summary = this.tracker.finish(this.world, spendingByLever(this.world));
    this.writer?.finish(summary);
    return { summary, dir: this.writer?.dir ?? null };
  }
}

/**
 * Runs a resolved scenario (its seed and ticks as given) and returns its summary. With `dir`,
 * metrics rows and events stream into the run folder as the run goes (never held in memory)
 * and the folder is completed atomically at the end; on any error its partial files are removed.
 * Synchronous and without checkpoints: for libraries and experiments; see
 * {@link runScenarioResumable} for runs that can stop and continue.
 */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const session = RunSession.start(scenario, options);
  try {
    while (!session.done) session.step();
    return session.finish();
  } catch (err) {
    session.writer?.abandon();
    throw err;
  }
}

/** Options of {@link runScenarioResumable} and {@link resumeRun}. */
export interface ResumableOptions {
  /** Called after each tick (tick 0 is the initial state), e.g. for a progress bar. */
  onTick?: (tick: number, ticks: number) => void;
  /** Write a checkpoint every this many ticks (0 or absent: only when stopped). */
  checkpointEvery?: number;
  /** Asked after every tick; when it returns true the run checkpoints and stops (e.g. set by SIGINT). */
  shouldStop?: () => boolean;
  /** Called after each checkpoint is written, with its tick. */
  onCheckpoint?: (tick: number) => void;
  /** Programme edits for a fresh run (a resumed run has its pending edits in the checkpoint). */
  edits?: readonly QueuedEdit[];
}

/** How a resumable run ended. */
export type ResumableResult =
  | { status: 'complete'; summary: RunSummary; dir: string; resumedFrom: number | null }
  | { status: 'stopped'; tick: number; dir: string; resumedFrom: number | null };

/** Lets pending signals and I/O callbacks run: the loop yields here between ticks, never inside one. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drive(session: RunSession, options: ResumableOptions, resumedFrom: number | null, unlock: () => void): Promise<ResumableResult> {
  const writer = session.writer as RunWriter;
  const every = options.checkpointEvery ?? 0;
  let saved = resumedFrom;
  try {
    for (;;) {
      await yieldToEventLoop();
      if (options.shouldStop?.()) {
        if (saved !== session.tick) {
          session.checkpoint();
          options.onCheckpoint?.(session.tick);
        }
        writer.close();
        return { status: 'stopped', tick: session.tick, dir: writer.dir, resumedFrom };
      }
      if (session.done) break;
      session.step();
      if (every > 0 && session.tick % every === 0 && !session.done) {
        session.checkpoint();
        saved = session.tick;
        options.onCheckpoint?.(session.tick);
      }
    }
    const { summary } = session.finish();
    return { status: 'complete', summary, dir: writer.dir, resumedFrom };
  } catch (err) {
    // Keep the folder as it is: marked incomplete, its last checkpoint and partial files intact.
    writer.close();
    throw err;
  } finally {
    unlock();
  }
}

/**
 * Runs a scenario into a run folder that survives interruption: manifest.json is written first
 * (complete: false), a checkpoint every `checkpointEvery` ticks, and the loop yields to the
 * event loop between ticks so signal handlers run. When `shouldStop` turns true the run
 * checkpoints the tick it finished and returns `stopped`; {@link resumeRun} continues it to
 * the very bytes an uninterrupted run writes. On an error the folder is kept (incomplete,
 * resumable from its last checkpoint), not deleted.
 */
export async function runScenarioResumable(scenario: Scenario, dir: string, options: ResumableOptions = {}): Promise<ResumableResult> {
  return startLocked(scenario, dir, options, lockRunFolder(dir));
}

function startLocked(scenario: Scenario, dir: string, options: ResumableOptions, unlock: () => void): Promise<ResumableResult> {
  let session: RunSession;
  try {
    session = RunSession.start(scenario, { dir, onTick: options.onTick, edits: options.edits }, (writer) => {
      // Replayed edits are kept beside the run from the start: a resume before the first checkpoint needs them.
      if (options.edits && options.edits.length > 0) {
        const text = replayText(options.edits);
        writeFileAtomic(join(dir, REPLAY_FILE), text);
        writer.manifestExtra = { replay: { file: REPLAY_FILE, sha256: replayHash(text) } };
      }
      writer.markIncomplete();
    });
  } catch (err) {
    unlock();
    throw err;
  }
  return drive(session, options, null, unlock);
}

function readManifest(dir: string): { complete: boolean; scenario: Scenario; replay: string | null } {
  const path = join(dir, RUN_FILES.manifest);
  if (!existsSync(dir)) throw new InputError(dir, null, null, 'run folder not found');
  if (!existsSync(path)) throw new InputError(dir, null, null, 'not a run folder that can be resumed (no manifest.json: the run never started writing)');
  const manifest = readFolderJson(path, 'manifest.json') as { complete?: unknown; scenario?: unknown; scenarioHash?: unknown } | null;
  if (!manifest || typeof manifest !== 'object') throw new InputError(path, null, null, 'expected the JSON object of an urd manifest');
  const parsed = scenarioSchema.safeParse(manifest?.scenario);
  if (!parsed.success) throw new InputError(path, 'scenario', null, "does not match this version of urd's scenario schema; rerun the scenario from its file");
  if (scenarioHash(parsed.data) !== manifest.scenarioHash) {
    throw new InputError(path, 'scenarioHash', null, "does not match the scenario (edited by hand, or written by a version of urd with other defaults); rerun the scenario from its file");
  }
  const replay = (manifest as { replay?: { file?: unknown; sha256?: unknown } }).replay;
  if (replay !== undefined && (replay?.file !== REPLAY_FILE || typeof replay.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(replay.sha256))) {
    throw new InputError(path, 'replay', null, `expected { file: "${REPLAY_FILE}", sha256 } as urd writes it (edited by hand?)`);
  }
  return { complete: manifest.complete === true, scenario: parsed.data, replay: replay ? (replay.sha256 as string) : null };
}

/** The edits a run folder replays (its replay.ndjson, checked against the manifest's hash and the scenario). */
function readRecordedReplay(dir: string, sha256: string, scenario: Scenario): QueuedEdit[] {
  const path = join(dir, REPLAY_FILE);
  const text = readFolderText(path);
  if (replayHash(text) !== sha256) throw new InputError(path, null, null, 'does not match the hash in manifest.json (edited by hand?); rerun the scenario with --replay from its events');
  let edits: QueuedEdit[];
  try {
    edits = parseReplay(text);
  } catch {
    throw new InputError(path, null, null, 'not the JSON lines urd writes');
  }
  const problem = replayProblem(edits, scenario);
  if (problem) throw new InputError(path, null, null, problem);
  return edits;
}

function readRunCheckpoint(dir: string, scenario: Scenario): RunCheckpoint | null {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return null;
  let saved: RunCheckpoint;
  try {
    saved = readCheckpointFile(path) as RunCheckpoint;
  } catch (err) {
    if (err instanceof CheckpointFileError) throw new InputError(path, null, null, `${err.message.replace(path + ' ', '')}; delete it to rerun from tick 0`);
    throw err;
  }
  if (saved?.scenarioHash !== scenarioHash(scenario)) throw new InputError(path, null, null, 'belongs to another scenario than manifest.json; delete it to rerun from tick 0');
  return saved;
}

/** What is known of a run folder before resuming it. */
export interface RunFolderState {
  scenario: Scenario;
  complete: boolean;
  /** Whether it has a checkpoint (without one, a resume restarts from tick 0). */
  hasCheckpoint: boolean;
}

/** Reads a run folder's manifest (cheaply: the checkpoint is not read); throws InputError when it is not a run folder. */
export function inspectRunFolder(dir: string): RunFolderState {
  const { complete, scenario } = readManifest(dir);
  return { scenario, complete, hasCheckpoint: existsSync(join(dir, CHECKPOINT_FILE)) };
}

/**
 * Continues an unfinished run folder from its checkpoint (or from tick 0 when it has none):
 * the scenario and seed come from its manifest, the world, random streams, world state and
 * summary tracker from the checkpoint, and the streamed files are cut back to the lengths the
 * checkpoint recorded. The finished folder is byte-identical to an uninterrupted run's.
 * Throws InputError when the folder cannot be resumed (not a run folder, already complete,
 * damaged or foreign checkpoint).
 */
export async function resumeRun(dir: string, options: ResumableOptions = {}): Promise<ResumableResult> {
  readManifest(dir); // a clear error for a folder that is not a run folder, before taking it
  const unlock = lockRunFolder(dir);
  let session: RunSession;
  let saved: RunCheckpoint | null;
  try {
    const { complete, scenario, replay } = readManifest(dir);
    if (complete) throw new InputError(dir, null, null, 'the run is already complete; nothing to resume');
    saved = readRunCheckpoint(dir, scenario);
    // Without a checkpoint the run restarts from tick 0, with the edits it was started with.
    if (!saved) return startLocked(scenario, dir, { ...options, edits: replay ? readRecordedReplay(dir, replay, scenario) : undefined }, unlock);
    session = RunSession.resume(scenario, dir, saved, options.onTick, replay ? { replay: { file: REPLAY_FILE, sha256: replay } } : {});
  } catch (err) {
    unlock();
    if (err instanceof CheckpointError) throw new InputError(dir, null, null, `cannot resume: ${err.message}; delete ${CHECKPOINT_FILE} to rerun from tick 0`);
    throw err;
  }
  return drive(session, options, saved.tick, unlock);
}
