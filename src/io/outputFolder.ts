/**
 * Preparing an output folder so that no user file is ever lost: a folder is written only when
 * it is new, empty, or an urd folder of the same kind; a complete result is replaced only when
 * asked (--force), and then by a swap once the new result is complete; links are refused.
 * run, compare, demo, sweep and merge all come through here.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../scenario/load.ts';
import { describe, ensureDir, fsyncDir, OutputError, PARTIAL_SUFFIX, writeShared } from './atomic.ts';
import { LOCK_FILE } from './runFolder.ts';
import { ReadRefused, readRegularFile } from './readFile.ts';
import { safeText } from './text.ts';

/** The kinds of output folder; a folder is only ever reused by a command of its own kind. */
export type OutputKind = 'run' | 'comparison' | 'sweep';

/** Marks a folder urd is building beside the one it will replace (staged results). */
export const STAGING_MARK = '.urd-staging';
/** Suffix of a staged folder: `DIR.urd-new` becomes DIR once it is complete. */
export const STAGING_SUFFIX = '.urd-new';
const OLD_SUFFIX = '.urd-old';
/** Replaces the staging mark once the staged result is complete and its swap has begun. */
const READY_MARK = '.urd-ready';

/** Largest manifest or small JSON read back from an output folder. */
export const MAX_META_BYTES = 64 << 20;

/** Files urd writes in a run folder besides the streamed ones, and what `urd report` and `urd export` derive from any folder. */
const REPORT_NAMES = new Set(['report.html', 'charts', 'export.parquet', 'export.csv']);
const RUN_NAMES = new Set(['manifest.json', 'metrics.csv', 'events.ndjson', 'summary.json', 'checkpoint.bin', 'checkpoint.bin.tmp', 'replay.ndjson', '.urd.lock', STAGING_MARK]);
const COMPARISON_NAMES = new Set(['compare.csv', 'compare-runs.csv', 'compare.json', 'reading.txt', STAGING_MARK]);

/** Refuses an --out that is empty, the file-system root or the working folder (or one of its parents): urd would scatter files among the user's. */
export function checkOutPath(dir: string, option = '--out'): void {
  if (dir.trim() === '') throw new InputError('urd', option, null, 'expected a folder path, got an empty string');
  const abs = resolve(dir);
  let real = abs;
  try {
    real = realpathSync(abs);
  } catch {
    // Does not exist yet: nothing of the user's is in it.
  }
  const cwd = process.cwd();
  if (real === '/' || abs === '/') throw new InputError('urd', option, null, `${safeText(dir)} is the root of the file system; expected a new folder of its own, e.g. --out outputs/mine`);
  if (real === cwd || cwd.startsWith(real + '/')) {
    throw new InputError('urd', option, null, `${safeText(dir)} is the working folder (or holds it); expected a new folder of its own, e.g. --out outputs/mine`);
  }
}

/** A file or folder in `dir` that is a symbolic link (followed into subfolders up to `depth`), or null. */
export function findLink(dir: string, depth = 2): string | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of names) {
    const path = join(dir, name);
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isSymbolicLink()) return path;
    if (st.isDirectory() && depth > 0) {
      const inner = findLink(path, depth - 1);
      if (inner) return inner;
    }
  }
  return null;
}

/** Refuses a folder holding symbolic links: urd never writes through a link planted in its output. */
export function refuseLinks(dir: string, depth = 2): void {
  const link = findLink(dir, depth);
  if (link) throw new InputError(safeText(link), null, null, 'is a symbolic link; urd never writes through links in an output folder: remove it or choose another --out');
}

/** Reads a small text file of an output folder (a regular file, size-capped); throws InputError naming the file. */
export function readFolderText(path: string): string {
  try {
    return readRegularFile(path, MAX_META_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof ReadRefused) throw new InputError(safeText(path), null, null, err.reason);
    throw err;
  }
}

/** Reads a small JSON file of an output folder (a regular file, size-capped); throws InputError naming the file. */
export function readFolderJson(path: string, what: string): unknown {
  const text = readFolderText(path);
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(safeText(path), null, null, `not valid JSON; expected the ${what} urd writes`);
  }
}

function baseName(name: string): string {
  return name.endsWith(PARTIAL_SUFFIX) ? name.slice(0, -PARTIAL_SUFFIX.length) : name;
}

function isOurs(kind: OutputKind, name: string, dir: string): boolean {
  // urd writes regular files and folders only: a FIFO, device or socket is never its own.
  const st = lstatSync(join(dir, name));
  if (!st.isFile() && !st.isDirectory()) return false;
  const base = baseName(name);
  if (REPORT_NAMES.has(base) || base.startsWith('.urd.lock')) return true;
  if (kind === 'run') return RUN_NAMES.has(base);
  // A comparison's run folders: <scenario>/seed-N, folders only.
  return COMPARISON_NAMES.has(base) || st.isDirectory();
}

