/**
 * What one benchmark child process measures. bench/run.ts starts a fresh `node --expose-gc`
 * process per measurement (so each peak RSS is its own and no JIT state carries over), hands it
 * a spec as JSON and reads one result line back:
 *
 * - `model`: the full model (`tick`: queued edits, policy plan, the five stages, ledger
 *   reconciliation) at one size, with per-stage times, then the metrics reporting cost per tick,
 *   memory, and a reference run of the hand-written kernel in the same process.
 * - `kernel`: the side-by-side kernel (bench/kernel.ts): the limit, the engine and the peers on
 *   the same initial state and the same draws, checking after every tick that they agree.
 *
 * Times are CPU milliseconds of the process (see `cpuMs`), and every run is repeated from the same
 * seed so that each tick does identical work in every repetition: a tick counts with its fastest
 * repetition. Both make the numbers hold on a machine that other jobs share.
 */
import type { StreamState } from '../src/engine/rng.ts';
import type { World } from '../src/engine/world.ts';
import { reportTick } from '../src/metrics/reporters.ts';
import { initializeWorld } from '../src/model/initialize.ts';
import { CHAIN, tick } from '../src/model/tick.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import { scenarioSchema } from '../src/scenario/schema.ts';
import type { TickTrace } from './kernel.ts';
import { engineTick, kernelFromWorld, limitTick, sameTrace, traceOf } from './kernel.ts';
import { collectGarbage, cpuMs, currentRss, minEach, peakRss, sum } from './measure.ts';
import type { PeerName } from './peers.ts';
import { loadPeer, PEER_VERSIONS, peerModel } from './peers.ts';

/** Prefix of the one stdout line that carries a child's result. */
export const RESULT_PREFIX = '@@urd-bench-result ';

/** Names of the stages in CHAIN order, for tables. */
export const STAGE_NAMES = ['technology', 'capital', 'talent', 'production', 'rights'] as const;

/** A full-model measurement at one size (and one place count: ring counts × placeScale). */
export interface ModelSpec {
  kind: 'model';
  residents: number;
  placeScale: number;
  /** Untimed ticks first, so the JIT has compiled the stages. */
  warmup: number;
  ticks: number;
  /** Runs of the whole thing from the same seed; each tick counts with its fastest run. */
  reps: number;
  /** Further ticks after which reportTick is timed (after two untimed ones). */
  reportTicks: number;
  /** Ticks of the hand-written kernel run afterwards as the in-process reference. */
  referenceTicks: number;
  seed: number;
}

/** Result of a {@link ModelSpec}. Times are CPU milliseconds; memory is bytes. */
export interface ModelResult {
  kind: 'model';
  residents: number;
  places: number;
  placeScale: number;
  ticks: number;
  initMs: number;
  msPerTick: number;
  /** The same, in wall time (fastest repetition per tick). */
  wallMsPerTick: number;
  residentTicksPerSecond: number;
  /** Mean ms per tick of each stage, in CHAIN order. */
  stageMs: number[];
  /** Mean ms per tick outside the stages: state update, queued edits, policy plan, ledger snapshot and reconciliation. */
  otherMs: number;
  /** Mean ms of one reportTick (metrics rows) once warm, not part of the model's time. */
  reportMs: number;
  /** RSS after loading everything, before the world exists. */
  baselineRss: number;
  /** Peak RSS over initialisation and the timed ticks (no metrics). */
  peakRss: number;
  /** (peakRss − baselineRss) / residents. */
  bytesPerResident: number;
  /** Peak RSS once reportTick has also run. */
  peakRssWithReport: number;
  /** The in-process reference: ms per tick of the hand-written kernel (bench/kernel.ts limit) on this world. */
  referenceMsPerTick: number;
}

/** A side-by-side kernel measurement at one size. */
export interface KernelSpec {
  kind: 'kernel';
  residents: number;
  ticks: number;
  /** Repetitions of the limit and the engine, which run tick by tick in alternation. */
  reps: number;
  peers: PeerName[];
  peersDir: string;
  /** CPU budget per peer: its first repetition stops ticking after budget/reps (at least one tick); more repetitions run while the budget lasts. */
  peerBudgetMs: number;
  seed: number;
}

/** One variant's timing in a {@link KernelResult}. */
export interface VariantResult {
  /** Ticks timed (peers may run fewer than the limit within their budget). */
  ticks: number;
  msPerTick: number;
  wallMsPerTick: number;
  residentTicksPerSecond: number;
  /** This variant's time over the limit's time on the same ticks. */
  overLimit: number;
  /** This variant's time over the engine's time on the same ticks. */
  overEngine: number;
  /** Peers: time to create the agents (not in msPerTick). */
  setupMs?: number;
  /** Peers: RSS growth from creating the agents, per agent. */
  bytesPerAgent?: number;
  version?: string;
}

