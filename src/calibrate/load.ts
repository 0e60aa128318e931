import { basename, dirname, extname, resolve } from 'node:path';
import { display, fail, mergedOf, owner, parseLayered, setArg } from '../experiments/load.ts';
import { replicationSeeds } from '../experiments/seeds.ts';
import { parseParameter } from '../experiments/parameters.ts';
import { runScenario } from '../run/runScenario.ts';
import { InputError, readWithExtends, resolveScenario, type LoadedFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { describeIssue } from '../experiments/schema.ts';
import { readObserved, type Observation } from './observed.ts';
import { normalMassInside, toValue, uBounds, type FreeParameter } from './priors.ts';
import { CALIBRATION_LIMITS, calibrationSchema, parameterSpec, type Method } from './schema.ts';
import type { SeriesProbe } from './simulate.ts';

/** One observed series and how the model produces it. */
export interface Series {
  /** Scope and metric as named in the observed file. */
  scope: string;
  metric: string;
  /** What to read from each run. */
  probe: Omit<SeriesProbe, 'ticks'>;
  weight: number;
  ticks: number[];
  values: number[];
  sds: (number | null)[];
  years: (number | null)[];
  /** Per tick: kept out of the fit for validation. */
  heldOut: boolean[];
}

/**
 * Everything a calibration needs, resolved and validated. Paths are as shown to the user, so
 * the plan (and plan.json, which identifies a calibration folder) does not depend on where
 * the checkout lives.
 */
export interface CalibrationPlan {
  file: string;
  name: string;
  title: string;
  description: string;
  base: string;
  /** `--set` arguments of the fixed overrides (the file's `set:`, then the command line's), applied at every evaluation. */
  fixed: string[];
  /** The command line's `--set` arguments alone, so a resume can repeat them. */
  commandSet: string[];
  seed: number;
  /** Run seeds of every evaluation (common random numbers). */
  seeds: number[];
  parameters: FreeParameter[];
  observedFile: string;
  series: Series[];
  distance: 'rmse' | 'sd-weighted';
  holdOut: number;
  method: Method;
  budget: number;
}

/** `level>=k` (the share at divide level k or above) or a metric name of metrics.csv. */
export function modelMetrics(expr: string): string[] {
  const m = /^level\s*>=\s*([0-3])$/.exec(expr.trim());
  if (!m) return [expr.trim()];
  return [0, 1, 2, 3].filter((k) => k >= Number(m[1])).map((k) => `level${k}`);
}

/** Which (scope, metric) pairs a run of this scenario reports, from a one-tick run of a small copy. */
function probeKeys(scenario: Scenario): Set<string> {
  const keys = new Set<string>();
  const small: Scenario = { ...scenario, ticks: 1, world: { ...scenario.world, residents: Math.min(scenario.world.residents, 1000) } };
  runScenario(small, { onRows: (rows) => rows.forEach((r) => keys.add(`${r.scope}|${r.metric}`)) });
  return keys;
}

/** The scenario of one candidate (values in parameter order), loaded exactly as `urd run BASE --set ...` would. */
export function candidateArgs(plan: CalibrationPlan, values: readonly number[]): string[] {
  return [...plan.fixed, ...plan.parameters.map((p, i) => setArg(p.path, values[i]))];
}

/** The base scenario's files of each plan, read once (as loadExperiment reads a sweep's base once), not once per evaluation. */
const baseFiles = new WeakMap<CalibrationPlan, readonly LoadedFile[]>();

/** Loads the scenario of a candidate given as values (seed 0; runs set their own), exactly as `urd run BASE --set ...` would. */
export function candidateScenario(plan: CalibrationPlan, values: readonly number[]): Scenario {
  let layers = baseFiles.get(plan);
  if (!layers) {
    layers = readWithExtends(plan.base);
    baseFiles.set(plan, layers);
  }
  return resolveScenario(layers, { set: candidateArgs(plan, values), seed: 0 });
}

function parseFree(layers: readonly LoadedFile[], path: string, raw: unknown): FreeParameter {
  const at = ['parameters', path];
  const bad = (field: string | null, why: string): never => fail(layers, field ? [...at, field] : at, why);
  parseParameter(path, { min: 0, max: 0 }, 'lhs', (p, msg) => fail(layers, p, msg)); // the path checks shared with sweeps
  const r = parameterSpec.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const sub = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
    return fail(layers, [...at, ...sub], raw && typeof raw === 'object' ? describeIssue(issue, raw) : `expected { min, max, prior }, got ${JSON.stringify(raw)}`);
  }
  const s = r.data;
  if (!(s.max > s.min)) bad('max', `expected max > min (${s.min}), got ${s.max}`);
  if (s.prior === 'log-uniform' && s.min <= 0) bad('min', `a log-uniform prior needs min > 0, got ${s.min}`);
  if (s.prior === 'normal' && (s.mean === undefined || s.sd === undefined)) bad(s.mean === undefined ? 'mean' : 'sd', 'a normal prior needs a mean and an sd');
  if (s.prior !== 'normal' && (s.mean !== undefined || s.sd !== undefined)) bad(s.mean !== undefined ? 'mean' : 'sd', `mean and sd belong to a normal prior, not ${s.prior}`);
  if (s.integer && Math.ceil(s.min) > Math.floor(s.max)) bad('max', 'no whole number lies between min and max');
  const p: FreeParameter = { path, min: s.min, max: s.max, prior: s.prior, mean: s.mean ?? null, sd: s.sd ?? null, integer: s.integer };
  if (s.prior === 'normal' && normalMassInside(p) < 0.01) bad('mean', `the normal prior puts less than 1% of its mass inside [${s.min}, ${s.max}]; expected a mean and sd that fit the bounds`);
  return p;
}