/** What is in a folder that urd may reuse or replace. */
interface FolderState {
  /** Holds a complete result of this kind. */
  complete: boolean;
  /** A run folder that can be resumed (incomplete, with a checkpoint). */
  resumable: boolean;
}

function inspect(dir: string, kind: OutputKind): FolderState {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    throw describe(err, dir);
  }
  if (!st) return { complete: false, resumable: false };
  if (!st.isDirectory()) throw new OutputError(`cannot write ${safeText(dir)}: a file stands where a folder is needed`);
  const names = readdirSync(dir);
  if (names.length === 0) return { complete: false, resumable: false };
  refuseLinks(dir);
  const foreign = names.filter((n) => !isOurs(kind, n, dir));
  const hint = 'urd never deletes files it did not write: choose a new or empty folder with --out';
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).map((n) => safeText(n, 40)).join(', ');
    throw new InputError(safeText(dir), null, null, `is not an urd ${kind} folder: it holds ${shown}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''}; ${hint}`);
  }
  if (kind === 'comparison') {
    const complete = names.includes('compare-runs.csv');
    // A folder of run folders without compare-runs.csv is not something urd leaves (comparisons are staged).
    if (!complete && names.some((n) => !n.endsWith(PARTIAL_SUFFIX) && !n.startsWith('.urd'))) {
      throw new InputError(safeText(dir), null, null, `holds folders but no compare-runs.csv, so it is not a comparison urd finished; ${hint}`);
    }
    return { complete, resumable: false };
  }
  if (!names.includes('manifest.json')) {
    // Only the leftovers of a run killed before its manifest: partial files and locks.
    if (names.every((n) => n.endsWith(PARTIAL_SUFFIX) || n.startsWith('.urd'))) return { complete: false, resumable: false };
    throw new InputError(safeText(dir), null, null, `holds ${names.filter((n) => !n.endsWith(PARTIAL_SUFFIX)).slice(0, 3).join(', ')} but no manifest.json, so it is not an urd run folder; ${hint}`);
  }
  const manifest = readFolderJson(join(dir, 'manifest.json'), 'manifest.json') as { complete?: unknown; scenarioHash?: unknown } | null;
  if (!manifest || typeof manifest !== 'object' || typeof manifest.scenarioHash !== 'string' || typeof manifest.complete !== 'boolean') {
    throw new InputError(safeText(join(dir, 'manifest.json')), null, null, `is not the manifest of an urd run; ${hint}`);
  }
  return { complete: manifest.complete, resumable: !manifest.complete && names.includes('checkpoint.bin') };
}

/** Where a command writes, and how the result reaches the folder asked for. */
export interface OutputTarget {
  /** The folder asked for. */
  dir: string;
  /** Where to write now: `dir` itself, or a staging folder beside it. */
  writeTo: string;
  /** Whether `writeTo` is a staging folder that {@link commitStaged} moves into place. */
  staged: boolean;
}

/** The staging folder of `dir`. */
export function stagingDir(dir: string): string {
  return join(dirname(dir), basename(dir) + STAGING_SUFFIX);
}

/** Where a swap sets `dir`'s old result aside (beside it, whatever trailing slash `dir` was given with). */
function oldDir(dir: string): string {
  return join(dirname(dir), basename(dir) + OLD_SUFFIX);
}

function makeStaging(dir: string): string {
  const staging = stagingDir(dir);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(staging, { throwIfNoEntry: false });
  } catch (err) {
    // A name that fits but is too long once .urd-new is added.
    throw describe(err, staging);
  }
  if (st) {
    // A staging folder left by a killed command is urd's own (it carries the mark). It is removed
    // unless it holds work worth keeping: a stopped run with a checkpoint, or a complete result
    // whose swap into place was interrupted.
    if (!st.isDirectory() || !existsSync(join(staging, STAGING_MARK))) {
      throw new InputError(safeText(staging), null, null, `is in the way of the new result for ${safeText(dir)} and was not made by urd; move it away`);
    }
    const keep = ['checkpoint.bin', 'compare-runs.csv'].some((f) => existsSync(join(staging, f))) || (existsSync(join(staging, 'manifest.json')) && existsSync(join(staging, 'summary.json')));
    if (keep) {
      throw new InputError(
        safeText(staging),
        null,
        null,
        `holds a replacement of ${safeText(dir)} that was stopped or not yet swapped in; finish it with urd run --resume ${safeText(staging)}, or delete it to start over`,
      );
    }
    rmSync(staging, { recursive: true, force: true });
  }
  try {
    ensureDir(dirname(staging));
    mkdirSync(staging);
    writeFileSync(join(staging, STAGING_MARK), `${basename(dir)}\n`, { flag: 'wx' });
  } catch (err) {
    if (err instanceof OutputError) throw err;
    throw describe(err, staging);
  }
  return staging;
}

