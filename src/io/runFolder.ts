import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimEvent } from '../engine/world.ts';
import type { MetricRow } from '../metrics/reporters.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { Scenario } from '../scenario/schema.ts';
import { AtomicFile, describe, ensureDir, hashPrefix, OutputError, PARTIAL_SUFFIX, removeQuietly, writeExclusive, writeFileAtomic } from './atomic.ts';
import { removeCheckpointFile } from './checkpointFile.ts';
import { csvLine } from './csv.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** urd's version, from package.json. */
export const URD_VERSION: string = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version;

/** The git commit of the checkout urd runs from, or null when it is not a git checkout. */
export function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

/** Canonical JSON: keys sorted at every level, so equal scenarios hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** sha256 of a resolved scenario's canonical JSON. */
export function scenarioHash(scenario: Scenario): string {
  return createHash('sha256').update(canonicalJson(scenario)).digest('hex');
}

/** Default run folder: outputs/<scenario>/seed-<seed>-<first 8 hex of the scenario hash>. Deterministic, no clock. */
export function defaultRunDir(scenario: Scenario, root = 'outputs'): string {
  return join(root, scenario.name, `seed-${scenario.seed}-${scenarioHash(scenario).slice(0, 8)}`);
}

/** The files of a run folder. */
export const RUN_FILES = {
  manifest: 'manifest.json',
  metrics: 'metrics.csv',
  events: 'events.ndjson',
  summary: 'summary.json',
} as const;

/**
 * The checkpoint of an unfinished run folder. Not one of {@link RUN_FILES}: it exists only
 * while a run is unfinished and is removed once the manifest says complete.
 */
export const CHECKPOINT_FILE = 'checkpoint.bin';

/** Files of an earlier run that a fresh run into the same folder removes (the report is rebuilt from the new run). */
const STALE_FILES = ['report.html', 'charts', 'replay.ndjson'];

/** Lock file of a run folder being written by a resumable run; removed when the run ends, however it ends (except SIGKILL). */
export const LOCK_FILE = '.urd.lock';

