/**
 * Reads a sweep folder — runs.csv (one row per run: run, point, replication, seed, the swept
 * parameters, verdict, dpd_final, ...) and aggregate.csv when present — and turns it into the
 * grids and series that the sweep charts draw.
 */
import { existsSync } from 'node:fs';
import { readFolderText } from '../io/outputFolder.ts';
import { join } from 'node:path';
import { tConfidenceInterval } from '../metrics/convergence.ts';
import { InputError } from '../scenario/load.ts';
import type { HeatGrid } from './compareCharts.ts';
import { csvNumber, forEachLine, parseCsvLine } from './read.ts';

/** A CSV file as a header and rows of raw strings. */
export interface CsvTable {
  columns: string[];
  rows: string[][];
}

/** Reads a whole CSV file with a header line (quotes allowed; no newlines inside fields). */
export function readCsv(path: string): CsvTable {
  if (!existsSync(path)) throw new InputError(path, null, null, 'file not found');
  let columns: string[] = [];
  const rows: string[][] = [];
  forEachLine(path, (line, i) => {
    if (i === 0) columns = parseCsvLine(line);
    else if (line.length > 0) {
      const r = parseCsvLine(line);
      if (r.length !== columns.length) throw new InputError(path, null, i + 1, `expected ${columns.length} fields, got ${r.length}`);
      rows.push(r);
    }
  });
  if (!columns.length) throw new InputError(path, null, 1, 'empty file: expected a header line');
  return { columns, rows };
}

/** A sweep folder's runs, with its swept parameters and numeric result columns identified. */
export interface SweepData {
  dir: string;
  runs: CsvTable;
  /** Swept parameter columns (between `seed` and `verdict` in runs.csv). */
  params: string[];
  /** Numeric result columns after the parameters (dpd_final, ...). */
  metrics: string[];
  aggregate: CsvTable | null;
}

const ID_COLUMNS = new Set(['run', 'point', 'replication', 'seed', 'verdict', 'command', 'dir', 'run_dir', 'status', 'error']);

/** The plan's parameter list from sweep.json, or null when there is none to read. */
function planParameters(dir: string): string[] | null {
  const path = join(dir, 'sweep.json');
  if (!existsSync(path)) return null;
  try {
    const p = JSON.parse(readFolderText(path)).parameters;
    return Array.isArray(p) && p.every((x) => typeof x === 'string') ? p : null;
  } catch {
    return null;
  }
}

/**
 * Reads runs.csv (required) and aggregate.csv (optional) from a sweep folder. Parameters are
 * those listed in sweep.json; without it, the columns between `seed` and `verdict`.
 */
export function readSweep(dir: string): SweepData {
  const runs = readCsv(join(dir, 'runs.csv'));
  const c = runs.columns;
  const s = c.indexOf('seed');
  const v = c.indexOf('verdict');
  const params = (planParameters(dir) ?? (s >= 0 && v > s ? c.slice(s + 1, v) : [])).filter((p) => c.includes(p));
  const metrics = c.filter((n, i) => !ID_COLUMNS.has(n) && !params.includes(n) && runs.rows.some((r) => Number.isFinite(csvNumber(r[i]))));
  const aggPath = join(dir, 'aggregate.csv');
  return { dir, runs, params, metrics, aggregate: existsSync(aggPath) ? readCsv(aggPath) : null };
}

/** Parameter values in order: numerically when all are numbers, else as first seen. */
export function distinctValues(values: readonly string[]): string[] {
  const uniq = [...new Set(values)];
  return uniq.every((x) => x !== '' && Number.isFinite(Number(x))) ? uniq.sort((a, b) => Number(a) - Number(b)) : uniq;
}

/** The parameters that take more than one value, most values first. */
export function varyingParams(sweep: SweepData): string[] {
  const count = (p: string) => distinctValues(column(sweep.runs, p)).length;
  return sweep.params.filter((p) => count(p) > 1).sort((a, b) => count(b) - count(a));
}

