import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';

/** Suffix of files being written; a file with it is never a finished output. */
export const PARTIAL_SUFFIX = '.partial';

/** Raised when an output cannot be written (full disk, no permission): names the path and the cause. */
export class OutputError extends Error {}

/** Turns a file-system error into an {@link OutputError} that names the path and the cause in plain words. */
export function describe(err: unknown, path: string): OutputError {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EFBIG: 'the file is too large for this file system',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a file stands where a folder is needed',
    EEXIST: 'a file stands where a folder is needed',
    EISDIR: 'a folder stands where a file is needed',
    ENOENT: 'no such folder, or this file system does not allow creating files there',
    EIO: 'input/output error (a failing disk or a lost network mount?)',
    ELOOP: 'a symbolic link stands where urd writes (urd never writes through links)',
    ENAMETOOLONG: 'the name is too long for this file system',
  };
  const why = (e.code && reasons[e.code]) ?? e.message ?? String(err);
  return new OutputError(`cannot write ${path}: ${why}`);
}

/** Creates a folder and its parents, with a clear error when that is impossible. */
export function ensureDir(dir: string): void {
  try {
    makeDirs(resolve(dir));
  } catch (err) {
    throw describe(err, dir);
  }
}

/**
 * mkdir -p, one level at a time. Not mkdirSync's `recursive` option: under /proc, where mkdir
 * answers ENOENT even though the parent exists, Node 20's recursive mkdir never returns.
 */
function makeDirs(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    makeDirs(parent);
    mkdirSync(dir);
  }
}

/**
 * Creates `path` for writing exclusively (O_EXCL): a leftover file of a killed writer is removed
 * first, and if anything appears there meanwhile (a planted link) the open fails instead of
 * writing through it. Unlinking a symbolic link removes the link, never its target.
 */
export function createExclusive(path: string): number {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return openSync(path, 'wx');
}

/** Writes a whole new file through {@link createExclusive}: never through a link, always closed. */
export function writeExclusive(path: string, data: string | Uint8Array): void {
  const fd = createExclusive(path);
  try {
    writeFully(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Removes a file if it can: a clean-up that must not hide the error that made it necessary. */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing there to remove, or not ours to remove (a folder in the way).
  }
}

/** Opens an existing file for appending without following a link (O_NOFOLLOW), cut back to `length` bytes. */
export function openForResume(path: string, length: number): number {
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ELOOP' });
    if (stat.size < length) throw new OutputError(`cannot resume ${path}: it has ${stat.size} bytes, fewer than the ${length} already written`);
    ftruncateSync(fd, length);
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * SHA-256 of the first `length` bytes of a file (read in blocks), as a running hash that can be
 * continued; null when the file is shorter. How a resumed run checks that its streamed files
 * still hold exactly what it wrote.
 */
export function hashPrefix(path: string, length: number): Hash | null {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) return null;
    const hash = createHash('sha256');
    const block = Buffer.allocUnsafe(1 << 20);
    for (let at = 0; at < length; ) {
      const n = readSync(fd, block, 0, Math.min(block.length, length - at), at);
      if (n === 0) return null;
      hash.update(block.subarray(0, n));
      at += n;
    }
    return hash;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes all of `data` at the file's current position. A write to a nearly full disk may
 * write only part of its bytes without an error; this keeps writing the rest, so the disk
 * being full always surfaces as ENOSPC and never as a silently shortened file.
 */
export function writeFully(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let done = 0;
  while (done < bytes.byteLength) {
    const n = writeSync(fd, bytes, done, bytes.byteLength - done);
    // A file system that accepts nothing without an error must not hang the run.
    if (n <= 0) throw Object.assign(new Error('the file system accepted no bytes'), { code: 'EIO' });
    done += n;
  }
}

/** Syncs a folder, so that renames inside it survive a power cut (best effort: some file systems refuse). */
export function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here (or not a folder we may open); the rename itself is still atomic.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * A file written in pieces under `<path>.partial` and renamed to `path` only by `commit`, so
 * an interrupted writer never leaves anything that looks complete. Writes are buffered.
 * With `resumeAt`, an existing partial file is cut back to that many bytes and appended to
 * (how a run resumed from a checkpoint continues its streamed outputs).
 */
export class AtomicFile {
  private fd: number;
  private buffer: Uint8Array[] = [];
  private buffered = 0;
  readonly partialPath: string;
  /** Running SHA-256 of every byte written to the file (including a resumed file's prefix). */
  private readonly digest: Hash;

  /** With `resumeAt`, `resumedHash` is the running hash of the file's first `resumeAt` bytes (see {@link hashPrefix}). */
  constructor(
    readonly path: string,
    private readonly flushAt = 1 << 16,
    resumeAt?: number,
    resumedHash?: Hash,
  ) {
    this.partialPath = path + PARTIAL_SUFFIX;
    this.digest = resumedHash ?? createHash('sha256');
    ensureDir(dirname(path));
    try {
      this.fd = resumeAt === undefined ? createExclusive(this.partialPath) : openForResume(this.partialPath, resumeAt);
    } catch (err) {
      if (err instanceof OutputError) throw err;
      throw describe(err, this.partialPath);
    }
  }

  /** Appends text (flushed to the partial file in blocks). */
  write(text: string | Uint8Array): void {
    this.buffer.push(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
    this.buffered += text.length;
    if (this.buffered >= this.flushAt) this.flush();
  }

  /** Writes buffered text to the partial file now. */
  flush(): void {
    if (this.buffered === 0) return;
    const data = Buffer.concat(this.buffer);
    this.buffer = [];
    this.buffered = 0;
    try {
      writeFully(this.fd, data);
    } catch (err) {
      throw describe(err, this.partialPath);
    }
    this.digest.update(data);
  }

  /** SHA-256 (hex) of everything written so far: with {@link sync}'s length, what a checkpoint records. */
  sha256(): string {
    this.flush();
    return this.digest.copy().digest('hex');
  }

  /** Flushes and fsyncs the partial file, returning its length in bytes: a point a checkpoint can return to. */
  sync(): number {
    this.flush();
    try {
      fsyncSync(this.fd);
      return fstatSync(this.fd).size;
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
    fsyncDir(dirname(this.path));
  }

  /** Closes the partial file and keeps it (a stopped run that can be resumed). */
  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
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

/** Writes a whole file atomically: to `<path>.partial` (created exclusively), then renamed. */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const file = new AtomicFile(path);
  try {
    file.write(text);
    file.commit();
  } catch (err) {
    file.abandon();
    throw err;
  }
}

/**
 * Writes a file that several processes (shards sharing a folder) may write at the same moment
 * with the same bytes: each writes its own temporary file, created exclusively, and renames it
 * over the target, so no rename breaks another's and nothing is written through a link.
 */
export function writeShared(path: string, text: string): void {
  ensureDir(dirname(path));
  const temp = `${path}.${process.pid}-${threadId}${PARTIAL_SUFFIX}`;
  try {
    writeExclusive(temp, text);
    renameSync(temp, path);
  } catch (err) {
    // A temporary name the system refuses (too long) was never created; the first error says why.
    removeQuietly(temp);
    throw describe(err, path);
  }
}
