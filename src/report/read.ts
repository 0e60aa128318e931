/**
 * Reads what a run left on disk — metrics.csv, summary.json, manifest.json, events.ndjson —
 * so that any run folder, old or new, can be drawn again. Nothing here needs the simulator.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { readFolderJson } from '../io/outputFolder.ts';
import { basename, join } from 'node:path';
import type { SimEvent } from '../engine/world.ts';
import { parseCsvLine } from '../io/csv.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { InputError } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';

// parseCsvLine lives with the CSV writer in io/csv.ts (scenario files read CSV too).
export { parseCsvLine };

/** One metric over time in one scope. */
export interface Series {
  ticks: number[];
  values: number[];
}

/** Which rows to keep: metric names and scopes, as lists or predicates (default: all). */
export interface MetricFilter {
  metrics?: readonly string[] | ((metric: string) => boolean);
  scopes?: readonly string[] | ((scope: string) => boolean);
}

const EMPTY: Series = Object.freeze({ ticks: [], values: [] }) as Series;

/** The rows of a tidy metrics file, indexed by scope then metric. */
export class MetricTable {
  private readonly data = new Map<string, Map<string, Series>>();

  /** Adds one row (rows of a series must come in tick order, as urd writes them). */
  add(tick: number, scope: string, metric: string, value: number): void {
    let byMetric = this.data.get(scope);
    if (!byMetric) this.data.set(scope, (byMetric = new Map()));
    let s = byMetric.get(metric);
    if (!s) byMetric.set(metric, (s = { ticks: [], values: [] }));
    s.ticks.push(tick);
    s.values.push(value);
  }

  /** The series of a metric in a scope (default `all`); empty when absent. */
  series(metric: string, scope = 'all'): Series {
    return this.data.get(scope)?.get(metric) ?? EMPTY;
  }

  /** Whether the metric has at least one row in the scope. */
  has(metric: string, scope = 'all'): boolean {
    return this.series(metric, scope).ticks.length > 0;
  }

  /** The value at a tick, or NaN when there is none. */
  valueAt(metric: string, scope: string, tick: number): number {
    const s = this.series(metric, scope);
    const i = s.ticks.indexOf(tick);
    return i < 0 ? NaN : s.values[i];
  }

  /** Scopes present, in first-seen order. */
  scopes(): string[] {
    return [...this.data.keys()];
  }

  /** Metric names present in a scope. */
  metrics(scope = 'all'): string[] {
    return [...(this.data.get(scope)?.keys() ?? [])];
  }

  /** Ticks of the `dpd` series (or of the first series of scope all): the run's time axis. */
  ticks(): number[] {
    if (this.has('dpd')) return this.series('dpd').ticks;
    const first = this.data.get('all')?.values().next().value;
    return first ? first.ticks : [];
  }

  /** Indices i of places with rows `place:i`, ascending. */
  places(): number[] {
    const out: number[] = [];
    for (const s of this.data.keys()) if (s.startsWith('place:')) out.push(Number(s.slice(6)));
    return out.sort((a, b) => a - b);
  }
}

function matcher(sel: readonly string[] | ((s: string) => boolean) | undefined): (s: string) => boolean {
  if (!sel) return () => true;
  if (typeof sel === 'function') return sel;
  const set = new Set(sel);
  return (s) => set.has(s);
}

/** A CSV number: `NA` and empty become NaN. */
export function csvNumber(s: string): number {
  return s === 'NA' || s === '' ? NaN : Number(s);
}

/** The read buffer of {@link forEachLine} while no call is using it. */
let spare: Buffer | null = null;

