import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFile, createExclusive, describe as describeError, ensureDir, fsyncDir, hashPrefix, openForResume, OutputError, PARTIAL_SUFFIX, writeFileAtomic, writeFully, writeShared } from '../../src/io/atomic.ts';
import { tempDir } from '../support.ts';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('file-system errors in words', () => {
  it('each code names the path and its cause; an unknown code keeps the system message', () => {
    const cases: [string, string][] = [
      ['ENOSPC', 'the disk is full'],
      ['EDQUOT', 'the disk quota is used up'],
      ['EFBIG', 'the file is too large for this file system'],
      ['EACCES', 'permission denied'],
      ['EPERM', 'permission denied'],
      ['EROFS', 'the file system is read-only'],
      ['ENOTDIR', 'a file stands where a folder is needed'],
      ['EEXIST', 'a file stands where a folder is needed'],
      ['EISDIR', 'a folder stands where a file is needed'],
      ['ENOENT', 'no such folder, or this file system does not allow creating files there'],
      ['EIO', 'input/output error (a failing disk or a lost network mount?)'],
      ['ELOOP', 'a symbolic link stands where urd writes (urd never writes through links)'],
      ['ENAMETOOLONG', 'the name is too long for this file system'],
    ];
    for (const [code, why] of cases) {
      const e = describeError(Object.assign(new Error('raw'), { code }), '/x/y');
      expect(e).toBeInstanceOf(OutputError);
      expect(e.message).toBe(`cannot write /x/y: ${why}`);
    }
    expect(describeError(Object.assign(new Error('odd failure'), { code: 'EWHAT' }), 'p').message).toBe('cannot write p: odd failure');
    expect(describeError(new Error('no code'), 'p').message).toBe('cannot write p: no code');
  });
});

describe('ensureDir', () => {
  it('creates missing parents level by level and accepts an existing folder', () => {
    const root = tempDir();
    const deep = join(root, 'a', 'b', 'c');
    ensureDir(deep);
    expect(lstatSync(deep).isDirectory()).toBe(true);
    ensureDir(deep);
    expect(readdirSync(join(root, 'a'))).toEqual(['b']);
  });

  it('a file where a folder is needed, at the end or on the way: OutputError naming the path', () => {
    const root = tempDir();
    writeFileSync(join(root, 'f'), 'keep');
    expect(() => ensureDir(join(root, 'f'))).toThrow(new OutputError(`cannot write ${join(root, 'f')}: a file stands where a folder is needed`));
    expect(() => ensureDir(join(root, 'f', 'g'))).toThrow(OutputError);
    expect(readFileSync(join(root, 'f'), 'utf8')).toBe('keep');
  });
});