/**
 * Decides where a command of `kind` writes its result for `dir`. A new or empty folder (or the
 * leftovers of a killed writer) is written in place; for comparisons, always through a staging
 * folder, so a killed comparison never leaves half a result. A folder holding anything urd did
 * not write, or links, is refused. A complete result is refused unless `force`; with it, the new
 * result is staged beside the old one and swapped in only once complete. A run folder with a
 * checkpoint is refused with the way to resume it.
 */
export function prepareOutput(dir: string, kind: 'run' | 'comparison', force = false): OutputTarget {
  checkOutPath(dir);
  settleSwap(dir);
  const state = inspect(dir, kind);
  if (state.resumable) {
    throw new InputError(safeText(dir), null, null, `holds an unfinished run with a checkpoint; continue it with urd run --resume ${safeText(dir)}, or delete the folder to start over`);
  }
  if (state.complete && !force) {
    throw new InputError(
      safeText(dir),
      null,
      null,
      `holds a complete ${kind}; choose another --out, or add --force to replace it (the old result is kept until the new one is complete)`,
    );
  }
  if (kind === 'comparison' || state.complete) return { dir, writeTo: makeStaging(dir), staged: true };
  return { dir, writeTo: dir, staged: false };
}

/** Removes a folder urd made for a result that never got going (nothing in it but the staging mark), so a failed start leaves no empty folder. */
export function discardUnstarted(dir: string): void {
  try {
    if (readdirSync(dir).every((n) => n === STAGING_MARK)) rmSync(dir, { recursive: true, force: true });
  } catch {
    // Already gone, or not ours to read: nothing to tidy.
  }
}

/** Removes a staging folder urd made (it holds no result anyone has: the result it was building is abandoned). */
export function discardStaging(target: OutputTarget): void {
  if (target.staged && isStaging(target.writeTo)) rmSync(target.writeTo, { recursive: true, force: true });
}

/** Whether a folder is a staging folder urd made (a run stopped while replacing a result). */
export function isStaging(dir: string): boolean {
  return dir.endsWith(STAGING_SUFFIX) && existsSync(join(dir, STAGING_MARK));
}

/** The folder a staging folder replaces. */
export function stagedTarget(staging: string): string {
  return staging.slice(0, -STAGING_SUFFIX.length);
}

/** The steps of a swap, in order, as {@link commitStaged} reports them to its test hook. */
export const SWAP_STEPS = ['ready', 'aside', 'in', 'old-removed', 'done'] as const;
export type SwapStep = (typeof SWAP_STEPS)[number];

/**
 * Moves a complete staged result into place. Node has no atomic exchange of two folders
 * (renameat2 RENAME_EXCHANGE), so the swap is a short sequence whose every intermediate state
 * the next command recognises and finishes ({@link settleSwap}):
 *   ready        the staging mark is renamed to the ready mark: from here the swap goes forward;
 *   aside        DIR is renamed to DIR.urd-old (an empty DIR is removed instead);
 *   in           DIR.urd-new is renamed to DIR (the ready mark inside says so);
 *   old-removed  DIR.urd-old is deleted;
 *   done         the ready mark is removed.
 * `step` is a test hook called after each step (it throws to play a crash there).
 */
export function commitStaged(staging: string, step?: (done: SwapStep) => void): string {
  const dir = stagedTarget(staging);
  try {
    settleSwap(dir);
    renameSync(join(staging, STAGING_MARK), join(staging, READY_MARK));
    fsyncDir(staging);
    step?.('ready');
    finishSwap(dir, step);
  } catch (err) {
    if (err instanceof InputError || err instanceof OutputError) throw err;
    throw describe(err, dir);
  }
  return dir;
}

/** Carries a swap whose staging folder is marked ready through to its end, from wherever it stopped. */
function finishSwap(dir: string, step?: (done: SwapStep) => void): void {
  const staging = stagingDir(dir);
  const old = oldDir(dir);
  if (existsSync(join(staging, READY_MARK))) {
    if (lstatSync(dir, { throwIfNoEntry: false })) {
      if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
      else renameSync(dir, old);
    }
    step?.('aside');
    renameSync(staging, dir);
    fsyncDir(dirname(dir));
    step?.('in');
  }
  rmSync(old, { recursive: true, force: true });
  step?.('old-removed');
  // The mark goes last: until then, DIR.urd-old beside DIR is known to be the replaced result.
  rmSync(join(dir, READY_MARK), { force: true });
  step?.('done');
}

