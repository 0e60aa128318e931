/**
 * One tidy table of every run under a folder — a run, a comparison, a sweep or a merged sweep:
 * one row per run, tick, scope and metric, with the run's scenario, seed and swept parameters.
 * Runs are read one at a time and written out in row groups, so a sweep of any size passes
 * through in bounded memory. Parquet (hyparquet-writer, pure JS) or CSV.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { readFolderJson } from '../io/outputFolder.ts';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import { AtomicFile, OutputError, PARTIAL_SUFFIX } from '../io/atomic.ts';
import { csvLine } from '../io/csv.ts';
import { csvNumber, forEachLine, parseCsvLine } from '../report/read.ts';
import { readCsv } from '../report/sweepData.ts';
import { InputError } from '../scenario/load.ts';

/** The fixed columns, in order; the swept parameters come between `seed` and `tick`. */
export const EXPORT_ID = ['source', 'scenario', 'seed'] as const;
export const EXPORT_ROW = ['tick', 'scope_kind', 'scope_index', 'metric', 'value'] as const;

/** Written into every export (CSV header comment is not tidy, so Parquet metadata only); marks a file urd may replace. */
export const EXPORT_CREATOR = 'urd export';

/** One run to export: where it is, its identity, and how to read its rows. */
export interface ExportSource {
  source: string;
  scenario: string;
  seed: number;
  params: Record<string, string>;
  /** Calls `row` for every (tick, scope, metric, value) of the run. */
  rows(row: (tick: number, scope: string, metric: string, value: number) => void): void;
}

// The JSON files of run and sweep folders, read loosely as before, but only as regular, size-capped files (a FIFO never blocks).
const readJson = (path: string): any => readFolderJson(path, basename(path));
const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const isRunFolder = (d: string) => existsSync(join(d, 'manifest.json')) && existsSync(join(d, 'metrics.csv'));

/** A run folder: every row of its metrics.csv, streamed. */
function runFolderSource(root: string, dir: string, params: Record<string, string> = {}): ExportSource {
  const manifest = readJson(join(dir, 'manifest.json'));
  return {
    source: relative(root, dir) || '.',
    scenario: String(manifest.scenario?.name ?? ''),
    seed: Number(manifest.scenario?.seed ?? NaN),
    params,
    rows(row) {
      forEachLine(join(dir, 'metrics.csv'), (line, i) => {
        if (i === 0 || !line) return;
        const [t, scope, metric, v] = parseCsvLine(line);
        row(Number(t), scope, metric, csvNumber(v));
      });
    },
  };
}

/** A sweep record without a run folder (only its summary was kept): the final values, at the last tick, scope all. */
function recordSource(root: string, path: string, params: Record<string, string>): ExportSource {
  const rec = readJson(path);
  const s = rec.summary ?? {};
  return {
    source: relative(root, path),
    scenario: String(s.scenario ?? ''),
    seed: Number(rec.seed ?? s.seed),
    params,
    rows(row) {
      for (const [metric, v] of Object.entries((s.final ?? {}) as Record<string, number>)) row(Number(s.ticks), 'all', metric, v);
    },
  };
}

/** The runs of a sweep folder (runs.csv + runs/), each with its parameter values from runs.csv. */
function sweepSources(root: string, dir: string): { params: string[]; sources: ExportSource[] } {
  const runs = readCsv(join(dir, 'runs.csv'));
  const plan = existsSync(join(dir, 'sweep.json')) ? readJson(join(dir, 'sweep.json')) : {};
  const params: string[] = (Array.isArray(plan.parameters) ? plan.parameters : []).filter((p: string) => runs.columns.includes(p));
  const ri = runs.columns.indexOf('run');
  const byRun = new Map(runs.rows.map((r) => [Number(r[ri]), Object.fromEntries(params.map((p) => [p, r[runs.columns.indexOf(p)]]))]));
  const recordsDir = join(dir, 'runs');
  const sources: ExportSource[] = [];
  if (isDir(recordsDir)) {
    for (const name of readdirSync(recordsDir).sort()) {
      const path = join(recordsDir, name);
      if (!name.endsWith('.json')) continue;
      const run = Number(readJson(path).run);
      const folder = join(recordsDir, name.slice(0, -5));
      const values = byRun.get(run) ?? {};
      sources.push(isRunFolder(folder) ? { ...runFolderSource(root, folder, values), seed: Number(readJson(path).seed) } : recordSource(root, path, values));
    }
  }
  return { params, sources };
}

/**
 * Every run under `dir`, in a stable order, and the union of the swept parameters. A folder is
 * a run folder, a sweep (runs.csv) or a folder of such folders (a comparison, several sweeps).
 */
export function findSources(dir: string): { params: string[]; sources: ExportSource[] } {
  if (!isDir(dir)) throw new InputError(dir, null, null, 'not a folder');
  const params: string[] = [];
  const sources: ExportSource[] = [];
  const visit = (d: string) => {
    if (isRunFolder(d)) sources.push(runFolderSource(dir, d));
    else if (existsSync(join(d, 'runs.csv'))) {
      const s = sweepSources(dir, d);
      for (const p of s.params) if (!params.includes(p)) params.push(p);
      sources.push(...s.sources);
    } else {
      for (const name of readdirSync(d).sort()) if (name !== 'charts' && isDir(join(d, name))) visit(join(d, name));
    }
  };
  visit(dir);
  if (!sources.length) throw new InputError(dir, null, null, 'no runs found: expected run folders (manifest.json + metrics.csv) or sweep folders (runs.csv) in it or below it');
  return { params, sources };
}

