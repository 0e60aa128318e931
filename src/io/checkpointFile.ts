import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, renameSync } from 'node:fs';
import { createExclusive, describe, removeQuietly, writeFully } from './atomic.ts';
import { ReadRefused, readRegularFile } from './readFile.ts';

/**
 * The checkpoint file: a JSON tree whose leaves may be typed arrays, in one file written
 * atomically. Layout (integers little-endian):
 *
 *   "URDCKPT1" | header length (u32) | 0 (u32) | header (UTF-8 JSON) | pad to 8
 *   | blob 0 | pad to 8 | blob 1 | pad to 8 | ... | SHA-256 of every byte before it (32 bytes)
 *
 * The header is {format, blobs: [{type, length, offset}], tree}; in the tree every typed array
 * is replaced by {"$blob": i} (its raw bytes are blob i, at `offset` from the first blob) and
 * every number JSON cannot carry exactly (NaN, ±Infinity, -0) by {"$num": "..."}; keys
 * starting with "$" are escaped by doubling it. Finite doubles round-trip exactly through
 * JSON, so the whole tree round-trips bit for bit.
 */

/** Version of the file layout; a checkpoint of another version is refused. */
export const CHECKPOINT_FORMAT = 1;
const MAGIC = 'URDCKPT1';
const PREFIX = 16;
const DIGEST = 32;
/** Largest checkpoint read: the largest world (20,000,000 residents at about 22 bytes each) with room to spare. */
const MAX_CHECKPOINT_BYTES = 2 ** 30;

/** A checkpoint file that cannot be read: missing, damaged, or of another format. */
export class CheckpointFileError extends Error {}

const TYPED = { Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array } as const;
type TypedName = keyof typeof TYPED;
type AnyTypedArray = InstanceType<(typeof TYPED)[TypedName]>;

interface BlobInfo {
  type: TypedName;
  length: number;
  offset: number;
}

function typedName(value: unknown): TypedName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  const name = value.constructor.name;
  return Object.hasOwn(TYPED, name) ? (name as TypedName) : null;
}

