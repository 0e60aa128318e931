import { basename, dirname, extname, relative, resolve } from 'node:path';
import { parse as parseYamlScalar } from 'yaml';
import type { z } from 'zod';
import { canonicalJson, scenarioHash } from '../io/runFolder.ts';
import { InputError, lineOf, loadScenario, mergeLayers, readWithExtends, resolveScenario, type LoadedFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { designStream, factorial, latinHypercube, morrisDesign, type Bounds, type MorrisPlan, type Scalar } from './design.ts';
import { probeFinalMetrics } from './probe.ts';
import { checkMetricName } from './metrics.ts';
import { parseParameter } from './parameters.ts';
import { flattenLocalText } from '../scenario/localText.ts';
import { EXPERIMENT_LIMITS, describeIssue, experimentSchema, type Design } from './schema.ts';
import { replicationSeeds } from './seeds.ts';

/**
 * Everything a sweep needs, resolved and validated: the points (one value per parameter), the
 * seeds, the kept metrics. Paths are as shown to the user (relative to the working directory),
 * so the plan, sweep.json and runs.csv do not depend on where the checkout lives.
 */
export interface ExperimentPlan {
  file: string;
  name: string;
  base: string;
  /** `--set` arguments from the experiment's `set:` block, applied at every point. */
  fixed: string[];
  seed: number;
  replications: number;
  design: Design;
  parameters: string[];
  points: Scalar[][];
  morris: MorrisPlan | null;
  metrics: string[];
  perRunMetrics: boolean;
  seeds: number[];
  /** Hash of each point's resolved scenario (seed set to 0), to detect a base file that changed. */
  pointHashes: string[];
}

/** A path as shown to the user: relative to the working directory when inside it. */
export function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** The layer that sets a field (or its nearest parent), for blaming the right file and line. */
export function owner(layers: readonly LoadedFile[], path: readonly PropertyKey[]): LoadedFile {
  return [...layers].reverse().find((f) => f.doc.hasIn(path.slice(0, 1) as unknown[]) && lineOf(f, path) !== null) ?? layers[layers.length - 1];
}

/** Parses a layered file's merged data with a schema; its first issue is an InputError at the field (and line) it concerns. */
export function parseLayered<T>(schema: z.ZodType<T>, layers: readonly LoadedFile[], data: unknown): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  return fail(layers, at, describeIssue(issue, data));
}

/** Throws an InputError at a field of a layered file (the layer that sets it, with its line). */
export function fail(layers: readonly LoadedFile[], path: readonly PropertyKey[], expected: string): never {
  const file = owner(layers, path);
  throw new InputError(file.path, path.map(String).join('.') || null, lineOf(file, path), expected);
}

/**
 * Returns the `--set` argument that gives `value` at `path`, written so that `urd run` reads it
 * back to exactly the same value (numbers in shortest round-trip form, text quoted when YAML
 * would read it as something else). Sweeps use these very strings, so a row's command reruns it.
 */
export function setArg(path: string, value: unknown): string {
  const plain = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  // How `urd run` reads the text back (null when it is not valid YAML, e.g. a string like "{").
  const readBack = (text: string): string | null => {
    try {
      return canonicalJson(parseYamlScalar(text, { logLevel: 'error' }));
    } catch {
      return null;
    }
  };
  const text = readBack(plain) === canonicalJson(value) ? plain : JSON.stringify(value);
  if (readBack(text) !== canonicalJson(value)) throw new RangeError(`value at ${path} cannot be written as --set`);
  return `${path}=${text}`;
}

/** Quotes a shell argument when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_.,:=/+@%-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The `--set` arguments of one point: the fixed ones first, then its parameter values. */
export function pointArgs(plan: ExperimentPlan, point: number): string[] {
  return [...plan.fixed, ...plan.parameters.map((p, i) => setArg(p, plan.points[point][i]))];
}

