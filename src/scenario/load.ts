import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, parse as parseYamlScalar } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { LIMITS, scenarioSchema, type Scenario } from './schema.ts';

/** Largest scenario or experiment file read; bigger ones are refused before parsing. */
export const MAX_FILE_BYTES = 1 << 20;
/** Deepest nesting accepted in an input file (the schema needs 4). */
const MAX_DEPTH = 32;
/** Longest `extends` chain. */
const MAX_EXTENDS = 16;

/** Bad input: one line naming the file, the field path (and line) and what was expected. Exit code 2. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | null,
    readonly line: number | null,
    readonly expected: string,
  ) {
    super(`${file}${line !== null ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${expected}`);
  }
}

/** A parsed input file: its data and its document, for mapping field paths to lines. */
export interface LoadedFile {
  path: string;
  data: Record<string, unknown>;
  doc: Document;
  lines: LineCounter;
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
 * Reads and parses one YAML or JSON file (JSON is read by the YAML parser too, so both get line
 * numbers). Refuses files that are missing, too big, not UTF-8, not a mapping or nested too deep.
 */
export function readInputFile(path: string): LoadedFile {
  const shown = displayPath(path);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new InputError(shown, null, null, 'file not found');
  }
  if (size > MAX_FILE_BYTES) throw new InputError(shown, null, null, `file is ${size} bytes; expected at most ${MAX_FILE_BYTES}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EISDIR') throw new InputError(shown, null, null, 'is a folder; expected a YAML or JSON file');
    throw new InputError(shown, null, null, 'file is not valid UTF-8 text');
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = lines.linePos(err.pos[0]).line;
    throw new InputError(shown, null, line, `not valid YAML/JSON: ${err.message.split('\n')[0]}`);
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(shown, null, 1, 'expected a mapping of fields (name: value) at the top level');
  }
  if (depth(data) > MAX_DEPTH) throw new InputError(shown, null, null, `nested more than ${MAX_DEPTH} levels deep`);
  return { path: shown, data: data as Record<string, unknown>, doc, lines };
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
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? mergeLayers(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
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
  const file = readInputFile(abs);
  const parent = file.data.extends;
  delete file.data.extends;
  if (parent === undefined) return [file];
  if (typeof parent !== 'string' || parent.length === 0) {
    throw new InputError(file.path, 'extends', lineOf(file, ['extends']), 'expected the path of another scenario file');
  }
  const parentPath = resolve(dirname(abs), parent);
  try {
    statSync(parentPath);
  } catch {
    throw new InputError(file.path, 'extends', lineOf(file, ['extends']), `file ${displayPath(parentPath)} not found`);
  }
  return [...readWithExtends(parentPath, [...chain, abs]), file];
}

/** Sets `value` at a dotted path (`capital.alpha`, `interventions.0.budget`) in a plain object. */
export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node: Record<string, unknown> = target;
  for (let k = 0; k < keys.length - 1; k++) {
    const next = node[keys[k]];
    if (next === null || typeof next !== 'object') node[keys[k]] = /^\d+$/.test(keys[k + 1]) ? [] : {};
    node = node[keys[k]] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** Overrides from the command line: `--set path=value` (value read as YAML), `--seed`, `--ticks`. */
export interface Overrides {
  set?: readonly string[];
  seed?: number;
  ticks?: number;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const got = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), data);
  const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 60);
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; expected only the fields in docs/scenario.schema.json`;
    case 'invalid_type':
      return `expected ${issue.expected}, got ${shown}`;
    case 'too_big':
      return `expected a value ≤ ${String(issue.maximum)}, got ${shown}`;
    case 'too_small':
      return issue.origin === 'array' ? `expected at least ${String(issue.minimum)} entries` : `expected a value ≥ ${String(issue.minimum)}, got ${shown}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${shown}`;
    default:
      return `${issue.message}${got !== undefined ? `, got ${shown}` : ''}`;
  }
}

/** Cross-field limits the schema cannot express, checked before anything is allocated. */
function checkWorld(scenario: Scenario, file: LoadedFile): void {
  const places = scenario.world.rings.reduce((n, r) => n + r.count, 0);
  if (places > LIMITS.maxPlaces) {
    throw new InputError(file.path, 'world.rings', lineOf(file, ['world', 'rings']), `${places} places in all; expected at most ${LIMITS.maxPlaces}`);
  }
  if (scenario.world.rings[0].count > 1 && scenario.world.rings[0].radius === 0) {
    throw new InputError(file.path, 'world.rings.0.radius', lineOf(file, ['world', 'rings', 0]), 'expected a radius > 0 when ring 0 holds more than one core');
  }
  if (scenario.world.rings.reduce((s, r) => s + r.popShare, 0) <= 0) {
    throw new InputError(file.path, 'world.rings', lineOf(file, ['world', 'rings']), 'expected some ring with popShare > 0');
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
 * Loads a scenario file: reads it and its `extends` chain, applies command-line overrides,
 * validates against the schema (filling defaults) and checks cross-field limits. Every problem
 * is an {@link InputError} naming the file, the field path, the line and what was expected.
 */
export function loadScenario(path: string, overrides: Overrides = {}): Scenario {
  const layers = readWithExtends(path);
  let data = layers.reduce<Record<string, unknown>>((acc, f) => mergeLayers(acc, f.data), {});
  const top = layers[layers.length - 1];
  for (const assignment of overrides.set ?? []) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new InputError('--set', assignment, null, 'expected path=value, e.g. capital.alpha=0.4');
    data = structuredClone(data);
    setPath(data, assignment.slice(0, eq), parseYamlScalar(assignment.slice(eq + 1)));
  }
  if (overrides.seed !== undefined) data.seed = overrides.seed;
  if (overrides.ticks !== undefined) data.ticks = overrides.ticks;
  const result = scenarioSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
    // Blame the last layer that sets the field (or its nearest parent).
    const owner = [...layers].reverse().find((f) => lineOf(f, path) !== null && f.doc.hasIn(path.slice(0, 1) as unknown[])) ?? top;
    throw new InputError(owner.path, path.map(String).join('.') || null, lineOf(owner, path), describeIssue(issue, data));
  }
  checkWorld(result.data, top);
  return result.data;
}