/** Raised when another live process holds a run folder's lock. */
export class RunFolderBusy extends OutputError {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `path` with `content` only if it does not exist: by a hard link to `tmp`, or, where the file system has no hard links (FAT, some network mounts), by an exclusive create. */
function linkOrCreate(tmp: string, path: string, content: string): void {
  try {
    linkSync(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
    writeFileSync(path, content, { flag: 'wx' });
  }
}

/**
 * Takes a run folder for this process, so two runs (say a run and a --resume of it started by
 * mistake) never write one folder at once. A lock left by a process that no longer exists on
 * this machine (killed with SIGKILL) is taken over. Returns the function that releases it;
 * throws an OutputError when another live process holds the folder.
 */
export function lockRunFolder(dir: string): () => void {
  ensureDir(dir);
  const path = join(dir, LOCK_FILE);
  const me = `${process.pid} ${hostname()}\n`;
  // The lock appears with its content in one step (a link to a finished temporary file), so a
  // lock file is never seen empty, even when its writer is killed while taking it.
  const tmp = `${path}.${process.pid}`;
  try {
    try {
      writeExclusive(tmp, me);
    } catch (err) {
      throw describe(err, tmp);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkOrCreate(tmp, path, me);
        // Temporary lock files of runs killed while taking the lock would otherwise stay forever.
        for (const f of readdirSync(dir)) if (f.startsWith(`${LOCK_FILE}.`)) rmSync(join(dir, f), { force: true });
        return () => {
          try {
            if (readFileSync(path, 'utf8') === me) rmSync(path, { force: true });
          } catch {
            // already gone
          }
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw describe(err, path);
      }
      let owner = '';
      try {
        owner = readFileSync(path, 'utf8');
      } catch {
        continue; // released meanwhile
      }
      const [pid, host] = owner.trim().split(' ');
      if (host === hostname() && /^\d+$/.test(pid) && !alive(Number(pid))) {
        rmSync(path, { force: true });
        continue;
      }
      throw new RunFolderBusy(
        `cannot write ${dir}: it is in use by urd process ${pid || '?'}${host && host !== hostname() ? ` on ${host}` : ''}; wait for it to end (or, if it is gone, delete ${path})`,
      );
    }
    throw new OutputError(`cannot write ${dir}: could not take its lock ${path}`);
  } finally {
    // Not ours to remove when a folder is in the way: the error above already says so.
    removeQuietly(tmp);
  }
}

/**
 * Byte lengths and SHA-256 of the streamed files at one moment: the point a resumed run cuts
 * them back to, and what their first bytes must still be.
 */
export interface StreamedLengths {
  metrics: number;
  events: number;
  metricsSha256: string;
  eventsSha256: string;
}

/**
 * Checks that a run folder still holds the first bytes of each streamed file exactly as the
 * checkpoint recorded them (under the partial name, or the final name when a run was killed
 * while finishing): at least as many bytes, and the same SHA-256 of them, so edited or foreign
 * content is never continued into a folder marked complete. Returns what is wrong, or null.
 */
export function shortStreamedFile(dir: string, lengths: StreamedLengths): string | null {
  for (const key of ['metrics', 'events'] as const) {
    const path = join(dir, RUN_FILES[key]);
    const found = [path + PARTIAL_SUFFIX, path].find((p) => existsSync(p));
    if (!found) return `${RUN_FILES[key]}${PARTIAL_SUFFIX} is missing`;
    const size = statSync(found).size;
    if (size < lengths[key]) return `${found} has ${size} bytes, fewer than the ${lengths[key]} the checkpoint recorded`;
    const hash = hashPrefix(found, lengths[key]);
    if (hash?.digest('hex') !== lengths[`${key}Sha256`]) return `the first ${lengths[key]} bytes of ${found} are not what the run wrote (edited, or from another run)`;
  }
  return null;
}

/** The running hash of a streamed partial file's first `length` bytes, to continue it. */
function resumedHash(path: string, length: number) {
  try {
    const hash = hashPrefix(path + PARTIAL_SUFFIX, length);
    if (hash) return hash;
  } catch (err) {
    throw describe(err, path + PARTIAL_SUFFIX);
  }
  throw new OutputError(`cannot resume ${path + PARTIAL_SUFFIX}: it has fewer than the ${length} bytes already written`);
}

/**
 * Writes one run folder. metrics.csv and events.ndjson stream to disk tick by tick under
 * partial names; summary.json and manifest.json are written last; `finish` renames everything
 * into place, the manifest last, so a folder whose manifest says complete is complete.
 *
 * A new writer clears the folder's previous outputs (and any checkpoint). With `resumeAt`, it
 * instead continues an unfinished folder: the streamed files are cut back to those lengths (the
 * lengths a checkpoint recorded) and appended to.
 */
export class RunWriter {
  private readonly metrics: AtomicFile;
  private readonly events: AtomicFile;
  /** Fields every manifest of this folder carries besides the standard ones (e.g. the replayed edits' hash). */
  manifestExtra: Record<string, unknown> = {};
  /** Set once `finish` starts renaming files into place. */
  private finishing = false;

  constructor(
    readonly dir: string,
    private readonly scenario: Scenario,
    resumeAt?: StreamedLengths,
  ) {
    ensureDir(dir);
    const metricsPath = join(dir, RUN_FILES.metrics);
    const eventsPath = join(dir, RUN_FILES.events);
    if (resumeAt) {
      for (const f of [RUN_FILES.summary, RUN_FILES.summary + PARTIAL_SUFFIX, RUN_FILES.manifest + PARTIAL_SUFFIX]) rmSync(join(dir, f), { force: true });
      // A run killed while finishing may have renamed a streamed file already: take it back.
      for (const path of [metricsPath, eventsPath]) {
        try {
          if (!existsSync(path + PARTIAL_SUFFIX) && existsSync(path)) renameSync(path, path + PARTIAL_SUFFIX);
        } catch (err) {
          throw describe(err, path + PARTIAL_SUFFIX);
        }
      }
      this.metrics = new AtomicFile(metricsPath, undefined, resumeAt.metrics, resumedHash(metricsPath, resumeAt.metrics));
      this.events = new AtomicFile(eventsPath, undefined, resumeAt.events, resumedHash(eventsPath, resumeAt.events));
      return;
    }
    // Whatever an earlier, unfinished writer left goes, so no stale file sits beside the new run.
    for (const f of [...Object.values(RUN_FILES), ...STALE_FILES]) rmSync(join(dir, f), { recursive: true, force: true });
    removeCheckpointFile(join(dir, CHECKPOINT_FILE));
    this.metrics = new AtomicFile(metricsPath);
    this.events = new AtomicFile(eventsPath);
    this.metrics.write('tick,scope,metric,value\n');
  }

  /** Appends one tick's metric rows. */
  writeRows(rows: readonly MetricRow[]): void {
    for (const r of rows) this.metrics.write(csvLine([r.tick, r.scope, r.metric, r.value]));
  }

  /** Appends events, one JSON object per line. */
  writeEvents(events: readonly SimEvent[]): void {
    for (const e of events) this.events.write(JSON.stringify(e) + '\n');
  }

  /** Flushes streamed files to their partial names. */
  flush(): void {
    this.metrics.flush();
    this.events.flush();
  }

  /** Flushes and fsyncs the streamed files and returns their lengths: what a checkpoint records. */
  sync(): StreamedLengths {
    return { metrics: this.metrics.sync(), events: this.events.sync(), metricsSha256: this.metrics.sha256(), eventsSha256: this.events.sha256() };
  }

  /** Writes manifest.json marked incomplete (complete: false): the folder is a run in progress or a stopped one. */
  markIncomplete(extra: Record<string, unknown> = {}): void {
    writeFileAtomic(join(this.dir, RUN_FILES.manifest), JSON.stringify(this.manifest(false, { ...this.manifestExtra, ...extra }), null, 2) + '\n');
  }

  /** Writes summary and manifest, renames everything into place, then drops the checkpoint. */
  finish(summary: RunSummary, extra: Record<string, unknown> = {}): void {
    this.finishing = true;
    this.metrics.commit();
    this.events.commit();
    writeFileAtomic(join(this.dir, RUN_FILES.summary), JSON.stringify(summary, null, 2) + '\n');
    writeFileAtomic(join(this.dir, RUN_FILES.manifest), JSON.stringify(this.manifest(true, { ...this.manifestExtra, ...extra }), null, 2) + '\n');
    removeCheckpointFile(join(this.dir, CHECKPOINT_FILE));
  }

  /** Deletes partial files after a failure, and the files `finish` had already renamed into place (no half-made folder). */
  abandon(): void {
    this.metrics.abandon();
    this.events.abandon();
    if (this.finishing) for (const f of [RUN_FILES.metrics, RUN_FILES.events, RUN_FILES.summary]) rmSync(join(this.dir, f), { force: true });
  }

  /** Closes the streamed files and keeps them, for a stopped run that can be resumed. */
  close(): void {
    this.metrics.close();
    this.events.close();
  }

  /** The manifest: resolved scenario, seed, versions and hash. */
  manifest(complete: boolean, extra: Record<string, unknown>): Record<string, unknown> {
    return {
      complete,
      urd: URD_VERSION,
      git: gitCommit(),
      node: process.version,
      seed: this.scenario.seed,
      scenarioHash: scenarioHash(this.scenario),
      files: Object.values(RUN_FILES),
      ...extra,
      scenario: this.scenario,
    };
  }
}