/** Loads one run's scenario exactly as `urd run BASE --seed SEED --set ...` does. */
export function pointScenario(plan: ExperimentPlan, point: number, seed: number): Scenario {
  return loadScenario(plan.base, { set: pointArgs(plan, point), seed });
}

/** The shell command that reruns one run alone with `urd run` (paths relative to the sweep's working directory). */
export function rerunCommand(plan: ExperimentPlan, point: number, replication: number): string {
  const args = ['urd', 'run', plan.base, '--seed', String(plan.seeds[replication])];
  for (const a of pointArgs(plan, point)) args.push('--set', a);
  return args.map(shellQuote).join(' ');
}

function generatePoints(layers: readonly LoadedFile[], design: Design, specs: ReturnType<typeof parseParameter>[], seed: number) {
  if (design.type === 'factorial') {
    const count = specs.reduce((n, s) => n * (s.kind === 'list' ? s.values.length : 1), 1);
    if (count > EXPERIMENT_LIMITS.maxPoints) fail(layers, ['parameters'], `${count} points in the grid; expected at most ${EXPERIMENT_LIMITS.maxPoints}`);
    return { points: factorial(specs.map((s) => (s.kind === 'list' ? s.values : []))), morris: null };
  }
  const bounds = specs.map((s) => s as Bounds);
  if (bounds.length === 0) fail(layers, ['parameters'], `expected at least one parameter for the ${design.type} design`);
  if (design.type === 'lhs') return { points: latinHypercube(bounds, design.samples, designStream('lhs', seed)), morris: null };
  if (design.levels % 2 !== 0) fail(layers, ['design', 'levels'], `expected an even number of levels, got ${design.levels}`);
  const count = design.trajectories * (bounds.length + 1);
  if (count > EXPERIMENT_LIMITS.maxPoints) fail(layers, ['design', 'trajectories'], `${count} points; expected at most ${EXPERIMENT_LIMITS.maxPoints}`);
  const { points, plan } = morrisDesign(bounds, design.trajectories, design.levels, designStream('morris', seed));
  return { points, morris: plan };
}

/** Turns an error in one point's scenario into an error at the experiment field that caused it. */
function blamePoint(err: InputError, layers: readonly LoadedFile[], plan: ExperimentPlan, point: number): never {
  const field = err.field ?? '';
  const related = (key: string) => field === key || field.startsWith(key + '.') || key.startsWith(field + '.');
  const param = plan.parameters.findIndex(related);
  if (param >= 0) {
    const full = JSON.stringify(plan.points[point][param]);
    const value = full.length > 60 ? `${full.slice(0, 57)}...` : full;
    fail(layers, ['parameters', plan.parameters[param]], `${err.expected} (scenario field ${field}, point ${point}, value ${value})`);
  }
  const fixed = Object.keys(mergedOf(layers).set ?? {}).find(related);
  if (fixed !== undefined) fail(layers, ['set', fixed], `${err.expected} (scenario field ${field})`);
  throw err;
}

/** The merged data of an extends chain. */
export function mergedOf(layers: readonly LoadedFile[]): Record<string, Record<string, unknown> | undefined> {
  return layers.reduce<Record<string, unknown>>((acc, f) => mergeLayers(acc, f.data), {}) as Record<string, Record<string, unknown> | undefined>;
}

/**
 * Loads and validates an experiment file: its fields, every parameter spec, the design, the
 * metric names, and every point's scenario (each loaded exactly as its runs will be). Any
 * problem is an {@link InputError} naming the experiment file, the field and its line, before
 * a single run starts.
 */
