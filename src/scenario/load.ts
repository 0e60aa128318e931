import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { buildLayout, type Layout } from '../engine/geometry.ts';
import { countInfoPairs } from '../engine/infoField.ts';
import { safeText } from '../io/text.ts';
import { InputError } from './inputError.ts';
import { clip, displayPath, dropStaleTranslations, flattenTextLayers, lineOf, shownPath, mergeLayers, nonPlainCollection, readUtf8, readWithExtends, throwAll, type LoadedFile } from './read.ts';
import { scenarioJsonSchema } from './jsonSchema.ts';
import { parsePlacesCsv } from './placesCsv.ts';
import { ringPopulations } from '../model/initialize.ts';
import { LIMITS, scenarioSchema, type Scenario } from './schema.ts';
import { flattenLocalText } from './localText.ts';
import { didYouMean } from './suggest.ts';

export { InputError } from './inputError.ts';
export { InputErrors, lineOf, MAX_FILE_BYTES, mergeLayers, readInputFile, readWithExtends, throwAll, type LoadedFile } from './read.ts';

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
  const { layers, problems } = flattenTextLayers(given);
  const textErrors: Blamed[] = problems;
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