/** Calls `onLine` for each line of a text file, read in 1 MiB blocks (big files never sit whole in memory). */
export function forEachLine(path: string, onLine: (line: string, index: number) => void): void {
  // Never a device or a pipe: /dev/zero has no newline to stop at and a FIFO blocks.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new InputError(path, null, null, 'is not a regular file');
    // One read buffer for every file (taken while in use, so a nested call gets its own): a
    // fresh megabyte per file left thousands of dead buffers to the collector in an export.
    const buf = spare ?? Buffer.allocUnsafe(1 << 20);
    spare = null;
    let pending: Buffer = Buffer.alloc(0);
    let index = 0;
    const emit = (text: string) => onLine(text.endsWith('\r') ? text.slice(0, -1) : text, index++);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const block = pending.length > 0 ? Buffer.concat([pending, buf.subarray(0, n)]) : buf.subarray(0, n);
      // Decode only up to the last newline, so a multi-byte character is never split.
      const cut = block.lastIndexOf(10);
      if (cut < 0) {
        pending = Buffer.from(block);
        continue;
      }
      const lines = block.toString('utf8', 0, cut).split('\n');
      pending = Buffer.from(block.subarray(cut + 1));
      for (const l of lines) emit(l);
    }
    if (pending.length > 0) emit(pending.toString('utf8'));
    spare = buf;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a tidy metrics file (tick,scope,metric,value), keeping only rows that pass the filter.
 * Throws InputError when the file is missing or its header is not the tidy one.
 */
export function readMetrics(path: string, filter: MetricFilter = {}): MetricTable {
  if (!existsSync(path)) throw new InputError(path, null, null, 'file not found (is this a urd run folder?)');
  const keepMetric = matcher(filter.metrics);
  const keepScope = matcher(filter.scopes);
  const table = new MetricTable();
  let rows = 0;
  forEachLine(path, (line, i) => {
    if (i > 0 && line.length > 0) rows++;
    if (i === 0) {
      if (line.trim() !== 'tick,scope,metric,value') throw new InputError(path, null, 1, `expected the header "tick,scope,metric,value", got "${line.slice(0, 60)}"`);
      return;
    }
    if (line.length === 0) return;
    const f = parseCsvLine(line);
    if (f.length !== 4) throw new InputError(path, null, i + 1, `expected 4 fields, got ${f.length}`);
    if (!keepMetric(f[2]) || !keepScope(f[1])) return;
    table.add(Number(f[0]), f[1], f[2], csvNumber(f[3]));
  });
  // A run writes its tick-0 rows before anything else: an empty file is not a run's metrics.
  if (rows === 0) throw new InputError(path, null, null, 'holds no metric rows; expected the metrics.csv of a run (is the file truncated?)');
  return table;
}

/** The manifest's fields the report uses (the rest is kept as read). */
export interface RunManifest {
  complete?: boolean;
  urd?: string;
  git?: string | null;
  seed?: number;
  scenarioHash?: string;
  scenario: Scenario;
  [key: string]: unknown;
}

/** Everything a report needs from one run folder. */
export interface RunFolder {
  dir: string;
  manifest: RunManifest;
  summary: RunSummary;
  events: SimEvent[];
  metrics: MetricTable;
}

export function readJson<T>(path: string): T {
  if (!existsSync(path)) throw new InputError(path, null, null, 'file not found (is this a finished urd run folder?)');
  return readFolderJson(path, basename(path)) as T;
}

/** Reads events.ndjson (one JSON object per line); a missing file gives no events. */
export function readEvents(path: string): SimEvent[] {
  if (!existsSync(path)) return [];
  const out: SimEvent[] = [];
  forEachLine(path, (line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as SimEvent);
    } catch {
      throw new InputError(path, null, i + 1, 'not a JSON object');
    }
  });
  return out;
}

/** Reads a run folder (manifest, summary, events, metrics filtered as asked). */
export function readRunFolder(dir: string, filter: MetricFilter = {}): RunFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, null, null, 'not a folder');
  const manifest = readJson<RunManifest>(join(dir, 'manifest.json'));
  if (!manifest || typeof manifest !== 'object' || !manifest.scenario || !Array.isArray(manifest.scenario.world?.rings)) {
    throw new InputError(join(dir, 'manifest.json'), 'scenario', null, 'expected the resolved scenario with world.rings');
  }
  return {
    dir,
    manifest,
    summary: readJson<RunSummary>(join(dir, 'summary.json')),
    events: readEvents(join(dir, 'events.ndjson')),
    metrics: readMetrics(join(dir, 'metrics.csv'), filter),
  };
}