function encode(value: unknown, blobs: AnyTypedArray[]): unknown {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $num: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typedName(value)) {
    blobs.push(value as AnyTypedArray);
    return { $blob: blobs.length - 1 };
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, blobs));
  if (typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof Map) && !(value instanceof Set)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      // A data property even for a key like __proto__ (an assignment would set the prototype instead).
      Object.defineProperty(out, k.startsWith('$') ? '$' + k : k, { value: encode(v, blobs), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw new TypeError(`a checkpoint cannot hold a value of type ${value?.constructor?.name ?? typeof value}`);
}

function decode(value: unknown, blobs: AnyTypedArray[]): unknown {
  if (Array.isArray(value)) return value.map((v) => decode(v, blobs));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && entries[0][0] === '$num') return entries[0][1] === '-0' ? -0 : Number(entries[0][1]);
  if (entries.length === 1 && entries[0][0] === '$blob') {
    const blob = blobs[entries[0][1] as number];
    if (!blob) throw new CheckpointFileError(`damaged header: blob ${String(entries[0][1])} does not exist`);
    return blob;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    // Own data properties only: a key named __proto__ must never reach an object's prototype.
    Object.defineProperty(out, k.startsWith('$$') ? k.slice(1) : k, { value: decode(v, blobs), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writes `tree` (a JSON-like value whose leaves may be typed arrays) as a checkpoint file,
 * atomically: to `<path>.tmp`, fsynced, then renamed over `path`. A crash at any moment leaves
 * the previous checkpoint or the new one, never a mix. Arrays are written
 * straight from memory, without copies. Returns the file's size in bytes; throws an
 * OutputError (from src/io/atomic.ts) naming the path when it cannot be written.
 */
export function writeCheckpointFile(path: string, tree: unknown): number {
  if (!littleEndian) throw new CheckpointFileError('checkpoints are written on little-endian machines only');
  const blobs: AnyTypedArray[] = [];
  const encoded = encode(tree, blobs);
  const info: BlobInfo[] = [];
  let offset = 0;
  for (const b of blobs) {
    info.push({ type: typedName(b) as TypedName, length: b.length, offset });
    offset += b.byteLength + pad8(b.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ format: CHECKPOINT_FORMAT, blobs: info, tree: encoded }), 'utf8');
  const prefix = Buffer.alloc(PREFIX);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, 8);
  const zeros = new Uint8Array(8);
  const tmp = `${path}.tmp`;
  const hash = createHash('sha256');
  let fd: number | null = null;
  let size = 0;
  const put = (bytes: Uint8Array) => {
    hash.update(bytes);
    writeFully(fd as number, bytes);
    size += bytes.byteLength;
  };
  try {
    fd = createExclusive(tmp);
    put(prefix);
    put(header);
    put(zeros.subarray(0, pad8(PREFIX + header.length)));
    for (const b of blobs) {
      put(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      put(zeros.subarray(0, pad8(b.byteLength)));
    }
    writeFully(fd, hash.digest());
    size += DIGEST;
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    removeQuietly(tmp);
    throw describe(err, path);
  }
  // The folder is not synced: if a power cut loses this rename, the previous checkpoint is still
  // there, and it is consistent too (the streamed files only ever grew past the lengths it recorded).
  return size;
}

/**
 * Reads a checkpoint file written by {@link writeCheckpointFile}, checking its magic, format
 * and SHA-256, and returns its tree with the typed arrays restored (fresh copies). Throws
 * {@link CheckpointFileError} for a missing, damaged or foreign file.
 */
export function readCheckpointFile(path: string): unknown {
  let buf: Buffer;
  try {
    buf = readRegularFile(path, MAX_CHECKPOINT_BYTES);
  } catch (err) {
    if (err instanceof ReadRefused) throw new CheckpointFileError(`cannot read ${path}: ${err.reason}`);
    throw err;
  }
  if (buf.length < PREFIX + DIGEST || buf.toString('latin1', 0, 8) !== MAGIC) throw new CheckpointFileError(`${path} is not an urd checkpoint`);
  const digest = createHash('sha256').update(buf.subarray(0, buf.length - DIGEST)).digest();
  if (!digest.equals(buf.subarray(buf.length - DIGEST))) throw new CheckpointFileError(`${path} is damaged (its checksum does not match)`);
  const headerLength = buf.readUInt32LE(8);
  let header: { format: number; blobs: BlobInfo[]; tree: unknown };
  try {
    header = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + headerLength));
  } catch {
    throw new CheckpointFileError(`${path} is damaged (its header is not valid JSON)`);
  }
  if (header.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointFileError(`${path} has checkpoint format ${String(header.format)}; this urd reads format ${CHECKPOINT_FORMAT}`);
  }
  const start = PREFIX + headerLength + pad8(PREFIX + headerLength);
  const blobs = header.blobs.map(({ type, length, offset }) => {
    if (!Object.hasOwn(TYPED, type)) throw new CheckpointFileError(`${path} is damaged (unknown array type ${type})`);
    const Ctor = TYPED[type];
    const from = start + offset;
    const bytes = length * Ctor.BYTES_PER_ELEMENT;
    if (!(from >= start && from + bytes <= buf.length - DIGEST)) throw new CheckpointFileError(`${path} is damaged (an array lies outside the file)`);
    const out = new Ctor(length);
    new Uint8Array(out.buffer).set(buf.subarray(from, from + bytes));
    return out;
  });
  return decode(header.tree, blobs);
}

/** Removes a checkpoint file and any unfinished temporary one next to it (nothing happens when there is none). */
export function removeCheckpointFile(path: string): void {
  removeQuietly(path);
  removeQuietly(`${path}.tmp`);
}
