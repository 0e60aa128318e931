import { closeSync, fstatSync, lstatSync, openSync, readSync, constants } from 'node:fs';

/** Why a file could not be read, in words; `null` when it was read. */
export class ReadRefused extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** A message for a failed open or stat, by its code (a symlink loop is not "not found"). */
function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'ELOOP':
      return 'is a symbolic link that loops (or a link where none is allowed)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a file stands where a folder is needed in this path';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return `cannot be read (${code ?? (err as Error).message})`;
  }
}

/**
 * Reads a whole file, refusing anything that is not a regular file (devices never end, FIFOs
 * block) and any file bigger than `maxBytes` before reading it. The file is opened without
 * blocking and checked through its descriptor, so a FIFO swapped in after a check cannot hang
 * the read; at most `maxBytes + 1` bytes are read, for files whose size the system misreports.
 * Throws {@link ReadRefused} with the reason in words.
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new ReadRefused(path, reasonOf(err));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new ReadRefused(path, 'is a folder, not a file');
    if (!stat.isFile()) throw new ReadRefused(path, 'is not a regular file (a device, pipe or socket)');
    if (stat.size > maxBytes) throw new ReadRefused(path, `is ${stat.size} bytes; expected at most ${maxBytes}`);
    // Read in blocks up to one byte past the cap: files whose size the system misreports (/proc)
    // or that grow while read are measured by reading.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1 << 16, maxBytes + 1 - total));
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      total += got;
      if (total > maxBytes) throw new ReadRefused(path, `is more than ${maxBytes} bytes; expected at most ${maxBytes}`);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof ReadRefused) throw err;
    throw new ReadRefused(path, reasonOf(err));
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` itself (not what it points to) is a symbolic link. */
export function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
