/**
 * `urd export` at scale (issue 15: a 10,000-run sweep must not be held in memory). Builds a
 * sweep folder of `runs` runs cheaply — one real tiny run, its metrics.csv and manifest.json
 * hard-linked under every run's folder, with a record and a runs.csv row each, as a sweep with
 * perRunMetrics writes them — and exports it to Parquet and CSV with the CLI in fresh processes.
 * Memory that does not grow with the runs is the claim: each export runs with its heap capped
 * at HEAP_MB, and the peak RSS at `large` runs is compared with the peak at `small` runs, same
 * rows per run.
 *
 *   npx tsx bench/exportScale.ts 1000 10000 2   prints the figures of docs/performance.md
 *                                                (small runs, large runs, ticks per run)
 */
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario } from '../src/run/runScenario.ts';
import { scenarioSchema } from '../src/scenario/schema.ts';
import { type ChildCost, childCost } from './childCpu.ts';

export interface ExportRun extends ChildCost {
  runs: number;
  rows: number;
  format: 'parquet' | 'csv';
  bytes: number;
}

export interface ExportScaleResult {
  rowsPerRun: number;
  small: ExportRun[];
  large: ExportRun[];
}

/** A sweep folder of `runs` runs, all copies of the one run in `template` (its files hard-linked). */
export function buildSweepFolder(dir: string, runs: number, template: string): void {
  const summary = JSON.parse(readFileSync(join(template, 'summary.json'), 'utf8'));
  mkdirSync(join(dir, 'runs'), { recursive: true });
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ name: 'export-scale', parameters: ['talent.barrier'] }));
  const lines = ['run,point,replication,seed,talent.barrier'];
  const width = String(runs - 1).length;
  for (let run = 0; run < runs; run++) {
    const id = String(run).padStart(width, '0');
    const seed = 1000 + run;
    lines.push(`${run},${run % 10},${Math.floor(run / 10)},${seed},${(run % 10) / 10}`);
    writeFileSync(join(dir, 'runs', `${id}.json`), JSON.stringify({ run, point: run % 10, replication: Math.floor(run / 10), seed, pointHash: '', summary }));
    mkdirSync(join(dir, 'runs', id));
    for (const f of ['manifest.json', 'metrics.csv']) linkSync(join(template, f), join(dir, 'runs', id, f));
  }
  writeFileSync(join(dir, 'runs.csv'), lines.join('\n') + '\n');
}

/** The export children's heap limit, MB. */
export const HEAP_MB = 64;

function exportOnce(root: string, dir: string, runs: number, format: 'parquet' | 'csv'): ExportRun {
  const out = join(dir, `export.${format}`);
  // A capped heap: a table held in memory (31 million rows at 10,000 runs) cannot fit, and peak
  // RSS then measures what streaming needs rather than how lazily V8 collects garbage.
  const cost = childCost(root, [`--max-old-space-size=${HEAP_MB}`, join(root, 'bin', 'urd.mjs'), 'export', dir, '--format', format, '--out', out]);
  const m = /^(\d+) runs, ([\d,]+) rows$/m.exec(cost.stderr);
  if (!m || Number(m[1]) !== runs) throw new Error(`urd export of ${runs} runs said: ${cost.stderr}`);
  const bytes = readFileSync(out).length;
  rmSync(out);
  return { ...cost, runs, rows: Number(m[2].replace(/,/g, '')), format, bytes };
}

/** Exports sweeps of `small` and `large` runs (a tiny run of `ticks` ticks each) to both formats. */
export function measureExport(root: string, small: number, large: number, ticks = 2): ExportScaleResult {
  const base = mkdtempSync(join(tmpdir(), 'urd-bench-export-'));
  try {
    const template = join(base, 'template');
    runScenario(scenarioSchema.parse({ name: 'export-scale', ticks, world: { residents: 300 }, metrics: { placeMetrics: false } }), { dir: template });
    const rowsPerRun = readFileSync(join(template, 'metrics.csv'), 'utf8').trim().split('\n').length - 1;
    const measure = (runs: number) => {
      const dir = join(base, `sweep-${runs}`);
      buildSweepFolder(dir, runs, template);
      const r = (['parquet', 'csv'] as const).map((f) => exportOnce(root, dir, runs, f));
      rmSync(dir, { recursive: true, force: true });
      return r;
    };
    return { rowsPerRun, small: measure(small), large: measure(large) };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** One line per export, for the printed results and docs/performance.md. */
export function describeExport(r: ExportScaleResult): string[] {
  return [...r.small, ...r.large].map(
    (e) => `urd export ${e.format}: ${e.runs.toLocaleString('en-US')} runs, ${e.rows.toLocaleString('en-US')} rows → ${(e.bytes / 1e6).toFixed(1)} MB in ${(e.wallMs / 1000).toFixed(1)} s wall (${(e.cpuMs / 1000).toFixed(1)} s CPU), peak RSS ${(e.peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [small, large, ticks] = process.argv.slice(2).map(Number);
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const r = measureExport(root, small || 1000, large || 10_000, ticks || undefined);
  process.stdout.write(`${r.rowsPerRun} rows per run\n${describeExport(r).join('\n')}\n`);
  for (const f of ['parquet', 'csv'] as const) {
    const s = r.small.find((e) => e.format === f)!;
    const l = r.large.find((e) => e.format === f)!;
    process.stdout.write(`${f}: peak RSS at ${l.runs} runs over ${s.runs} runs = ${(l.peakRss / s.peakRss).toFixed(2)}×\n`);
  }
}