/** Whether something stands at a path (a path that cannot even be looked at holds no swap to settle; its users say why). */
function present(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Brings a folder whose swap was interrupted (a crash in {@link commitStaged}) back to one
 * complete result at its path, and says so in one line on stderr; does nothing to any other
 * folder. A swap that reached its ready mark is finished (the new result at DIR, the old one
 * deleted); an old result renamed aside without a ready replacement is put back. Every command
 * that writes or reads an output folder calls this first. Throws InputError when the folders
 * beside DIR are not in a state a swap leaves (changed by hand), rather than guess. Returns
 * whether it changed anything.
 */
export function settleSwap(dir: string): boolean {
  const staging = stagingDir(dir);
  const old = oldDir(dir);
  const hasDir = present(dir);
  const hasOld = present(old);
  const ready = existsSync(join(staging, READY_MARK));
  const placed = hasDir && existsSync(join(dir, READY_MARK));
  if (!hasOld && !ready && !placed) return false;
  const shown = safeText(dir);
  if ((ready && hasDir && hasOld) || (ready && placed) || (hasOld && hasDir && !placed)) {
    throw new InputError(shown, null, null, `a replacement of it was interrupted and the folders beside it (${safeText(basename(old))}, ${safeText(basename(staging))}) were changed since; keep the one you want as ${shown} and delete the other`);
  }
  try {
    if (ready || placed) {
      const aside = hasOld || (ready && hasDir);
      finishSwap(dir);
      if (ready || hasOld) process.stderr.write(`urd: ${shown}: finished its interrupted replacement: it holds the new result${aside ? ' (the old one is deleted)' : ''}\n`);
      return true;
    }
    // The old result was set aside but no complete replacement is ready: put it back.
    renameSync(old, dir);
    fsyncDir(dirname(dir));
    process.stderr.write(`urd: ${shown}: restored the previous result (its replacement had been interrupted before it was complete)\n`);
    return true;
  } catch (err) {
    throw describe(err, dir);
  }
}

/** How a folder identified by its plan file (a sweep's sweep.json, a calibration's plan.json) is recognised. */
export interface PlannedFolder {
  /** What the folder holds, in messages: "sweep", "calibration". */
  kind: string;
  /** The plan file's name. */
  plan: string;
  /** The plan file's text for this very sweep or calibration. */
  text: string;
  /** The subfolder of records the work fills. */
  records: string;
  /** Why another plan file differs, for the message: "does not match what X resolves to now (...)". */
  mismatch: string;
}

/**
 * Creates a folder of work that shards may share and a resume continues (sweeps, calibrations),
 * or checks that an existing one holds this very plan, so continuing it cannot mix two. The
 * same guarantees as {@link prepareOutput}: an interrupted swap is settled first, links are
 * refused, `--out .` and the like are refused, and a folder holding anything but the plan, its
 * records and urd's lock is refused, never written into. The plan file is written by
 * {@link writeShared}: shards that create the folder at the same moment cannot break each other.
 */
export function openPlannedFolder(dir: string, f: PlannedFolder): void {
  settleSwap(dir);
  refuseLinks(dir, 1);
  // urd writes regular files and folders only: a FIFO, device or socket is never its own, and the records are a folder.
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw describe(err, dir);
  }
  for (const name of names) {
    const st = lstatSync(join(dir, name));
    if ((!st.isFile() && !st.isDirectory()) || (name === f.records && !st.isDirectory())) {
      throw new InputError(safeText(join(dir, name)), null, null, `is not ${name === f.records ? 'a folder' : 'a regular file or folder'}, so it is not urd's; move it away or choose another --out`);
    }
  }
  const path = join(dir, f.plan);
  if (existsSync(path)) {
    if (readFolderText(path) !== f.text) throw new InputError(safeText(dir), null, null, `holds a different ${f.kind}: its ${f.plan} ${f.mismatch}; use another --out, or remove the folder`);
    return;
  }
  // Never scatter the work into a folder that holds something else (say --out . or outputs/).
  checkOutPath(dir);
  const foreign = names.filter((n) => n !== f.records && !n.startsWith(f.plan) && !n.startsWith(LOCK_FILE));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).map((n) => safeText(n, 40)).join(', ');
    throw new InputError(safeText(dir), null, null, `is not a ${f.kind} folder (no ${f.plan}) and holds other files (${shown}); expected a new or empty folder`);
  }
  ensureDir(join(dir, f.records));
  writeShared(path, f.text);
}