/** Builds the series from the observed rows: the fitted ones, their model probes and held-out ticks. */
function buildSeries(layers: readonly LoadedFile[], file: ReturnType<typeof calibrationSchema.parse>, rows: Observation[], obsShown: string): Series[] {
  const keyOf = (scope: string, metric: string) => `${scope}|${metric}`;
  const groups = new Map<string, Observation[]>();
  for (const r of rows) groups.set(keyOf(r.scope, r.metric), [...(groups.get(keyOf(r.scope, r.metric)) ?? []), r]);
  const wanted = file.fit.series ?? [...groups.values()].map((g) => ({ scope: g[0].scope, metric: g[0].metric, weight: 1 }));
  wanted.forEach((w, i) => {
    if (!groups.has(keyOf(w.scope, w.metric))) fail(layers, ['fit', 'series', i], `no rows of scope ${w.scope}, metric ${w.metric} in ${obsShown}`);
  });
  for (const name of Object.keys(file.observed.metrics)) {
    if (!rows.some((r) => r.metric === name)) fail(layers, ['observed', 'metrics', name], `no metric "${name}" in ${obsShown}`);
  }
  // Held out: the last K distinct ticks observed in any fitted series, so every series is cut at the same year.
  const allTicks = [...new Set(wanted.flatMap((w) => (groups.get(keyOf(w.scope, w.metric)) as Observation[]).map((r) => r.tick)))].sort((a, b) => a - b);
  if (file.fit.holdOut >= allTicks.length) fail(layers, ['fit', 'holdOut'], `holds out ${file.fit.holdOut} of the ${allTicks.length} observed ticks; expected fewer, so some are left to fit`);
  const firstHeld = file.fit.holdOut > 0 ? allTicks[allTicks.length - file.fit.holdOut] : Infinity;
  return wanted.map((w) => {
    const obs = [...(groups.get(keyOf(w.scope, w.metric)) as Observation[])].sort((a, b) => a.tick - b.tick);
    const mapping = file.observed.metrics[w.metric];
    const expr = typeof mapping === 'string' ? mapping : (mapping?.model ?? w.metric);
    const scale = typeof mapping === 'object' ? mapping.scale : 1;
    return {
      scope: w.scope,
      metric: w.metric,
      probe: { scope: file.observed.scopes[w.scope] ?? w.scope, metrics: modelMetrics(expr), scale },
      weight: w.weight,
      ticks: obs.map((o) => o.tick),
      values: obs.map((o) => o.value),
      sds: obs.map((o) => o.sd),
      years: obs.map((o) => o.year),
      heldOut: obs.map((o) => o.tick >= firstHeld),
    };
  });
}

/**
 * Loads and validates a calibration file: its fields, every parameter's bounds and prior, the
 * observed file and its mapping to model metrics (checked against what a run reports), the
 * held-out ticks, the budget, and the scenario at the parameters' bounds. Any problem is an
 * {@link InputError} naming the file, the field (or line and column of the observed file) and
 * what was expected, before a single run starts.
 */
