import { statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { buildLayout, type Layout } from '../engine/geometry.ts';
import { countInfoPairs } from '../engine/infoField.ts';
import { ReadRefused, readRegularFile } from '../io/readFile.ts';
import { safeText } from '../io/text.ts';
import { InputError } from './inputError.ts';
import { scenarioJsonSchema } from './jsonSchema.ts';
import { parsePlacesCsv } from './placesCsv.ts';
import { ringPopulations } from '../model/initialize.ts';
import { LIMITS, scenarioSchema, type Scenario } from './schema.ts';
import { flattenLocalText } from './localText.ts';
import { didYouMean } from './suggest.ts';

/** Largest scenario or experiment file read; bigger ones are refused before parsing. */
export const MAX_FILE_BYTES = 1 << 20;
/** Deepest nesting accepted in an input file (the schema needs 4). */
const MAX_DEPTH = 32;
/** Longest `extends` chain. */
const MAX_EXTENDS = 16;

export { InputError } from './inputError.ts';

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
function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function displayPath(path: string): string {
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
function readUtf8(path: string, shown: string, maxBytes: number, refused: (reason: string) => InputError): string {
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
function nonPlainCollection(doc: Document): { tag: string; pos: number } | null {
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
 * Sets `value` at a dotted path (`capital.alpha`, `interventions.0.budget`) in a plain object.
 * A list index must be a whole number no larger than the list's length (the length itself adds
 * an entry), checked before anything is allocated: `rings.99999999` or `rings.-1` is refused,
 * never a sparse list of a hundred million holes or a key silently ignored.
 */
export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = normalPath(dotted).split('.');
  const bad = keys.find((k) => k === '' || k === '__proto__' || k === 'constructor' || k === 'prototype');
  if (bad !== undefined) throw new InputError('--set', dotted, null, bad === '' ? 'expected a field path such as capital.alpha' : `"${bad}" is not a scenario field`);
  const isIndex = (k: string) => /^(0|[1-9]\d{0,8})$/.test(k);
  let node: Record<string, unknown> | unknown[] = target;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (Array.isArray(node)) {
      const at = keys.slice(0, k).join('.');
      if (!isIndex(key) || Number(key) > node.length) {
        throw new InputError('--set', dotted, null, `${at} has ${node.length} entr${node.length === 1 ? 'y' : 'ies'}; expected an index from 0 to ${node.length}, got "${key}"`);
      }
    }
    const holder = node as Record<string, unknown>;
    if (k === keys.length - 1) {
      holder[key] = value;
      return;
    }
    const next = holder[key];
    if (next === null || typeof next !== 'object') holder[key] = isIndex(keys[k + 1]) ? [] : {};
    node = holder[key] as Record<string, unknown> | unknown[];
  }
}

/** A field path as --set takes it: `interventions[0].budget` (as errors print it) or `interventions.0.budget`. */
export function normalPath(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1');
}

/** The field names the schema allows at a path (for "did you mean"), from the JSON Schema. */
function knownFields(path: readonly PropertyKey[]): string[] {
  let node = scenarioJsonSchema() as Record<string, unknown>;
  for (const k of path) {
    const next = (typeof k === 'number' || /^\d+$/.test(String(k)) ? node.items : (node.properties as Record<string, unknown> | undefined)?.[String(k)]) as Record<string, unknown> | undefined;
    if (!next) return [];
    node = next;
  }
  return Object.keys((node.properties as Record<string, unknown>) ?? {});
}

/** Overrides from the command line: `--set path=value` (value read as YAML), `--seed`, `--ticks`. */
export interface Overrides {
  set?: readonly string[];
  seed?: number;
  ticks?: number;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const got = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), data);
  const shown = got === undefined ? 'nothing' : typeof got === 'number' && !Number.isFinite(got) ? String(got) : (JSON.stringify(got)?.slice(0, 60) ?? String(got));
  switch (issue.code) {
    case 'unrecognized_keys': {
      const hint = issue.keys.length === 1 ? didYouMean(issue.keys[0], knownFields(issue.path)) : '';
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${clip(issue.keys.map((k) => JSON.stringify(k)).join(', '))}${hint}; expected only the fields in docs/scenario.schema.json`;
    }
    case 'invalid_type':
      return `expected ${issue.expected}, got ${shown}`;
    case 'too_big':
      return `expected a value ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}, got ${shown}`;
    case 'too_small':
      return issue.origin === 'array' ? `expected at least ${String(issue.minimum)} entries` : `expected a value ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}, got ${shown}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${shown}${typeof got === 'string' ? didYouMean(got, issue.values.map(String)) : ''}`;
    default: {
      // Custom checks list their allowed values as "expected one of a, b for ...".
      const allowed = /expected one of (.+?)(?: for |$)/.exec(issue.message)?.[1]?.split(', ');
      return `${issue.message}${got !== undefined ? `, got ${shown}` : ''}${allowed && typeof got === 'string' ? didYouMean(got, allowed) : ''}`;
    }
  }
}

/**
 * One issue per field: the first, except that of two bounds on the same field the tighter
 * one wins (zod reports "≤ 2^53 - 1" for integers before the field's own maximum).
 */
function mostSpecific(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const byField = new Map<string, z.core.$ZodIssue>();
  for (const i of issues) {
    const key = i.code === 'unrecognized_keys' ? [...i.path, ...i.keys].join('.') : i.path.join('.');
    const best = byField.get(key);
    if (!best) byField.set(key, i);
    else if (best.code === 'too_big' && i.code === 'too_big' && Number(i.maximum) < Number(best.maximum)) byField.set(key, i);
  }
  return [...byField.values()];
}

/** Largest places CSV (world.places.file): 200,000 places at a few hundred bytes a row. */
const MAX_PLACES_CSV_BYTES = 64 << 20;

/**
 * Replaces world.places.file by world.places.table, read from the CSV (its path is relative to
 * the scenario file that names it), so the resolved scenario carries its places and a run folder
 * is complete without the CSV.
 */
function readPlacesFile(data: Record<string, unknown>, layers: readonly LoadedFile[]): void {
  const world = data.world as Record<string, unknown> | undefined;
  const places = world?.places as Record<string, unknown> | undefined;
  if (!places || typeof places.file !== 'string') return;
  const owner = [...layers].reverse().find((f) => lineOf(f, ['world', 'places', 'file']) !== null) ?? layers[layers.length - 1];
  const path = resolve(dirname(resolve(owner.path)), places.file);
  const shown = displayPath(path);
  const text = readUtf8(path, shown, MAX_PLACES_CSV_BYTES, (reason) => new InputError(owner.path, 'world.places.file', lineOf(owner, ['world', 'places', 'file']), `${clip(shown)}: ${reason}`));
  const rings = Array.isArray(world!.rings) ? world!.rings.length : scenarioSchema.parse({}).world.rings.length;
  const kmPerUnit = typeof places.kmPerUnit === 'number' && places.kmPerUnit > 0 ? places.kmPerUnit : 10;
  world!.places = { table: parsePlacesCsv(text, shown, kmPerUnit, rings) };
}

/**
 * With world.places set, each ring's count and radius come from the places (the rings give each
 * level its class and start values): count the level's places, radius their mean distance from
 * the centre of the cores. So everything that reads the rings sees the world that runs.
 */
function deriveRings(scenario: Scenario, layout: Layout): void {
  if (!scenario.world.places) return;
  const { ringStart, x, y } = layout;
  let cx = 0;
  let cy = 0;
  for (let p = 0; p < ringStart[1]; p++) {
    cx += x[p] / ringStart[1];
    cy += y[p] / ringStart[1];
  }
  scenario.world.rings.forEach((ring, r) => {
    let sum = 0;
    for (let p = ringStart[r]; p < ringStart[r + 1]; p++) sum += Math.hypot(x[p] - cx, y[p] - cy);
    ring.count = ringStart[r + 1] - ringStart[r];
    ring.radius = ring.count > 0 ? sum / ring.count : 0;
  });
}

/** Cross-field limits the schema cannot express, checked before anything is allocated. */
function checkWorld(scenario: Scenario, file: LoadedFile): void {
  const layout = scenario.world.places ? buildLayout(scenario.world) : null;
  if (layout) deriveRings(scenario, layout);
  const places = scenario.world.rings.reduce((n, r) => n + r.count, 0);
  if (places > LIMITS.maxPlaces) {
    throw new InputError(file.path, 'world.rings', lineOf(file, ['world', 'rings']), `${places} places in all; expected at most ${LIMITS.maxPlaces}`);
  }
  const neighbours = scenario.diffusion.infoNeighbours;
  // A neighbour cap bounds the pairs by places × cap, so most large worlds need no count.
  if (places * (places - 1) > LIMITS.maxInfoPairs && !(neighbours > 0 && places * neighbours <= LIMITS.maxInfoPairs)) {
    const pairs = countInfoPairs(layout ?? buildLayout(scenario.world), scenario.diffusion.infoDecay, neighbours, LIMITS.maxInfoPairs);
    if (pairs > LIMITS.maxInfoPairs) {
      throw new InputError(
        file.path,
        'world.rings',
        lineOf(file, ['world', 'rings']),
        `${places} places this close together link more than ${LIMITS.maxInfoPairs} pairs in the information field (diffusion.infoDecay ${scenario.diffusion.infoDecay}); expected fewer places, rings further apart or a smaller infoDecay`,
      );
    }
  }
  // The urban-rural gap compares the two classes: without residents in one of them it is undefined.
  const residents = { urban: 0, rural: 0 };
  ringPopulations(scenario).forEach((n, i) => (residents[scenario.world.rings[i].class] += n));
  for (const cls of ['urban', 'rural'] as const) {
    if (residents[cls] === 0) {
      throw new InputError(
        file.path,
        'world.rings',
        lineOf(file, ['world', 'rings']),
        `no ${cls} residents at the start (no ${cls} ring, or every ${cls} ring has popShare 0${scenario.world.residents < 10 ? ' or too few residents' : ''}); the urban-rural gap is undefined without both classes: expected residents in at least one urban and one rural ring`,
      );
    }
  }
  if (!scenario.world.places && scenario.world.rings[0].count > 1 && scenario.world.rings[0].radius === 0) {
    throw new InputError(file.path, 'world.rings.0.radius', lineOf(file, ['world', 'rings', 0]), 'expected a radius > 0 when ring 0 holds more than one core');
  }
  scenario.interventions.forEach((iv, i) => {
    for (const r of iv.target.rings ?? []) {
      if (r >= scenario.world.rings.length) {
        throw new InputError(file.path, `interventions.${i}.target.rings`, lineOf(file, ['interventions', i, 'target', 'rings']), `ring ${r} does not exist; expected 0..${scenario.world.rings.length - 1}`);
      }
    }
  });
}

/**
 * A translation belongs to the layer of its English: when a file that extends another sets its
 * own title, description or question but no Chinese for it, the parent's Chinese (which tells
 * the parent's story) is dropped rather than shown beside the wrong scenario.
 */
function dropStaleTranslations(data: Record<string, unknown>, layers: readonly LoadedFile[]): void {
  for (const key of ['title', 'description', 'question']) {
    const last = [...layers].reverse().find((f) => Object.hasOwn(f.data, key) || Object.hasOwn(f.data, `${key}_zh`));
    if (last && !Object.hasOwn(last.data, `${key}_zh`)) delete data[`${key}_zh`];
  }
}

/**
 * Loads a scenario file: reads it and its `extends` chain, applies command-line overrides,
 * validates against the schema (filling defaults) and checks cross-field limits. Every problem
 * is an {@link InputError} naming the file, the field path, the line and what was expected.
 */
export function loadScenario(path: string, overrides: Overrides = {}): Scenario {
  return resolveScenario(readWithExtends(path), overrides);
}

/**
 * Resolves a scenario from files already read (see {@link readWithExtends}), so a caller that
 * loads one base many times with different overrides (an experiment's points) reads it once.
 * The layers are not changed.
 */
export function resolveScenario(given: readonly LoadedFile[], overrides: Overrides = {}): Scenario {
  // Per-language maps (title: {en, zh}) become title and title_zh layer by layer, so a file that
  // extends another overrides its texts whichever form either uses.
  const textErrors: Blamed[] = [];
  const layers = given.map((f, order) => {
    const flat = flattenLocalText(f.data);
    for (const p of flat.problems) {
      const line = lineOf(f, p.path);
      textErrors.push({ order, line: line ?? 0, error: new InputError(f.path, shownPath(p.path), line, p.expected) });
    }
    return { ...f, data: flat.data };
  });
  let data = layers.reduce<Record<string, unknown>>((acc, f) => mergeLayers(acc, f.data), {});
  dropStaleTranslations(data, layers);
  const top = layers[layers.length - 1];
  const setPaths: string[] = [];
  for (const raw of overrides.set ?? []) {
    // --set title.zh=... sets the Chinese title, as the map in a file does.
    const assignment = raw.replace(/^(title|description|question)\.(en|zh)=/, (_, key: string, lang: string) => `${key}${lang === 'zh' ? '_zh' : ''}=`);
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new InputError('--set', assignment, null, 'expected path=value, e.g. capital.alpha=0.4');
    setPaths.push(normalPath(assignment.slice(0, eq)));
    data = structuredClone(data);
    let value: unknown;
    try {
      const doc = parseDocument(assignment.slice(eq + 1), { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
      const problem = doc.errors[0] ?? doc.warnings[0];
      if (problem) throw problem;
      const odd = nonPlainCollection(doc);
      if (odd) throw new Error(`${odd.tag} is not read by urd; expected a plain mapping or list`);
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new InputError('--set', assignment.slice(0, eq), null, `value is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    setPath(data, assignment.slice(0, eq), value);
  }
  if (setPaths.length) {
    const flat = flattenLocalText(data);
    for (const p of flat.problems) textErrors.push({ order: -1, line: 0, error: new InputError('--set', shownPath(p.path), null, p.expected) });
    data = flat.data;
  }
  if (overrides.seed !== undefined) data.seed = overrides.seed;
  if (overrides.ticks !== undefined) data.ticks = overrides.ticks;
  readPlacesFile(data, layers);
  const result = scenarioSchema.safeParse(data);
  if (!result.success || textErrors.length) {
    const blame = (issue: z.core.$ZodIssue): Blamed => {
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
      const dotted = path.map(String).join('.');
      const shown = shownPath(path);
      // A field that --set wrote is the command line's mistake, not the file's.
      const set = setPaths.find((p) => p === dotted || dotted.startsWith(`${p}.`) || p.startsWith(`${dotted}.`));
      if (set !== undefined) return { order: -1, line: 0, error: new InputError('--set', set, null, describeIssue(issue, data)) };
      // Blame the last layer that sets the field (or its nearest parent).
      const owner = [...layers].reverse().find((f) => lineOf(f, path) !== null && f.doc.hasIn(path.slice(0, 1) as unknown[])) ?? top;
      const line = lineOf(owner, path);
      return { order: layers.indexOf(owner), line: line ?? 0, error: new InputError(owner.path, shown || null, line, describeIssue(issue, data)) };
    };
    const found = [...textErrors, ...(result.success ? [] : mostSpecific(result.error.issues).map(blame))];
    // In file order: --set first, then each file of the extends chain from the base, by line.
    found.sort((a, b) => a.order - b.order || a.line - b.line);
    return throwAll(found.map((f) => f.error));
  }
  checkWorld(result.data, top);
  return result.data;
}

/** An error with where it belongs in file order: the layer (-1 for --set) and the line. */
type Blamed = { order: number; line: number; error: InputError };

/** A field path as the user writes it: interventions[0].budget (which --set takes too). */
function shownPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
}