/** Result of a {@link KernelSpec}. */
export interface KernelResult {
  kind: 'kernel';
  residents: number;
  variants: Partial<Record<'limit' | 'engine' | PeerName, VariantResult>>;
  /** Residents per level after the last tick (identical in every variant). */
  finalLevels: number[];
  /** Peers that failed to run, with the reason. */
  peerErrors: string[];
}

/** Default rings with each ring's place count multiplied by `placeScale` (the places sweep). */
export function benchScenario(residents: number, placeScale: number, seed: number): Scenario {
  const base = scenarioSchema.parse({});
  const rings = base.world.rings.map((r) => ({ ...r, count: r.count * placeScale }));
  return scenarioSchema.parse({ seed, world: { residents, rings } });
}

function log(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

/** Per-tick times of one run of the model: CPU and wall totals and CPU per stage. */
interface ModelRun {
  cpu: number[];
  wall: number[];
  stages: number[][];
}

/**
 * Times `spec.ticks` ticks of a fresh world. Stage k ≥ 1 is the CPU time between the timer's
 * calls for stage k − 1 and k; stage 0 (technology, O(places)) has no CPU mark before it and
 * takes the wall time tick() reports.
 */
function timeTicks(world: World, spec: ModelSpec): ModelRun {
  const run: ModelRun = { cpu: [], wall: [], stages: [] };
  let stage: number[] = [];
  let mark = 0;
  const timer = (k: number, wallMs: number) => {
    const now = cpuMs();
    stage[k] = k === 0 ? wallMs : now - mark;
    mark = now;
  };
  for (let t = 0; t < spec.ticks; t++) {
    stage = new Array<number>(CHAIN.length).fill(0);
    const c0 = cpuMs();
    const w0 = performance.now();
    tick(world, timer);
    run.wall.push(performance.now() - w0);
    run.cpu.push(cpuMs() - c0);
    run.stages.push(stage);
    world.events.length = 0;
  }
  return run;
}

/** Untimed reportTicks before the timed ones. */
const REPORT_WARMUP = 2;

/**
 * Runs a full-model measurement (see {@link ModelSpec}). Memory, the metrics cost and the
 * in-process reference are measured in the first repetition only, after its timed ticks.
 */
export function runModel(spec: ModelSpec): ModelResult {
  const scenario = benchScenario(spec.residents, spec.placeScale, spec.seed);
  collectGarbage();
  const baselineRss = currentRss();
  let peak = 0;
  let peakWithReport = 0;
  let report = 0;
  let referenceMsPerTick = 0;
  let places = 0;
  let initMs = Infinity;
  const runs: ModelRun[] = [];
  for (let rep = 0; rep < spec.reps; rep++) {
    const c0 = cpuMs();
    const world = initializeWorld(scenario, spec.seed);
    initMs = Math.min(initMs, cpuMs() - c0);
    for (let t = 0; t < spec.warmup; t++) {
      tick(world);
      world.events.length = 0;
    }
    runs.push(timeTicks(world, spec));
    if (rep === 0) {
      peak = peakRss();
      places = world.places.count;
      // Untimed first, like the ticks: the first reportTick of a process runs its loops cold
      // (at 1M residents ≈ 57 and 48 ms, then ≈ 38 ms; at 10k 45 ms, then 0.7 ms).
      for (let t = 0; t < REPORT_WARMUP + spec.reportTicks; t++) {
        tick(world);
        world.events.length = 0;
        const r0 = cpuMs();
        reportTick(world);
        if (t >= REPORT_WARMUP) report += cpuMs() - r0;
      }
      peakWithReport = peakRss();
      // The in-process reference: the hand-written kernel on this world's state (after the peaks were read).
      const k = kernelFromWorld(world);
      let stream = world.streams.diffusion.state();
      const ref: number[] = [];
      for (let t = 0; t < spec.referenceTicks; t++) {
        const r0 = cpuMs();
        stream = limitTick(k, stream);
        ref.push(cpuMs() - r0);
      }
      referenceMsPerTick = ref.length > 0 ? Math.min(...ref) : 0;
    }
    collectGarbage();
  }
  // Each tick with its fastest repetition (every repetition did identical work at that tick).
  const best = (pick: (run: ModelRun, t: number) => number) => {
    let total = 0;
    for (let t = 0; t < spec.ticks; t++) total += Math.min(...runs.map((run) => pick(run, t)));
    return total / spec.ticks;
  };
  const msPerTick = best((run, t) => run.cpu[t]);
  const stageMs = CHAIN.map((_, k) => best((run, t) => run.stages[t][k]));
  return {
    kind: 'model',
    residents: spec.residents,
    places,
    placeScale: spec.placeScale,
    ticks: spec.ticks,
    initMs,
    msPerTick,
    wallMsPerTick: best((run, t) => run.wall[t]),
    residentTicksPerSecond: spec.residents / (msPerTick / 1000),
    stageMs,
    otherMs: Math.max(0, best((run, t) => run.cpu[t] - sum(run.stages[t]))),
    reportMs: spec.reportTicks > 0 ? report / spec.reportTicks : 0,
    baselineRss,
    peakRss: peak,
    bytesPerResident: (peak - baselineRss) / spec.residents,
    peakRssWithReport: peakWithReport,
    referenceMsPerTick,
  };
}

/** Thrown when two variants of the kernel disagree: the benchmark is broken, not slow. */
export class KernelMismatch extends Error {}

function sameStream(a: StreamState, b: StreamState): boolean {
  return a.c === b.c && a.s0 === b.s0 && a.s1 === b.s1 && a.s2 === b.s2;
}

/** Fastest CPU and wall time per tick over repetitions. */
interface BestTimes {
  cpu: number[] | null;
  wall: number[] | null;
}

/**
 * The limit and the engine, tick by tick in alternation (which goes first alternates too), so
 * both see the same machine at the same moment. Checks after every tick that their levels and
 * output agree, and at the end that both stopped at the same point of the alea stream.
 */
function limitAndEngine(scenario: Scenario, spec: KernelSpec): { limit: BestTimes; engine: BestTimes; reference: TickTrace[] } {
  const limit: BestTimes = { cpu: null, wall: null };
  const engine: BestTimes = { cpu: null, wall: null };
  let reference: TickTrace[] = [];
  // A short untimed warm-up of both, so that neither pays for the JIT in its timed ticks.
  {
    const k = kernelFromWorld(initializeWorld(scenario, spec.seed));
    const world = initializeWorld(scenario, spec.seed);
    let stream = world.streams.diffusion.state();
    for (let t = 0; t < Math.min(spec.ticks, 3); t++) {
      stream = limitTick(k, stream);
      engineTick(world);
    }
  }
  for (let rep = 0; rep < spec.reps; rep++) {
    collectGarbage();
    const k = kernelFromWorld(initializeWorld(scenario, spec.seed));
    const world = initializeWorld(scenario, spec.seed);
    let stream = world.streams.diffusion.state();
    const times = { limit: { cpu: [] as number[], wall: [] as number[] }, engine: { cpu: [] as number[], wall: [] as number[] } };
    const traces: TickTrace[] = [];
    const step = (variant: 'limit' | 'engine') => {
      const c0 = cpuMs();
      const w0 = performance.now();
      if (variant === 'limit') stream = limitTick(k, stream);
      else engineTick(world);
      times[variant].wall.push(performance.now() - w0);
      times[variant].cpu.push(cpuMs() - c0);
    };
    for (let t = 0; t < spec.ticks; t++) {
      if ((t + rep) % 2 === 0) {
        step('limit');
        step('engine');
      } else {
        step('engine');
        step('limit');
      }
      const a = traceOf(k.residents.level, k.places.output);
      const b = traceOf(world.residents.level, world.places.output);
      const diff = sameTrace([a], [b]);
      if (diff) throw new KernelMismatch(`engine differs from the limit at ${spec.residents} residents, tick ${t + 1}: ${diff.replace(/^tick 1: /, '')} (if stage 4 changed in src/model, bench/kernel.ts must follow)`);
      traces.push(a);
    }
    if (!sameStream(stream, world.streams.diffusion.state())) {
      throw new KernelMismatch(`limit and engine end at different points of the alea stream (${JSON.stringify(stream)} vs ${JSON.stringify(world.streams.diffusion.state())})`);
    }
    if (rep === 0) reference = traces;
    else {
      const diff = sameTrace(reference, traces);
      if (diff) throw new KernelMismatch(`repetition ${rep + 1} differs from the first at ${spec.residents} residents: ${diff}`);
    }
    for (const [variant, best] of [['limit', limit], ['engine', engine]] as const) {
      best.cpu = minEach(best.cpu, times[variant].cpu);
      best.wall = minEach(best.wall, times[variant].wall);
    }
  }
  return { limit, engine, reference };
}

/** One peer's fastest per-tick times within its budget, its set-up cost and memory per agent; checks its trace. */
async function timePeer(name: PeerName, scenario: Scenario, spec: KernelSpec, reference: readonly TickTrace[]): Promise<{ best: BestTimes; setupMs: number; bytesPerAgent: number }> {
  const best: BestTimes = { cpu: null, wall: null };
  let setupMs = Infinity;
  let bytesPerAgent = 0;
  let ticks = spec.ticks;
  const started = cpuMs();
  await loadPeer(name, spec.peersDir);
  for (let rep = 0; rep < spec.reps && (rep === 0 || cpuMs() - started < spec.peerBudgetMs); rep++) {
    collectGarbage();
    const world = initializeWorld(scenario, spec.seed);
    const k = kernelFromWorld(world);
    const stream = world.streams.diffusion.state();
    collectGarbage();
    const rss0 = currentRss();
    const s0 = cpuMs();
    const peer = await peerModel(name, spec.peersDir, k, stream);
    setupMs = Math.min(setupMs, cpuMs() - s0);
    collectGarbage();
    if (rep === 0) bytesPerAgent = (currentRss() - rss0) / spec.residents;
    const cpu: number[] = [];
    const wall: number[] = [];
    const traces: TickTrace[] = [];
    while (cpu.length < ticks && (rep > 0 || cpu.length === 0 || sum(cpu) < spec.peerBudgetMs / spec.reps)) {
      const c0 = cpuMs();
      const w0 = performance.now();
      peer.tick();
      wall.push(performance.now() - w0);
      cpu.push(cpuMs() - c0);
      traces.push(peer.trace());
    }
    ticks = cpu.length;
    const diff = sameTrace(reference, traces);
    if (diff) throw new KernelMismatch(`${name} differs from the limit at ${spec.residents} residents: ${diff}`);
    best.cpu = minEach(best.cpu, cpu);
    best.wall = minEach(best.wall, wall);
  }
  return { best, setupMs, bytesPerAgent };
}

/**
 * Runs the side-by-side kernel (see {@link KernelSpec}). Throws {@link KernelMismatch} when the
 * engine or a peer does not reproduce the limit's levels and output tick by tick, or when the
 * limit and the engine end at different points of the alea stream.
 */
export async function runKernel(spec: KernelSpec): Promise<KernelResult> {
  const scenario = benchScenario(spec.residents, 1, spec.seed);
  const { limit, engine, reference } = limitAndEngine(scenario, spec);
  // Ratios over the first n ticks, so a peer that ran fewer ticks is compared on the same ones.
  const first = (best: BestTimes, n: number) => sum(best.cpu!.slice(0, n));
  const describe = (best: BestTimes, extra: Partial<VariantResult> = {}): VariantResult => {
    const n = best.cpu!.length;
    const ms = sum(best.cpu!);
    return {
      ticks: n,
      msPerTick: ms / n,
      wallMsPerTick: sum(best.wall!) / n,
      residentTicksPerSecond: (spec.residents * n) / (ms / 1000),
      overLimit: ms / first(limit, n),
      overEngine: ms / first(engine, n),
      ...extra,
    };
  };
  const result: KernelResult = {
    kind: 'kernel',
    residents: spec.residents,
    variants: { limit: describe(limit), engine: describe(engine) },
    finalLevels: [...reference[reference.length - 1].levels],
    peerErrors: [],
  };
  log(`kernel ${spec.residents}: limit ${result.variants.limit!.msPerTick.toFixed(2)} ms/tick, engine ×${result.variants.engine!.overLimit.toFixed(2)} (levels and output identical every tick)`);

  for (const name of spec.peers) {
    try {
      const { best, setupMs, bytesPerAgent } = await timePeer(name, scenario, spec, reference);
      const v = describe(best, { setupMs, bytesPerAgent, version: PEER_VERSIONS[name] });
      result.variants[name] = v;
      log(`kernel ${spec.residents}: ${name} ${v.msPerTick.toFixed(1)} ms/tick over ${v.ticks} tick(s), ×${v.overEngine.toFixed(1)} the engine (identical levels and output)`);
    } catch (err) {
      if (err instanceof KernelMismatch) throw err;
      const why = (err as Error).message.split('\n')[0];
      result.peerErrors.push(`${name}: ${why}`);
      log(`kernel ${spec.residents}: ${name} failed: ${why}`);
    }
  }
  return result;
}