/** One column's raw values. */
export function column(t: CsvTable, name: string): string[] {
  const i = t.columns.indexOf(name);
  if (i < 0) throw new InputError(name, null, null, `no column "${name}" (columns: ${t.columns.join(', ')})`);
  return t.rows.map((r) => r[i]);
}

/** Mean and 95% t-interval of a metric for each value of a grouping key over the runs. */
export function groupStats(sweep: SweepData, metric: string, key: (row: string[]) => string): Map<string, { mean: number; lo: number; hi: number; n: number }> {
  const mi = sweep.runs.columns.indexOf(metric);
  if (mi < 0) throw new InputError(join(sweep.dir, 'runs.csv'), metric, null, `no column "${metric}"`);
  const groups = new Map<string, number[]>();
  for (const r of sweep.runs.rows) {
    const v = csvNumber(r[mi]);
    if (!Number.isFinite(v)) continue;
    const k = key(r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(v);
  }
  const out = new Map<string, { mean: number; lo: number; hi: number; n: number }>();
  for (const [k, vs] of groups) {
    const ci = tConfidenceInterval(vs);
    out.set(k, { mean: ci.mean, lo: ci.lo, hi: ci.hi, n: vs.length });
  }
  return out;
}

/**
 * The heat-map grid of a metric over two parameters (default: the two that vary most): each
 * cell the mean over all runs with those two values (replications, and any other swept
 * parameters, averaged). Returns null when fewer than two parameters vary.
 */
export function sweepGrid(sweep: SweepData, metric = 'dpd_final', xName?: string, yName?: string): HeatGrid | null {
  const vary = varyingParams(sweep);
  const x = xName ?? vary[0];
  const y = yName ?? vary.find((p) => p !== x);
  if (!x || !y) return null;
  const xi = sweep.runs.columns.indexOf(x);
  const yi = sweep.runs.columns.indexOf(y);
  const xs = distinctValues(column(sweep.runs, x));
  const ys = distinctValues(column(sweep.runs, y));
  const stats = groupStats(sweep, metric, (r) => `${r[xi]}\u0000${r[yi]}`);
  const values = ys.map((yv) => xs.map((xv) => stats.get(`${xv}\u0000${yv}`)?.mean ?? NaN));
  const num = (vs: string[]) => (vs.every((v) => Number.isFinite(Number(v))) ? vs.map(Number) : vs);
  return { xName: x, yName: y, xs: num(xs), ys: num(ys), values, metric };
}

/** A metric against one parameter: mean and 95% band per value (for sweeps of one parameter). */
export function sweepLine(sweep: SweepData, param: string, metric = 'dpd_final'): { xs: (number | string)[]; mean: number[]; lo: number[]; hi: number[] } {
  const pi = sweep.runs.columns.indexOf(param);
  const stats = groupStats(sweep, metric, (r) => r[pi]);
  const xs = distinctValues(column(sweep.runs, param)).filter((v) => stats.has(v));
  return {
    xs: xs.every((v) => Number.isFinite(Number(v))) ? xs.map(Number) : xs,
    mean: xs.map((v) => stats.get(v)!.mean),
    lo: xs.map((v) => stats.get(v)!.lo),
    hi: xs.map((v) => stats.get(v)!.hi),
  };
}

/** Verdict counts per sweep point label (e.g. "narrowed: 3, widened: 1"), keyed by point. */
export function verdictsByPoint(sweep: SweepData): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  const pi = sweep.runs.columns.indexOf('point');
  const vi = sweep.runs.columns.indexOf('verdict');
  if (pi < 0 || vi < 0) return out;
  for (const r of sweep.runs.rows) {
    const rec = out.get(r[pi]) ?? {};
    rec[r[vi]] = (rec[r[vi]] ?? 0) + 1;
    out.set(r[pi], rec);
  }
  return out;
}
