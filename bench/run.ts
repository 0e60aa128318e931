/**
 * `npm run bench`: urd's performance benchmark (docs/performance.md). Not part of the test suite.
 *
 *   npm run bench                 10k, 100k and 1M residents, peers, places sweep (a few minutes)
 *   npm run bench -- --quick      small sizes (and 1M for the reportTick ratio), well under two minutes (what CI runs)
 *   npm run bench -- --full       also 10M residents
 *   npm run bench -- --places     only the ≈100k-place world against 151 places at 1M residents
 *   npm run bench -- --metrics    only reportTick against the model tick at 1M (10M with --full)
 *   options: --no-peers, --strict (exit 3 when a target is missed), --out <file>,
 *            --write-docs (put the tables into docs/performance.md)
 *
 * Each measurement runs in a fresh `node --expose-gc` child (bench/child.ts), so peak RSS and JIT
 * state are its own. The run writes bench/results.json and prints the tables. It fails (exit 1)
 * only when the benchmark itself breaks: a child crashes, or the engine or a peer does not
 * reproduce the hand-written kernel's results. A slow machine never fails it, unless --strict.
 */
import { measureCharts, type ChartsResult } from './charts.ts';
import os from 'node:os';
import { checkPage, performancePage } from './docs.ts';
import { measureEndToEnd } from './endToEnd.ts';
import { runScale, type ScaleResult, type ScaleSpec } from './placesScale.ts';
import { measureStartup } from './startup.ts';
import { measureSweep, type SweepSpec } from './sweepThroughput.ts';
import { measureExport } from './exportScale.ts';
import { spawnSync } from 'node:child_process';
import { ensureDir, writeFileAtomic } from '../src/io/atomic.ts';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { KernelResult, KernelSpec, ModelResult, ModelSpec } from './child.ts';
import { KernelMismatch, RESULT_PREFIX, runKernel, runModel } from './child.ts';
import { machineInfo } from './measure.ts';
import type { PeerName } from './peers.ts';
import { ensurePeers, PEER_VERSIONS } from './peers.ts';
import type { BenchResults } from './report.ts';
import { judgeTargets, label, modelTable, renderResults, targetTable } from './report.ts';
import { describeUserMeasurements, judgeUserTargets } from './userTargets.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'urd-bench.mjs');
const PEERS_DIR = join(ROOT, 'bench', 'peers');
const DOCS = join(ROOT, 'docs', 'performance.md');
const SEED = 1;

type Mode = BenchResults['mode'];

/** What one mode measures. */
interface Plan {
  model: ModelSpec[];
  kernel: Omit<KernelSpec, 'peers' | 'peersDir'>[];
  /** Residents per size for which peers run. */
  peerSizes: number[];
  places: ModelSpec[];
  /** ≈100k places against 151 at 1M residents (null: skipped). */
  scale: ScaleSpec | null;
  /** The sweep throughput measurement. */
  sweep: SweepSpec;
  /** Runs of the smaller folder urd export reads (the larger has ten times as many; 0: skipped). */
  exportRuns: number;
  endToEnd: boolean;
}

const model = (residents: number, ticks: number, extra: Partial<ModelSpec> = {}): ModelSpec => ({
  kind: 'model',
  residents,
  placeScale: 1,
  warmup: residents >= 10_000_000 ? 0 : 3,
  ticks,
  reps: residents >= 10_000_000 ? 1 : 2,
  reportTicks: residents >= 10_000_000 ? 1 : 3,
  // Enough reference ticks for the JIT to have compiled the limit (its fastest tick counts).
  referenceTicks: Math.max(5, Math.ceil(2_000_000 / residents)),
  seed: SEED,
  ...extra,
});

const kernel = (residents: number, ticks: number, reps: number, peerBudgetMs: number): Plan['kernel'][number] => ({
  kind: 'kernel',
  residents,
  ticks,
  reps,
  peerBudgetMs,
  seed: SEED,
});