/** The scope column split in two: kind (all, urban, rural, ring, place) and index (ring or place number, else null). */
export function splitScope(scope: string): [string, number | null] {
  const c = scope.indexOf(':');
  return c < 0 ? [scope, null] : [scope.slice(0, c), Number(scope.slice(c + 1))];
}

/** Whether every value of each parameter over the sources is a number (then its column is numeric). */
function numericParams(params: readonly string[], sources: readonly ExportSource[]): Set<string> {
  return new Set(params.filter((p) => sources.every((s) => s.params[p] === undefined || (s.params[p] !== '' && Number.isFinite(Number(s.params[p]))))));
}

/** Refuses to replace a file that is not an earlier urd export: never lose a user's file. */
function guardOutput(out: string, format: 'csv' | 'parquet', header: string): void {
  if (!existsSync(out)) return;
  // A FIFO or device at --out would block the read below, and is no export of urd's either.
  if (!lstatSync(out).isFile()) throw new InputError(out, null, null, 'exists and is not a regular file (an earlier urd export); choose another --out');
  const head = readFileSync(out).subarray(0, 4096).toString('utf8');
  const ours = format === 'csv' ? head.startsWith(header) : head.startsWith('PAR1') && readFileSync(out).includes(EXPORT_CREATOR);
  if (!ours) throw new InputError(out, null, null, 'exists and is not an earlier urd export; choose another --out');
}

/** Rows per Parquet row group, and per flush of the column buffers. */
const GROUP = 100_000;

/** Writes the tidy table of every run under `dir` to `out`; returns the number of runs and rows. */
export function exportTable(dir: string, out: string, format: 'csv' | 'parquet'): { runs: number; rows: number } {
  const { params, sources } = findSources(dir);
  const numeric = numericParams(params, sources);
  const columns = [...EXPORT_ID, ...params, ...EXPORT_ROW];
  guardOutput(out, format, csvLine(columns));
  let rows = 0;
  if (format === 'csv') {
    const file = new AtomicFile(out);
    try {
      file.write(csvLine(columns));
      for (const s of sources) {
        const id = [s.source, s.scenario, s.seed, ...params.map((p) => s.params[p] ?? 'NA')];
        s.rows((tick, scope, metric, value) => {
          const [kind, index] = splitScope(scope);
          file.write(csvLine([...id, tick, kind, index ?? 'NA', metric, value]));
          rows++;
        });
      }
      file.commit();
    } catch (err) {
      file.abandon();
      throw err;
    }
    return { runs: sources.length, rows };
  }
  const partial = out + PARTIAL_SUFFIX;
  const schema = [
    { name: 'root', num_children: columns.length },
    { name: 'source', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'scenario', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'seed', type: 'DOUBLE', repetition_type: 'REQUIRED' },
    ...params.map((p) => (numeric.has(p) ? { name: p, type: 'DOUBLE', repetition_type: 'OPTIONAL' } : { name: p, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' })),
    { name: 'tick', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'scope_kind', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'scope_index', type: 'INT32', repetition_type: 'OPTIONAL' },
    { name: 'metric', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'value', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  ] as const;
  try {
    const writer = new ParquetWriter({ writer: fileWriter(partial), schema: schema as never, createdBy: EXPORT_CREATOR });
    let cols: unknown[][] = columns.map(() => []);
    const flush = () => {
      if (!cols[0].length) return;
      writer.write({ columnData: columns.map((name, k) => ({ name, data: cols[k] as never })), rowGroupSize: GROUP });
      cols = columns.map(() => []);
    };
    // The writer keeps each row group's smallest and largest string of every column until the
    // footer. A name cut from a line of metrics.csv is a slice that holds the whole block of text
    // it was read from, so keeping it kept that block: memory grew with the runs (1.7× from 1,000
    // to 10,000). Names go through one table of standalone copies instead (a few dozen metrics).
    const names = new Map<string, string>();
    const name = (text: string) => {
      let own = names.get(text);
      if (own === undefined) names.set(text, (own = Buffer.from(text, 'utf8').toString('utf8')));
      return own;
    };
    for (const s of sources) {
      const id = [s.source, s.scenario, s.seed, ...params.map((p) => (s.params[p] === undefined ? null : numeric.has(p) ? Number(s.params[p]) : s.params[p]))];
      s.rows((tick, scope, metric, value) => {
        const [kind, index] = splitScope(scope);
        const row = [...id, tick, name(kind), index, name(metric), Number.isFinite(value) ? value : null];
        for (let k = 0; k < row.length; k++) cols[k].push(row[k]);
        if (cols[0].length >= GROUP) flush();
        rows++;
      });
    }
    flush();
    writer.finish();
    renameSync(partial, out);
  } catch (err) {
    rmSync(partial, { force: true });
    if (err instanceof InputError) throw err;
    throw new OutputError(`cannot write ${out}: ${(err as Error).message}`);
  }
  return { runs: sources.length, rows };
}
