import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Suffix of files being written; a file with it is never a finished output. */
export const PARTIAL_SUFFIX = '.partial';

/** Raised when an output cannot be written (full disk, no permission): names the path and the cause. */
export class OutputError extends Error {}

function describe(err: unknown, path: string): OutputError {
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === 'ENOSPC'
      ? 'the disk is full'
      : e.code === 'EACCES' || e.code === 'EPERM'
        ? 'permission denied'
        : e.code === 'EROFS'
          ? 'the file system is read-only'
          : e.code === 'ENOTDIR' || e.code === 'EEXIST'
            ? 'a file stands where a folder is needed'
            : (e.message ?? String(err));
  return new OutputError(`cannot write ${path}: ${why}`);
}

/** Creates a folder and its parents, with a clear error when that is impossible. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw describe(err, dir);
  }
}

/**
 * A file written in pieces under `<path>.partial` and renamed to `path` only by `commit`, so
 * an interrupted writer never leaves anything that looks complete. Writes are buffered.
 */
export class AtomicFile {
  private fd: number;
  private buffer: string[] = [];
  private buffered = 0;
  readonly partialPath: string;

  constructor(
    readonly path: string,
    private readonly flushAt = 1 << 16,
  ) {
    this.partialPath = path + PARTIAL_SUFFIX;
    ensureDir(dirname(path));
    try {
      this.fd = openSync(this.partialPath, 'w');
    } catch (err) {
      throw describe(err, this.partialPath);
    }
  }

  /** Appends text (flushed to the partial file in blocks). */
  write(text: string): void {
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= this.flushAt) this.flush();
  }

  /** Writes buffered text to the partial file now. */
  flush(): void {
    if (this.buffered === 0) return;
    const data = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    try {
      writeSync(this.fd, data);
    } catch (err) {
      throw describe(err, this.partialPath);
    }
  }

  /** Flushes, syncs and renames the file to its final name. */
  commit(): void {
    this.flush();
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      renameSync(this.partialPath, this.path);
    } catch (err) {
      throw describe(err, this.path);
    }
  }

  /** Closes and deletes the partial file (after a failure). */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.partialPath, { force: true });
  }
}

/** Writes a whole file atomically: to `<path>.partial`, then renamed. */
export function writeFileAtomic(path: string, text: string): void {
  const file = new AtomicFile(path);
  try {
    file.write(text);
    file.commit();
  } catch (err) {
    file.abandon();
    throw err;
  }
}