/** The measurements of each mode. */
function plan(mode: Mode): Plan {
  if (mode === 'quick') {
    return {
      // 1M for the reportTick target, with few ticks: a rough ratio, but every run shows it.
      model: [model(10_000, 20), model(100_000, 10), model(1_000_000, 5, { warmup: 2, reps: 1 })],
      kernel: [kernel(10_000, 10, 3, 3_000), kernel(100_000, 5, 3, 5_000)],
      peerSizes: [10_000, 100_000],
      places: [model(10_000, 5, { placeScale: 4, reportTicks: 1 })],
      scale: null,
      // Too small to judge; run so that CI sees one and two workers write the same files.
      sweep: { runs: 8, residents: 10_000, ticks: 5, workers: 2, sampled: 2 },
      exportRuns: 0,
      endToEnd: false,
    };
  }
  // Up to 24 × 151 = 3624 places: the default geography's information field is dense, and ×28
  // would pass LIMITS.maxInfoPairs (20M pairs), which scenario files may not exceed.
  const sweep = [1, 2, 4, 8, 16, 24].map((s) => model(100_000, 10, { placeScale: s, reportTicks: 1 }));
  const p: Plan = {
    model: [model(10_000, 100), model(100_000, 50), model(1_000_000, 20)],
    kernel: [kernel(10_000, 50, 5, 10_000), kernel(100_000, 20, 5, 15_000), kernel(1_000_000, 10, 3, 30_000)],
    peerSizes: [10_000, 100_000, 1_000_000],
    places: sweep,
    scale: { kind: 'scale', residents: 1_000_000, warmup: 2, ticks: 5, seed: SEED },
    // The issue's 1,000 runs take ≈ 3 minutes on an idle 2-core machine (≈ 105 ms a run alone).
    sweep: { runs: mode === 'full' ? 1000 : 100, residents: 10_000, ticks: 50, workers: 2, sampled: mode === 'full' ? 50 : 20 },
    exportRuns: mode === 'full' ? 1000 : 200,
    endToEnd: true,
  };
  if (mode === 'full') {
    p.model.push(model(10_000_000, 10));
    p.kernel.push(kernel(10_000_000, 5, 2, 0));
  }
  return p;
}