export function loadExperiment(path: string, onProgress?: (checked: number, points: number) => void): ExperimentPlan {
  const layers = readWithExtends(path);
  // title: {en, zh} reads as title and title_zh, as in a scenario.
  const flat = flattenLocalText(mergedOf(layers), ['title', 'description']);
  if (flat.problems.length) fail(layers, flat.problems[0].path, flat.problems[0].expected);
  const data = flat.data as ReturnType<typeof mergedOf>;
  // A record drops a key named like a prototype member without a word: refuse it by name instead.
  for (const section of ['parameters', 'set'] as const) {
    const block = data[section];
    const key = block && typeof block === 'object' ? ['__proto__', 'constructor', 'prototype'].find((k) => Object.hasOwn(block, k)) : undefined;
    if (key !== undefined) fail(layers, [section, key], `"${key}" is not a scenario field`);
  }
  const exp = parseLayered(experimentSchema, layers, data);
  const baseOwner = owner(layers, ['base']);
  const baseAbs = resolve(dirname(resolve(baseOwner.path)), exp.base);
  const names = Object.keys(exp.parameters);
  const specs = names.map((name) => parseParameter(name, exp.parameters[name], exp.design.type, (p, msg) => fail(layers, p, msg)));
  for (const key of Object.keys(exp.set)) {
    if (!/^[A-Za-z0-9_$]+(\.[A-Za-z0-9_$]+)*$/.test(key)) fail(layers, ['set', key], 'expected a scenario field path such as capital.alpha');
    if (key === 'seed') fail(layers, ['set', key], 'the seed is set per run from the experiment seed; set the experiment `seed` instead');
    const clash = names.find((n) => n === key || n.startsWith(key + '.') || key.startsWith(n + '.'));
    if (clash) fail(layers, ['parameters', clash], `also set under set: ${key}; keep one of them`);
  }
  const { points, morris } = generatePoints(layers, exp.design, specs, exp.seed);
  const runs = points.length * exp.replications;
  if (runs > EXPERIMENT_LIMITS.maxRuns) fail(layers, ['replications'], `${runs} runs in all; expected at most ${EXPERIMENT_LIMITS.maxRuns}`);
  const plan: ExperimentPlan = {
    file: display(resolve(path)),
    name: exp.name ?? basename(path, extname(path)).replace(/[^A-Za-z0-9._-]/g, '_'),
    base: display(baseAbs),
    fixed: [],
    seed: exp.seed,
    replications: exp.replications,
    design: exp.design,
    parameters: names,
    points,
    morris,
    metrics: exp.metrics,
    perRunMetrics: exp.perRunMetrics,
    seeds: replicationSeeds(exp.seed, exp.replications),
    pointHashes: [],
  };
  for (const [key, value] of Object.entries(exp.set)) {
    try {
      plan.fixed.push(setArg(key, value));
    } catch {
      fail(layers, ['set', key], 'expected a value that a --set argument can carry');
    }
  }
  // The base is read and parsed once, not once per point (an experiment may have 100,000 points).
  let baseLayers: LoadedFile[];
  try {
    baseLayers = readWithExtends(plan.base);
  } catch (err) {
    if (err instanceof InputError && err.file === display(baseAbs) && err.field === null && err.expected === 'file not found') {
      fail(layers, ['base'], `file ${display(baseAbs)} not found`);
    }
    throw err;
  }
  const load = (p: number): Scenario => {
    try {
      return resolveScenario(baseLayers, { set: pointArgs(plan, p), seed: 0 });
    } catch (err) {
      if (err instanceof InputError) blamePoint(err, layers, plan, p);
      throw err;
    }
  };
  // Metric names are checked against the first point before the other points are loaded, so
  // a typo in metrics: is reported at once even for a sweep of many points.
  const first = load(0);
  const finals = exp.metrics.some((m) => m.startsWith('final.')) ? probeFinalMetrics(first) : [];
  const seen = new Set<string>();
  exp.metrics.forEach((m, i) => {
    const problem = checkMetricName(m, finals);
    if (problem) fail(layers, ['metrics', i], problem);
    if (seen.has(m)) fail(layers, ['metrics', i], `metric "${m}" is listed twice`);
    seen.add(m);
  });
  plan.pointHashes.push(scenarioHash(first));
  for (let p = 1; p < points.length; p++) {
    plan.pointHashes.push(scenarioHash(load(p)));
    if (p % 500 === 0) onProgress?.(p, points.length);
  }
  onProgress?.(points.length, points.length);
  return plan;
}
