import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';

/** A file that was not read, and why, in words. */
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
    // The reported size in one read; files whose size the system misreports (/proc) or that grow
    // while read are measured by reading, in blocks, up to one byte past the cap.
    const chunks: Buffer[] = [];
    let total = 0;
    let want = stat.size + 1;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(want, maxBytes + 1 - total));
      want = 1 << 16;
      let got = 0;
      while (got < chunk.length) {
        const n = readSync(fd, chunk, got, chunk.length - got, null);
        if (n === 0) break;
        got += n;
      }
      chunks.push(chunk.subarray(0, got));
      total += got;
      if (total > maxBytes) throw new ReadRefused(path, `is more than ${maxBytes} bytes; expected at most ${maxBytes}`);
      if (got < chunk.length) break;
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof ReadRefused) throw err;
    throw new ReadRefused(path, reasonOf(err));
  } finally {
    closeSync(fd);
  }
}