/** Runs one measurement in a fresh child process and returns its result (or throws with the child's reason). */
function runChild<T>(spec: ModelSpec | KernelSpec | ScaleSpec): T {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=16384', BIN, '--child', JSON.stringify(spec)], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (r.status !== 0 || !line) {
    const why = r.error?.message ?? (r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`);
    throw new Error(`${spec.kind} at ${label(spec.residents)} residents failed (${why}); see the ERROR above`);
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}

/** Child side: runs the spec given on the command line and prints its result line. */
async function childMain(json: string): Promise<number> {
  const spec = JSON.parse(json) as ModelSpec | KernelSpec | ScaleSpec;
  try {
    const result = spec.kind === 'model' ? runModel(spec) : spec.kind === 'scale' ? runScale(spec, ROOT) : await runKernel(spec);
    process.stdout.write(RESULT_PREFIX + JSON.stringify(result) + '\n');
    return 0;
  } catch (err) {
    // A mismatch is the benchmark's own finding: its message says everything. Anything else is a bug: keep the stack.
    process.stderr.write(err instanceof KernelMismatch ? `  ERROR: ${err.message}\n` : `  ERROR: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

function writeAtomically(file: string, text: string): void {
  ensureDir(dirname(file));
  writeFileAtomic(file, text);
}

const HELP = `npm run bench -- [--quick | --full] [--no-peers] [--strict] [--out FILE]
  (default)   full model and kernel at 10k, 100k and 1M residents, peers, places sweep
  --quick     10k and 100k (and 1M, 5 ticks, for the reportTick ratio); what CI runs (well under two minutes)
  --full      default plus 10M residents (10 ticks)
  --places    only the tick at ≈100k places over 151 places and the memory per resident, at 1M
              residents (3 ticks; the default and --full runs measure them with 5); writes no results file
  --metrics   only reportTick over the model tick at 1M residents (with --full also at 10M); writes
              no results file
  --no-peers  skip Flocc and AgentScript (otherwise installed on demand into bench/peers)
  --strict    exit 3 when a performance target is missed (never used by CI)
  --out FILE  where to write the results (default bench/results.json)
  --write-docs  put this run's tables into docs/performance.md (between its bench: markers);
              not with --quick, and not when a measurement broke
Exit codes: 0 ok, 1 the benchmark broke (a crash, or variants that disagree), 2 bad usage, 3 target missed (--strict).`;

/** `--places`: the places-scale measurement alone, judged like in a full run. */
function placesOnly(): number {
  const spec: ScaleSpec = { kind: 'scale', residents: 1_000_000, warmup: 2, ticks: 3, seed: SEED };
  process.stderr.write(`bench: places: ≈100k against 151 at ${label(spec.residents)} residents\n`);
  const scale = runChild<ScaleResult>(spec);
  const measured = { startup: null, endToEnd: null, scale, sweep: null, model: [] };
  const targets = judgeUserTargets(measured).filter((t) => t.measured !== 'not measured in this mode');
  process.stdout.write(`${describeUserMeasurements(measured).join('\n')}\n\n${targetTable(targets)}\n`);
  return 0;
}

/** `--metrics`: reportTick against the model tick alone, at 1M residents (and 10M with --full), judged like in a full run. */
function metricsOnly(full: boolean): number {
  const specs = [model(1_000_000, 10, { reportTicks: 5 }), ...(full ? [model(10_000_000, 3, { reportTicks: 2 })] : [])];
  const results: ModelResult[] = [];
  for (const spec of specs) {
    process.stderr.write(`bench: reportTick and the model tick at ${label(spec.residents)} residents\n`);
    results.push(runChild<ModelResult>(spec));
  }
  const targets = judgeUserTargets({ startup: null, endToEnd: null, scale: null, sweep: null, model: results }).filter((t) => t.name.startsWith('reportTick') && t.met !== null);
  process.stdout.write(`${modelTable(results)}\n\n${targetTable(targets)}\n`);
  return 0;
}

/**
 * Entry point of bin/urd-bench.mjs: runs the benchmark in the chosen mode and returns the exit
 * code, or, with `--child <spec>`, one measurement (bench/child.ts) for the parent.
 */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--child') return childMain(argv[1]);
  let opts;
  try {
    opts = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        full: { type: 'boolean', default: false },
        places: { type: 'boolean', default: false },
        metrics: { type: 'boolean', default: false },
        'no-peers': { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        'write-docs': { type: 'boolean', default: false },
        out: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`urd-bench: ${(err as Error).message}\n${HELP}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (opts.quick && opts.full) {
    process.stderr.write('urd-bench: --quick and --full exclude each other\n');
    return 2;
  }
  if (opts.places) return placesOnly();
  if (opts.metrics) return metricsOnly(opts.full);
  if (opts.quick && opts['write-docs']) {
    process.stderr.write('urd-bench: --write-docs needs the default or --full run; --quick numbers are too rough for the page\n');
    return 2;
  }
  if (opts['write-docs']) {
    try {
      checkPage(DOCS);
    } catch (err) {
      process.stderr.write(`urd-bench: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const mode: Mode = opts.quick ? 'quick' : opts.full ? 'full' : 'default';
  const started = performance.now();
  const loadAverage = os.loadavg()[0];
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const p = plan(mode);

  let peers: { available: PeerName[]; problems: string[] } = { available: [], problems: ['peers skipped (--no-peers)'] };
  if (!opts['no-peers']) {
    peers = ensurePeers(PEERS_DIR, say);
    for (const problem of peers.problems) say(`note: ${problem}; continuing without it`);
  }

  const failures: string[] = [];
  const attempt = <T>(spec: ModelSpec | KernelSpec | ScaleSpec, what: string): T | null => {
    say(what);
    try {
      return runChild<T>(spec);
    } catch (err) {
      failures.push((err as Error).message);
      say(`FAILED: ${(err as Error).message}`);
      return null;
    }
  };
  const models: ModelResult[] = [];
  for (const spec of p.model) {
    const r = attempt<ModelResult>(spec, `full model, ${label(spec.residents)} residents, ${spec.ticks} ticks`);
    if (r) models.push(r);
  }
  const kernels: KernelResult[] = [];
  for (const spec of p.kernel) {
    const withPeers = p.peerSizes.includes(spec.residents) ? peers.available : [];
    const full: KernelSpec = { ...spec, peers: withPeers, peersDir: PEERS_DIR };
    const r = attempt<KernelResult>(full, `kernel side by side, ${label(spec.residents)} residents (limit, engine${withPeers.map((n) => `, ${n}`).join('')})`);
    if (r) {
      kernels.push(r);
      for (const e of r.peerErrors) failures.push(`peer at ${label(r.residents)}: ${e}`);
    }
  }
  const places: ModelResult[] = [];
  for (const spec of p.places) {
    const r = attempt<ModelResult>(spec, `full model, ${label(spec.residents)} residents, places × ${spec.placeScale}`);
    if (r) places.push(r);
  }

  // Guarded: a measurement that breaks is a failure of the run, the others still report.
  const guarded = <T>(what: string, f: () => T): T | null => {
    say(what);
    try {
      return f();
    } catch (err) {
      failures.push(`${what}: ${(err as Error).message}`);
      say(`FAILED: ${(err as Error).message}`);
      return null;
    }
  };
  const scale = p.scale ? attempt<ScaleResult>(p.scale, `places: ≈100k against 151 at ${label(p.scale.residents)} residents`) : null;
  const startup = guarded('start-up of the CLI against bare node', () => measureStartup(ROOT, mode === 'quick' ? 3 : 7));
  const endToEnd = p.endToEnd ? guarded('urd run scenarios/baseline.yaml end to end', () => measureEndToEnd(ROOT)) : null;
  const sweepResult = guarded(`sweep throughput: ${p.sweep.runs} runs × ${label(p.sweep.residents)} residents × ${p.sweep.ticks} ticks, 1 and ${p.sweep.workers} workers`, () => measureSweep(ROOT, p.sweep));
  const exportScale = p.exportRuns > 0 ? guarded(`urd export of ${p.exportRuns} and ${10 * p.exportRuns} runs, Parquet and CSV`, () => measureExport(ROOT, p.exportRuns, 10 * p.exportRuns)) : null;

  say('charts of a 50-tick baseline run (100k residents)');
  let charts: ChartsResult | null = null;
  try {
    charts = measureCharts();
  } catch (err) {
    failures.push(`charts: ${(err as Error).message}`);
  }

  const partial: Omit<BenchResults, 'targets'> = {
    schema: 1,
    createdAt: new Date().toISOString(),
    mode,
    machine: machineInfo(),
    peers: { versions: { ...PEER_VERSIONS }, available: peers.available, problems: peers.problems },
    model: models,
    kernel: kernels,
    places,
    charts,
    user: { startup, endToEnd, scale, sweep: sweepResult, exportScale },
    loadAverage,
    failures,
    elapsedSeconds: (performance.now() - started) / 1000,
  };
  const results: BenchResults = { ...partial, targets: judgeTargets(partial) };
  writeAtomically(opts.out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(renderResults(results) + '\n');
  process.stdout.write(`\nwrote ${opts.out}\n`);
  if (failures.length) {
    if (opts['write-docs']) process.stderr.write(`urd-bench: ${DOCS} not written: a measurement broke\n`);
    return 1;
  }
  if (opts['write-docs']) {
    writeAtomically(DOCS, performancePage(DOCS, results));
    process.stdout.write(`wrote the tables of ${DOCS}\n`);
  }
  if (opts.strict && results.targets.some((t) => t.met === false)) return 3;
  return 0;
}
