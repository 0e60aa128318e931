import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/io/atomic.ts';
import { CHECKPOINT_FORMAT, CheckpointFileError, readCheckpointFile, removeCheckpointFile, writeCheckpointFile } from '../../src/io/checkpointFile.ts';
import { tempDir } from '../support.ts';

/** Rewrites a checkpoint's header (keeping its blobs) with a valid checksum: a file damaged by a writer, not by the disk. */
function withHeader(buf: Buffer, edit: (h: Record<string, unknown>) => void): Buffer {
  const len = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 16, 16 + len));
  edit(header);
  const text = Buffer.from(JSON.stringify(header));
  const padded = Buffer.concat([text, Buffer.alloc((8 - ((16 + text.length) % 8)) % 8)]);
  const oldStart = 16 + len + ((8 - ((16 + len) % 8)) % 8);
  const prefix = Buffer.from(buf.subarray(0, 16));
  prefix.writeUInt32LE(text.length, 8);
  const body = Buffer.concat([prefix, padded, buf.subarray(oldStart, buf.length - 32)]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

describe('checkpoint files', () => {
  it('round-trip typed arrays of every kind, odd lengths, NaN, ±Infinity, -0 and $-keys bit for bit', () => {
    const root = tempDir();
    const p = join(root, 'c.bin');
    const tree = {
      f64: new Float64Array([1.5, NaN, -0, 5e-324]),
      f32: new Float32Array([0.1, -2]),
      i32: new Int32Array([-1, 2 ** 31 - 1, 7]),
      u32: new Uint32Array([2 ** 32 - 1]),
      i16: new Int16Array([-5, 3, 1]),
      u16: new Uint16Array([65535]),
      i8: new Int8Array([-128, 127, 0, 1, 2]),
      u8: new Uint8Array([255, 0, 9]),
      nums: [NaN, Infinity, -Infinity, -0, 0, 0.1],
      $dollar: { $$two: 'x', $num: 'not a number object', plain: [null, true, 'é'] },
      gone: undefined,
      sub: new Float64Array(new Float64Array([9, 8, 7, 6]).buffer, 8, 2),
    };
    const size = writeCheckpointFile(p, tree);
    expect(size).toBe(statSync(p).size);
    expect(size % 8).toBe(0);
    expect(readFileSync(p).toString('latin1', 0, 8)).toBe('URDCKPT1');
    expect(readdirSync(root)).toEqual(['c.bin']);
    const back = readCheckpointFile(p) as typeof tree;
    for (const k of ['f64', 'f32', 'i32', 'u32', 'i16', 'u16', 'i8', 'u8', 'sub'] as const) {
      expect(back[k].constructor).toBe(tree[k].constructor);
      expect(Buffer.from(back[k].buffer, back[k].byteOffset, back[k].byteLength)).toEqual(Buffer.from(tree[k].buffer, tree[k].byteOffset, tree[k].byteLength));
    }
    expect(Object.is(back.f64[2], -0)).toBe(true);
    expect(back.nums.map((x) => Object.is(x, -0) ? '-0' : String(x))).toEqual(['NaN', 'Infinity', '-Infinity', '-0', '0', '0.1']);
    expect(back.$dollar).toEqual({ $$two: 'x', $num: 'not a number object', plain: [null, true, 'é'] });
    expect('gone' in back).toBe(false);
  });

  it('the blobs start at the 8-byte boundary after the header, whatever its length', () => {
    const root = tempDir();
    for (let k = 1; k <= 8; k++) {
      const tree = { ['k'.repeat(k)]: new Float64Array([k, -k]), b: new Uint8Array([k]) };
      writeCheckpointFile(join(root, 'c'), tree);
      expect(readCheckpointFile(join(root, 'c'))).toEqual(tree);
    }
  });

  it('the tree read back is plain data: its properties can be changed and deleted', () => {
    const root = tempDir();
    writeCheckpointFile(join(root, 'c'), { a: { b: 1, c: 2 } });
    const back = readCheckpointFile(join(root, 'c')) as { a: { b?: number; c: number } };
    back.a.c = 5;
    delete back.a.b;
    expect(back).toEqual({ a: { c: 5 } });
  });

  it('a key __proto__ stays an own property and never reaches a prototype', () => {
    const root = tempDir();
    const tree = JSON.parse('{"__proto__": {"polluted": 1}}');
    writeCheckpointFile(join(root, 'c'), tree);
    const back = readCheckpointFile(join(root, 'c')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses values JSON cannot carry', () => {
    const root = tempDir();
    expect(() => writeCheckpointFile(join(root, 'c'), { m: new Map() })).toThrow('a checkpoint cannot hold a value of type Map');
    expect(() => writeCheckpointFile(join(root, 'c'), { b: 1n })).toThrow(TypeError);
    expect(() => writeCheckpointFile(join(root, 'c'), { d: new DataView(new ArrayBuffer(1)) })).toThrow('of type DataView');
    expect(existsSync(join(root, 'c'))).toBe(false);
  });

  it('a failed write leaves the previous checkpoint and no temporary file, and names the path', () => {
    const root = tempDir();
    const p = join(root, 'c');
    writeCheckpointFile(p, { v: 1 });
    mkdirSync(join(root, 'd'));
    writeFileSync(join(root, 'd', 'x'), '');
    expect(() => writeCheckpointFile(join(root, 'd'), { v: 2 })).toThrow(new OutputError(`cannot write ${join(root, 'd')}: a folder stands where a file is needed`));
    expect(readdirSync(root).sort()).toEqual(['c', 'd']);
    writeFileSync(join(root, 'target'), 'precious');
    symlinkSync(join(root, 'target'), p + '.tmp');
    writeCheckpointFile(p, { v: 3 });
    expect(readFileSync(join(root, 'target'), 'utf8')).toBe('precious');
    expect(readCheckpointFile(p)).toEqual({ v: 3 });
  });

  it('a missing, foreign, short, damaged or other-format file is refused with the reason', () => {
    const root = tempDir();
    const p = join(root, 'c');
    const read = (buf: Buffer | string) => {
      writeFileSync(p, buf);
      return () => readCheckpointFile(p);
    };
    expect(() => readCheckpointFile(join(root, 'missing'))).toThrow(new CheckpointFileError(`cannot read ${join(root, 'missing')}: file not found`));
    expect(read('x'.repeat(100))).toThrow(`${p} is not an urd checkpoint`);
    expect(read('URDCKPT1' + 'x'.repeat(39))).toThrow(`${p} is not an urd checkpoint`);
    writeCheckpointFile(p, { a: new Float64Array([1, 2, 3]), b: [new Uint8Array(3)] });
    const good = readFileSync(p);
    for (const at of [8, 20, good.length - 40, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] ^= 1;
      expect(read(bad)).toThrow(`${p} is damaged (its checksum does not match)`);
    }
    expect(read(withHeader(good, (h) => (h.format = CHECKPOINT_FORMAT + 1)))).toThrow(`${p} has checkpoint format 2; this urd reads format 1`);
    expect(read(withHeader(good, (h) => ((h.blobs as { type: string }[])[0].type = 'BigInt64Array')))).toThrow(`${p} is damaged (unknown array type BigInt64Array)`);
    expect(read(withHeader(good, (h) => ((h.blobs as { length: number }[])[1].length = 9)))).toThrow(`${p} is damaged (an array lies outside the file)`);
    expect(read(withHeader(good, (h) => ((h.blobs as { offset: number }[])[0].offset = -8)))).toThrow('an array lies outside the file');
    expect(read(withHeader(good, (h) => ((h.tree as { a: unknown }).a = { $blob: 5 })))).toThrow('damaged header: blob 5 does not exist');
    // Up to the end of the last blob's padding is inside the file.
    writeFileSync(p, withHeader(good, (h) => ((h.blobs as { length: number }[])[1].length = 8)));
    expect((readCheckpointFile(p) as { b: Uint8Array[] }).b[0]).toEqual(new Uint8Array(8));
    // The smallest file that can be a checkpoint: the prefix and the checksum, with an empty header.
    const empty = Buffer.concat([Buffer.from('URDCKPT1'), Buffer.alloc(8)]);
    expect(read(Buffer.concat([empty, createHash('sha256').update(empty).digest()]))).toThrow(`${p} is damaged (its header is not valid JSON)`);
    const body = Buffer.concat([Buffer.from('URDCKPT1'), Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{x}')]);
    expect(read(Buffer.concat([body, createHash('sha256').update(body).digest()]))).toThrow(`${p} is damaged (its header is not valid JSON)`);
  });

  it('removeCheckpointFile removes the file and its temporary, and nothing else', () => {
    const root = tempDir();
    writeFileSync(join(root, 'c'), '');
    writeFileSync(join(root, 'c.tmp'), '');
    writeFileSync(join(root, 'c.other'), '');
    removeCheckpointFile(join(root, 'c'));
    expect(readdirSync(root)).toEqual(['c.other']);
    removeCheckpointFile(join(root, 'c'));
    removeCheckpointFile(join(root, 'c.other', 'x'));
    expect(readdirSync(root)).toEqual(['c.other']);
  });
});
