// Reading input files: YAML or JSON with line numbers, the guards every input gets (size, UTF-8,
// depth, plain collections), `extends` chains and their merge. Its own module, without the schema
// or the model, so `urd list` reads scenarios' texts without loading the validator.
import { statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import { ReadRefused, readRegularFile } from '../io/readFile.ts';
import { InputError } from './inputError.ts';
import { flattenLocalText } from './localText.ts';

/** Largest scenario or experiment file read; bigger ones are refused before parsing. */
export const MAX_FILE_BYTES = 1 << 20;
/** Deepest nesting accepted in an input file (the schema needs 4). */
const MAX_DEPTH = 32;
/** Longest `extends` chain. */
const MAX_EXTENDS = 16;

/** A field path as the user writes it: interventions[0].budget (which --set takes too). */
export function shownPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
}

/**
 * Per-language maps (title: {en, zh}) become title and title_zh layer by layer, so a file that
 * extends another overrides its texts whichever form either uses. The layers given are not
 * changed; each problem comes with its layer's index and line, for ordering.
 */
export function flattenTextLayers(given: readonly LoadedFile[]): { layers: LoadedFile[]; problems: { order: number; line: number; error: InputError }[] } {
  const problems: { order: number; line: number; error: InputError }[] = [];
  const layers = given.map((f, order) => {
    const flat = flattenLocalText(f.data);
    for (const p of flat.problems) {
      const line = lineOf(f, p.path);
      problems.push({ order, line: line ?? 0, error: new InputError(f.path, shownPath(p.path), line, p.expected) });
    }
    return { ...f, data: flat.data };
  });
  return { layers, problems };
}

/** Every problem found in an input at once, one line each, in file order (so a user fixes them in one pass). */
export class InputErrors extends InputError {
  constructor(readonly errors: readonly InputError[]) {
    super(errors[0].file, errors[0].field, errors[0].line, errors[0].expected);
    this.message = errors.map((e) => e.message).join('\n');
  }
}

/** Throws the errors (at least one): one as itself, several together. */
export function throwAll(errors: readonly InputError[]): never {
  throw errors.length === 1 ? errors[0] : new InputErrors(errors);
}

/** A parsed input file: its data and its document, for mapping field paths to lines. */
export interface LoadedFile {
  path: string;
  data: Record<string, unknown>;
  doc: Document;
  lines: LineCounter;
}

/** Shortens text echoed from the input, so a message stays one readable line however long the input is. */
export function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

function depth(value: unknown, level = 0): number {
  if (level > MAX_DEPTH) return level;
  if (value && typeof value === 'object') {
    let max = level;
    for (const v of Object.values(value)) max = Math.max(max, depth(v, level + 1));
    return max;
  }
  return level;
}

/**
 * A text input as UTF-8: only a regular file, refused unread above the cap (/dev/zero never ends
 * and a FIFO blocks); `refused` words the error for the caller's file and field.
 */
export function readUtf8(path: string, shown: string, maxBytes: number, refused: (reason: string) => InputError): string {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path, maxBytes);
  } catch (err) {
    if (err instanceof ReadRefused) throw refused(err.reason);
    throw err;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(shown, null, null, 'file is not valid UTF-8 text');
  }
}

/**
 * Reads and parses one YAML or JSON file (JSON is read by the YAML parser too, so both get line
 * numbers). Refuses files that are missing, too big, not UTF-8, not a mapping or nested too deep.
 */