describe('createExclusive', () => {
  it('replaces a leftover file with a new empty one', () => {
    const root = tempDir();
    const p = join(root, 'x.partial');
    writeFileSync(p, 'leftover');
    const fd = createExclusive(p);
    writeSync(fd, 'new');
    closeSync(fd);
    expect(readFileSync(p, 'utf8')).toBe('new');
  });

  it('a planted link is removed, never written through: its target is untouched', () => {
    const root = tempDir();
    const target = join(root, 'target');
    writeFileSync(target, 'precious');
    const p = join(root, 'x.partial');
    symlinkSync(target, p);
    const fd = createExclusive(p);
    writeSync(fd, 'new');
    closeSync(fd);
    expect(lstatSync(p).isSymbolicLink()).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  it('a folder in the way is an error, not removed', () => {
    const root = tempDir();
    mkdirSync(join(root, 'd'));
    expect(() => createExclusive(join(root, 'd'))).toThrow();
    expect(lstatSync(join(root, 'd')).isDirectory()).toBe(true);
  });
});

describe('openForResume', () => {
  it('cuts the file back to the length given and appends after it', () => {
    const root = tempDir();
    const p = join(root, 'f');
    writeFileSync(p, 'abcdefgh');
    const fd = openForResume(p, 3);
    writeFully(fd, 'XY');
    closeSync(fd);
    expect(readFileSync(p, 'utf8')).toBe('abcXY');
  });

  it('refuses a file shorter than the length, a link and a folder', () => {
    const root = tempDir();
    const p = join(root, 'f');
    writeFileSync(p, 'ab');
    expect(() => openForResume(p, 3)).toThrow(new OutputError(`cannot resume ${p}: it has 2 bytes, fewer than the 3 already written`));
    expect(readFileSync(p, 'utf8')).toBe('ab');
    expect(openForResume(p, 2)).toBeGreaterThanOrEqual(0);
    symlinkSync(p, join(root, 'l'));
    expect(() => openForResume(join(root, 'l'), 0)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(readFileSync(p, 'utf8')).toBe('ab');
  });

  it('refuses a device standing at the partial name (it is not a file to continue)', () => {
    const root = tempDir();
    const dev = join(root, 'o.partial');
    try {
      execFileSync('mknod', [dev, 'c', '1', '3']);
    } catch {
      return void console.warn('skipped: mknod is not allowed here (not root)');
    }
    expect(() => openForResume(dev, 0)).toThrow(expect.objectContaining({ code: 'ELOOP', message: 'not a regular file' }));
    expect(() => new AtomicFile(join(root, 'o'), 1, 0)).toThrow(`cannot write ${dev}: `);
  });
});

describe('hashPrefix', () => {
  it('is the SHA-256 of the first bytes, read in blocks of 1 MiB; null when the file is shorter or not a file', () => {
    const root = tempDir();
    const data = Buffer.alloc((1 << 20) * 2 + 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 11)) & 255;
    const p = join(root, 'f');
    writeFileSync(p, data);
    for (const n of [0, 5, 1 << 20, (1 << 20) + 3, data.length]) expect(hashPrefix(p, n)?.digest('hex')).toBe(sha(data.subarray(0, n)));
    expect(hashPrefix(p, data.length + 1)).toBeNull();
    expect(hashPrefix(root, 0)).toBeNull();
    symlinkSync(p, join(root, 'l'));
    expect(() => hashPrefix(join(root, 'l'), 1)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
  });
});

describe('writeFully and fsyncDir', () => {
  it('writes every byte of a string as UTF-8 (bytes, not characters) and of a byte array', () => {
    const root = tempDir();
    const p = join(root, 'f');
    const fd = createExclusive(p);
    writeFully(fd, 'é中\n');
    writeFully(fd, new Uint8Array([1, 2, 3]));
    closeSync(fd);
    expect(readFileSync(p)).toEqual(Buffer.concat([Buffer.from('é中\n', 'utf8'), Buffer.from([1, 2, 3])]));
  });

  it('a folder that cannot be opened is skipped quietly', () => {
    expect(() => fsyncDir(join(tempDir(), 'missing'))).not.toThrow();
  });
});

describe('AtomicFile', () => {
  it('writes under .partial, buffering below flushAt; commit renames it into place', () => {
    const root = tempDir();
    const p = join(root, 'sub', 'out.csv');
    const f = new AtomicFile(p, 8);
    expect(f.partialPath).toBe(p + PARTIAL_SUFFIX);
    f.write('abc');
    expect(readFileSync(f.partialPath, 'utf8')).toBe('');
    f.write('defgh');
    expect(readFileSync(f.partialPath, 'utf8')).toBe('abcdefgh');
    f.write(new Uint8Array([0x69]));
    expect(existsSync(p)).toBe(false);
    expect(f.sync()).toBe(9);
    expect(f.sha256()).toBe(sha('abcdefghi'));
    f.commit();
    expect(readFileSync(p, 'utf8')).toBe('abcdefghi');
    expect(existsSync(f.partialPath)).toBe(false);
  });

  it('sha256 covers buffered text too; flush with nothing buffered writes nothing', () => {
    const root = tempDir();
    const f = new AtomicFile(join(root, 'o'));
    f.flush();
    f.write('xyz');
    expect(f.sha256()).toBe(sha('xyz'));
    expect(readFileSync(f.partialPath, 'utf8')).toBe('xyz');
    f.close();
    expect(readFileSync(join(root, 'o.partial'), 'utf8')).toBe('xyz');
    expect(existsSync(join(root, 'o'))).toBe(false);
  });

  it('abandon removes the partial file and leaves no final file', () => {
    const root = tempDir();
    const f = new AtomicFile(join(root, 'o'));
    f.write('data');
    f.abandon();
    expect(readdirSync(root)).toEqual([]);
    f.abandon();
    f.close();
  });

  it('resumes a partial file: cut back to resumeAt, appended to, the running hash continued', () => {
    const root = tempDir();
    const p = join(root, 'o');
    writeFileSync(p + PARTIAL_SUFFIX, 'hello-garbage');
    const f = new AtomicFile(p, 1 << 16, 5, hashPrefix(p + PARTIAL_SUFFIX, 5) ?? undefined);
    f.write(' world');
    expect(f.sha256()).toBe(sha('hello world'));
    f.commit();
    expect(readFileSync(p, 'utf8')).toBe('hello world');
  });

  it('a resumed file shorter than resumeAt is refused, not padded', () => {
    const root = tempDir();
    writeFileSync(join(root, 'o.partial'), 'ab');
    expect(() => new AtomicFile(join(root, 'o'), 1, 5)).toThrow(new OutputError(`cannot resume ${join(root, 'o.partial')}: it has 2 bytes, fewer than the 5 already written`));
    expect(readFileSync(join(root, 'o.partial'), 'utf8')).toBe('ab');
  });

  it('a link planted at the partial name of a resumed file is refused as a link', () => {
    const root = tempDir();
    writeFileSync(join(root, 'target'), 'precious');
    symlinkSync(join(root, 'target'), join(root, 'o.partial'));
    expect(() => new AtomicFile(join(root, 'o'), 1, 0)).toThrow(new OutputError(`cannot write ${join(root, 'o.partial')}: a symbolic link stands where urd writes (urd never writes through links)`));
    expect(readFileSync(join(root, 'target'), 'utf8')).toBe('precious');
  });

  it('a folder where the partial file goes: OutputError naming the partial path', () => {
    const root = tempDir();
    mkdirSync(join(root, 'o.partial'));
    expect(() => new AtomicFile(join(root, 'o'))).toThrow(new OutputError(`cannot write ${join(root, 'o.partial')}: a folder stands where a file is needed`));
  });

  it('a commit onto a folder fails naming the final path; the partial stays for abandon', () => {
    const root = tempDir();
    mkdirSync(join(root, 'o'));
    writeFileSync(join(root, 'o', 'keep'), 'k');
    const f = new AtomicFile(join(root, 'o'));
    f.write('x');
    expect(() => f.commit()).toThrow(OutputError);
    expect(() => f.commit()).toThrow(`cannot write ${join(root, 'o')}`);
    expect(readFileSync(join(root, 'o', 'keep'), 'utf8')).toBe('k');
  });

  it('sync after close fails as an OutputError naming the partial file', () => {
    const root = tempDir();
    const f = new AtomicFile(join(root, 'o'));
    f.close();
    expect(() => f.sync()).toThrow(`cannot write ${join(root, 'o.partial')}`);
  });

  it('a write after close fails at its flush, naming the partial file', () => {
    const root = tempDir();
    const f = new AtomicFile(join(root, 'o'), 1);
    f.close();
    expect(() => f.write('x')).toThrow(new RegExp(`^cannot write ${join(root, 'o.partial')}`));
  });
});

describe('writeFileAtomic and writeShared', () => {
  it('write the whole text and leave no temporary file', () => {
    const root = tempDir();
    writeFileAtomic(join(root, 'a.json'), '{"a":1}\n');
    writeShared(join(root, 'b', 'c.json'), 'shared');
    writeShared(join(root, 'b', 'c.json'), 'again');
    expect(readFileSync(join(root, 'a.json'), 'utf8')).toBe('{"a":1}\n');
    expect(readFileSync(join(root, 'b', 'c.json'), 'utf8')).toBe('again');
    expect(readdirSync(root).sort()).toEqual(['a.json', 'b']);
    expect(readdirSync(join(root, 'b'))).toEqual(['c.json']);
  });

  it('a failed write leaves no partial file and says which path', () => {
    const root = tempDir();
    mkdirSync(join(root, 'a'));
    writeFileSync(join(root, 'a', 'x'), '');
    expect(() => writeFileAtomic(join(root, 'a'), 'x')).toThrow(`cannot write ${join(root, 'a')}`);
    expect(() => writeShared(join(root, 'a'), 'x')).toThrow(new OutputError(`cannot write ${join(root, 'a')}: a folder stands where a file is needed`));
    expect(readdirSync(root)).toEqual(['a']);
  });

  it('a name too long for its temporary file is an OutputError saying so, and leaves nothing', () => {
    const root = tempDir();
    const long = join(root, 'a'.repeat(250));
    expect(() => writeShared(long, 'x')).toThrow(new OutputError(`cannot write ${long}: the name is too long for this file system`));
    expect(() => writeFileAtomic(long, 'x')).toThrow(new OutputError(`cannot write ${long}.partial: the name is too long for this file system`));
    expect(readdirSync(root)).toEqual([]);
  });

  it('a link at the target is replaced by the file, its target untouched', () => {
    const root = tempDir();
    writeFileSync(join(root, 'target'), 'precious');
    symlinkSync(join(root, 'target'), join(root, 'a'));
    symlinkSync(join(root, 'target'), join(root, 'b'));
    writeShared(join(root, 'a'), 'new');
    writeFileAtomic(join(root, 'b'), 'new');
    expect(readFileSync(join(root, 'target'), 'utf8')).toBe('precious');
    expect(lstatSync(join(root, 'a')).isFile()).toBe(true);
    expect(lstatSync(join(root, 'b')).isFile()).toBe(true);
  });
});

describe('no file descriptor is left open', () => {
  it('by hashPrefix, fsyncDir, writeShared (done or failed), AtomicFile.close and abandon, openForResume refusing', () => {
    const root = tempDir();
    writeFileSync(join(root, 'f'), 'abc');
    mkdirSync(join(root, 'd'));
    writeFileSync(join(root, 'd', 'x'), '');
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) {
      hashPrefix(join(root, 'f'), 2);
      hashPrefix(join(root, 'f'), 9);
      fsyncDir(root);
      writeShared(join(root, 's'), 'x');
      expect(() => writeShared(join(root, 'd'), 'x')).toThrow(OutputError);
      new AtomicFile(join(root, 'c')).close();
      new AtomicFile(join(root, 'a')).abandon();
      expect(() => openForResume(join(root, 'f'), 9)).toThrow(OutputError);
    }
    expect(open()).toBe(before);
  });
});