export function loadCalibration(path: string, commandSet: readonly string[] = []): CalibrationPlan {
  const layers = readWithExtends(path);
  const data = mergedOf(layers);
  const file = parseLayered(calibrationSchema, layers, data);
  const dirOf = (field: string) => dirname(resolve(owner(layers, [field]).path));
  const baseAbs = resolve(dirOf('scenario'), file.scenario);
  const obsAbs = resolve(dirOf('observed'), file.observed.file);
  const names = Object.keys(file.parameters);
  if (names.length === 0) fail(layers, ['parameters'], 'expected at least one parameter to fit');
  if (names.length > CALIBRATION_LIMITS.maxParameters) fail(layers, ['parameters'], `${names.length} parameters; expected at most ${CALIBRATION_LIMITS.maxParameters}`);
  const parameters = names.map((n) => parseFree(layers, n, file.parameters[n]));
  const fixed: string[] = [];
  for (const [key, value] of Object.entries(file.set)) {
    if (!/^[A-Za-z0-9_$]+(\.[A-Za-z0-9_$]+)*$/.test(key)) fail(layers, ['set', key], 'expected a scenario field path such as capital.alpha');
    if (key === 'seed') fail(layers, ['set', key], 'run seeds derive from the calibration seed; set `seed` instead');
    const clash = names.find((n) => n === key || n.startsWith(key + '.') || key.startsWith(n + '.'));
    if (clash) fail(layers, ['parameters', clash], `also set under set: ${key}; keep one of them`);
    try {
      fixed.push(setArg(key, value));
    } catch {
      fail(layers, ['set', key], 'expected a value that a --set argument can carry');
    }
  }
  for (const arg of commandSet) {
    const key = arg.slice(0, Math.max(0, arg.indexOf('=')));
    const clash = names.find((n) => n === key || n.startsWith(key + '.') || key.startsWith(n + '.'));
    if (clash) throw new InputError('--set', key || arg, null, `parameter ${clash} is being fitted; it cannot also be fixed`);
    if (key === 'seed') throw new InputError('--set', key, null, 'run seeds derive from the calibration seed; set `seed` in the calibration file');
    fixed.push(arg);
  }
  const obsShown = display(obsAbs);
  const rows = readObserved(obsAbs, obsShown);
  const series = buildSeries(layers, file, rows, obsShown);
  if (!series.some((s) => s.weight > 0)) fail(layers, ['fit', 'series'], 'every series has weight 0; expected at least one with a weight > 0');
  const hasSd = series.some((s) => s.sds.some((sd) => sd !== null));
  const distance = file.fit.distance ?? (hasSd ? 'sd-weighted' : 'rmse');
  if (distance === 'sd-weighted') {
    const missing = series.find((s) => s.sds.some((sd, k) => sd === null && !s.heldOut[k]));
    if (missing) fail(layers, ['fit', 'distance'], `sd-weighted needs an sd for every fitted row; ${obsShown} has none for scope ${missing.scope}, metric ${missing.metric}`);
  }
  const method = file.method;
  const perStep = method.type === 'abc-smc' ? Math.ceil(method.particles / method.acceptance) : parameters.length + 1;
  if (file.budget < perStep * file.seeds) {
    fail(layers, ['budget'], `${file.budget} runs cannot pay for one ${method.type === 'abc-smc' ? 'population' : 'starting simplex'} (${perStep} evaluations × ${file.seeds} seeds = ${perStep * file.seeds} runs); expected a larger budget`);
  }
  const plan: CalibrationPlan = {
    file: display(resolve(path)),
    name: file.name ?? basename(path, extname(path)).replace(/[^A-Za-z0-9._-]/g, '_'),
    title: file.title,
    description: file.description,
    base: display(baseAbs),
    fixed,
    commandSet: [...commandSet],
    seed: file.seed,
    seeds: replicationSeeds(file.seed, file.seeds),
    parameters,
    observedFile: obsShown,
    series,
    distance,
    holdOut: file.fit.holdOut,
    method,
    budget: file.budget,
  };
  checkScenarios(layers, plan, obsShown, rows);
  return plan;
}

/** Loads the scenario at each parameter's bounds and middle, and checks the series against what the model reports. */
function checkScenarios(layers: readonly LoadedFile[], plan: CalibrationPlan, obsShown: string, rows: Observation[]): void {
  let first: Scenario | null = null;
  for (const where of [0, 0.5, 1]) {
    const values = plan.parameters.map((p) => {
      const [lo, hi] = uBounds(p);
      return toValue(p, lo + where * (hi - lo));
    });
    try {
      const scenario = candidateScenario(plan, values);
      first ??= scenario;
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (err.file === plan.base && err.expected === 'file not found') fail(layers, ['scenario'], `file ${plan.base} not found`);
      const field = err.field ?? '';
      const i = plan.parameters.findIndex((p) => field === p.path || field.startsWith(p.path + '.') || p.path.startsWith(field + '.'));
      if (i >= 0) fail(layers, ['parameters', plan.parameters[i].path], `${err.expected} (scenario field ${field}, value ${values[i]})`);
      const key = Object.keys(mergedOf(layers).set ?? {}).find((k) => field === k || field.startsWith(k + '.') || k.startsWith(field + '.'));
      if (key !== undefined) fail(layers, ['set', key], `${err.expected} (scenario field ${field})`);
      throw err;
    }
  }
  const scenario = first as Scenario;
  const keys = probeKeys(scenario);
  for (const s of plan.series) {
    const line = 2 + rows.findIndex((r) => r.scope === s.scope && r.metric === s.metric);
    const last = s.ticks[s.ticks.length - 1];
    if (last > scenario.ticks) throw new InputError(obsShown, 'tick', line, `scope ${s.scope}, metric ${s.metric} is observed at tick ${last} but the scenario runs ${scenario.ticks} ticks; set ticks in the calibration's set:`);
    for (const m of s.probe.metrics) {
      if (!keys.has(`${s.probe.scope}|${m}`)) {
        const what = keys.has(`${s.probe.scope}|level0`) ? `metric "${m}" is not reported by the model` : `scope "${s.probe.scope}" is not reported by the model (expected urban, rural, all or ring:k)`;
        fail(layers, ['observed', keys.has(`${s.probe.scope}|level0`) ? 'metrics' : 'scopes'], `${what}, needed for scope ${s.scope}, metric ${s.metric} of ${obsShown} (line ${line}); map it to a model metric or level>=k`);
      }
    }
  }
}