export function readInputFile(path: string): LoadedFile {
  const shown = displayPath(path);
  const text = readUtf8(path, shown, MAX_FILE_BYTES, (reason) => new InputError(shown, null, null, reason));
  const lines = new LineCounter();
  let doc: Document;
  let data: unknown;
  try {
    // Warnings (unknown tags, unknown directives) are refused like errors, and never printed by the parser.
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
    if (doc.errors.length > 0 || doc.warnings.length > 0) {
      const err = doc.errors[0] ?? doc.warnings[0];
      const line = lines.linePos(err.pos[0]).line;
      const message = /call stack/i.test(err.message) ? `nested more than ${MAX_DEPTH} levels deep` : err.message.split('\n')[0];
      throw new InputError(shown, null, line, `not valid YAML/JSON: ${message}`);
    }
    const odd = nonPlainCollection(doc);
    if (odd) throw new InputError(shown, null, lines.linePos(odd.pos).line, `${odd.tag} is not read by urd; expected a plain mapping (name: value) or list`);
    data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    if (err instanceof InputError) throw err;
    // The parser's own guards: recursion too deep for the stack, or an alias bomb.
    if (err instanceof RangeError) throw new InputError(shown, null, null, `nested more than ${MAX_DEPTH} levels deep`);
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new InputError(shown, null, null, 'too many YAML aliases (*name): expands beyond what a scenario needs (alias bomb)');
    }
    throw new InputError(shown, null, null, `not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(shown, null, 1, 'expected a mapping of fields (name: value) at the top level');
  }
  if (depth(data) > MAX_DEPTH) throw new InputError(shown, null, null, `nested more than ${MAX_DEPTH} levels deep`);
  return { path: shown, data: data as Record<string, unknown>, doc, lines };
}

/** The plain YAML collections: a mapping and a list. Anything else (!!omap, !!set, !!pairs) reads as a Map or Set that the schema would see as empty. */
const PLAIN_COLLECTIONS = new Set([undefined, 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq']);

/** The first collection of a document that is not a plain mapping or list, with its tag and position, or null. */
export function nonPlainCollection(doc: Document): { tag: string; pos: number } | null {
  let found: { tag: string; pos: number } | null = null;
  visit(doc, {
    Collection(_key, node) {
      if (PLAIN_COLLECTIONS.has(node.tag)) return undefined;
      found = { tag: (node.tag ?? '').replace('tag:yaml.org,2002:', '!!'), pos: node.range?.[0] ?? 0 };
      return visit.BREAK;
    },
  });
  return found;
}

/** Line of a field path in a parsed file, or null when the file does not set it. */
export function lineOf(file: LoadedFile, path: readonly PropertyKey[]): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = file.doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) return file.lines.linePos(node.range[0]).line;
    if (n === 0) break;
  }
  return null;
}

/** Deep merge for `extends`: mappings merge key by key, anything else (lists included) is replaced. */
export function mergeLayers(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = Object.hasOwn(out, k) ? out[k] : undefined;
    const merged =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? mergeLayers(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
    // A data property even for a key like __proto__, so input can never reach a prototype.
    Object.defineProperty(out, k, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Files parsed in this process, by absolute path, with the size and mtime they had. */
const parsed = new Map<string, { size: number; mtimeMs: number; file: LoadedFile }>();

/**
 * {@link readInputFile} through a cache: `urd list` and sweeps load many scenarios that extend
 * the same base, and parsing YAML is most of their start-up. A file whose size or mtime changed
 * is read again. Callers get their own copy of the data (they edit it); the parsed document is
 * shared, read only.
 */
function readCached(abs: string): LoadedFile {
  let stat: { size: number; mtimeMs: number } | null = null;
  try {
    stat = statSync(abs);
  } catch {
    // readInputFile reports it
  }
  const hit = parsed.get(abs);
  if (stat && hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) return { ...hit.file, data: structuredClone(hit.file.data) };
  const file = readInputFile(abs);
  if (stat) parsed.set(abs, { size: stat.size, mtimeMs: stat.mtimeMs, file: { ...file, data: structuredClone(file.data) } });
  return file;
}

/**
 * Reads a file and the chain of files it `extends` (paths relative to the extending file),
 * returning the layers from the most basic to the file itself. Detects cycles.
 */
export function readWithExtends(path: string, chain: string[] = []): LoadedFile[] {
  const abs = resolve(path);
  if (chain.includes(abs)) {
    throw new InputError(displayPath(chain[chain.length - 1]), 'extends', null, `extends cycle: ${[...chain, abs].map(displayPath).join(' → ')}`);
  }
  if (chain.length >= MAX_EXTENDS) throw new InputError(displayPath(abs), 'extends', null, `more than ${MAX_EXTENDS} files in the extends chain`);
  const file = readCached(abs);
  const parent = file.data.extends;
  delete file.data.extends;
  if (parent === undefined) return [file];
  if (typeof parent !== 'string' || parent.length === 0) {
    throw new InputError(file.path, 'extends', lineOf(file, ['extends']), 'expected the path of another scenario file');
  }
  const parentPath = resolve(dirname(abs), parent);
  // Only scenario files are read (and echoed in errors): never a password file or a device named here.
  if (!/\.(ya?ml|json)$/i.test(parentPath)) {
    throw new InputError(file.path, 'extends', lineOf(file, ['extends']), `expected the path of a scenario file (.yaml, .yml or .json), got ${clip(displayPath(parentPath))}; it was not read`);
  }
  try {
    statSync(parentPath);
  } catch (err) {
    const loops = (err as NodeJS.ErrnoException).code === 'ELOOP';
    throw new InputError(file.path, 'extends', lineOf(file, ['extends']), `file ${clip(displayPath(parentPath))} ${loops ? 'is a symbolic link that loops' : 'not found'}`);
  }
  return [...readWithExtends(parentPath, [...chain, abs]), file];
}

/**
 * A translation belongs to the layer of its English: when a file that extends another sets its
 * own title, description or question but no Chinese for it, the parent's Chinese (which tells
 * the parent's story) is dropped rather than shown beside the wrong scenario.
 */
export function dropStaleTranslations(data: Record<string, unknown>, layers: readonly LoadedFile[]): void {
  for (const key of ['title', 'description', 'question']) {
    const last = [...layers].reverse().find((f) => Object.hasOwn(f.data, key) || Object.hasOwn(f.data, `${key}_zh`));
    if (last && !Object.hasOwn(last.data, `${key}_zh`)) delete data[`${key}_zh`];
  }
}


/** A scenario's texts (see localText), before validation. */
export interface ScenarioTexts {
  title?: string;
  description?: string;
  question?: string;
  title_zh?: string;
  description_zh?: string;
  question_zh?: string;
}

/**
 * The title, description and question of a scenario file (with its `extends` chain, the same
 * merge and translation rule as loading it) and nothing else: `urd list` shows them without
 * validating the rest (`urd validate` does). A text field that is not text is an InputError.
 */
export function readScenarioTexts(path: string): ScenarioTexts {
  const { layers, problems } = flattenTextLayers(readWithExtends(path));
  if (problems.length) throwAll(problems.map((p) => p.error));
  const data = layers.reduce<Record<string, unknown>>((acc, f) => mergeLayers(acc, f.data), {});
  dropStaleTranslations(data, layers);
  const texts: Record<string, string> = {};
  for (const key of ['title', 'description', 'question', 'title_zh', 'description_zh', 'question_zh']) {
    const value = data[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      const owner = [...layers].reverse().find((f) => Object.hasOwn(f.data, key)) ?? layers[layers.length - 1];
      throw new InputError(owner.path, key, lineOf(owner, [key]), `expected text, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`);
    }
    texts[key] = value;
  }
  return texts;
}
