import { execFileSync } from 'node:child_process';
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReadRefused, readRegularFile } from '../../src/io/readFile.ts';
import { tempDir } from '../support.ts';

function refusal(path: string, max = 1000): string {
  try {
    readRegularFile(path, max);
  } catch (err) {
    expect(err).toBeInstanceOf(ReadRefused);
    expect((err as ReadRefused).path).toBe(path);
    expect((err as ReadRefused).message).toBe(`${path}: ${(err as ReadRefused).reason}`);
    return (err as ReadRefused).reason;
  }
  throw new Error(`${path} was read`);
}

describe('readRegularFile', () => {
  it('reads a regular file whole, up to and including the cap; one byte more is refused before reading', () => {
    const root = tempDir();
    const data = Buffer.alloc(200_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
    writeFileSync(join(root, 'f'), data);
    expect(readRegularFile(join(root, 'f'), data.length).equals(data)).toBe(true);
    expect(refusal(join(root, 'f'), data.length - 1)).toBe(`is 200000 bytes; expected at most ${data.length - 1}`);
    // The buffer is sized by the file, not by the cap: a cap of 1 TiB reads a small file (it would not fit in memory).
    expect(readRegularFile(join(root, 'f'), 2 ** 40).equals(data)).toBe(true);
    writeFileSync(join(root, 'empty'), '');
    expect(readRegularFile(join(root, 'empty'), 0).length).toBe(0);
  });

  it('a file whose size the system misreports (/proc) is read by blocks and capped by what is read', () => {
    const text = readRegularFile('/proc/self/status', 1 << 20).toString('utf8');
    expect(text).toMatch(/^Name:/);
    expect(text).toMatch(/\nPid:\s+\d+\n/);
    expect(refusal('/proc/self/status', 10)).toBe('is more than 10 bytes; expected at most 10');
    // Longer than one 64 KiB block: the reads go on block after block.
    const maps = readRegularFile('/proc/self/smaps', 1 << 26);
    expect(maps.length).toBeGreaterThan(1 << 16);
    expect(maps.toString('utf8')).toMatch(/\nVmFlags:[^\n]*\n$/);
    expect(refusal('/proc/self/smaps', (1 << 16) + 5)).toBe(`is more than ${(1 << 16) + 5} bytes; expected at most ${(1 << 16) + 5}`);
  });

  it('refuses folders, devices, FIFOs (at once, without blocking) and says why', () => {
    const root = tempDir();
    expect(refusal(root)).toBe('is a folder, not a file');
    expect(refusal('/dev/zero')).toBe('is not a regular file (a device, pipe or socket)');
    execFileSync('mkfifo', [join(root, 'fifo')]);
    expect(refusal(join(root, 'fifo'))).toBe('is not a regular file (a device, pipe or socket)');
  });

  it('names the cause of a failed open: missing, a looping link, a file in the path, a path too long', () => {
    const root = tempDir();
    expect(refusal(join(root, 'missing'))).toBe('file not found');
    symlinkSync(join(root, 'loop'), join(root, 'loop'));
    expect(refusal(join(root, 'loop'))).toBe('is a symbolic link that loops (or a link where none is allowed)');
    writeFileSync(join(root, 'file'), 'x');
    expect(refusal(join(root, 'file', 'inner'))).toBe('a file stands where a folder is needed in this path');
    expect(refusal(join(root, 'n'.repeat(300)))).toBe('the path is too long');
  });

  it('an error while reading is a refusal with its code (/proc/self/mem cannot be read from its start)', () => {
    expect(refusal('/proc/self/mem')).toBe('cannot be read (EIO)');
  });

  it('leaves no file descriptor open, read or refused', () => {
    const root = tempDir();
    writeFileSync(join(root, 'f'), 'abc');
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) {
      expect(readRegularFile(join(root, 'f'), 10).toString()).toBe('abc');
      refusal(join(root, 'f'), 2);
      refusal(root);
      refusal('/proc/self/mem');
    }
    expect(open()).toBe(before);
  });

  it('any other failed open keeps its code: a UNIX socket cannot be opened (ENXIO)', async () => {
    const path = join(tempDir(), 'sock');
    const server = createServer();
    await new Promise<void>((done) => server.listen(path, done));
    try {
      expect(refusal(path)).toBe('cannot be read (ENXIO)');
    } finally {
      server.close();
    }
  });
});
