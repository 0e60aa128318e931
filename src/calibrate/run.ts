import { existsSync } from 'node:fs';
import { inShard, type Shard } from '../experiments/shard.ts';
import type { Scenario } from '../scenario/schema.ts';
import { importanceWeights, keepBest, proposeCandidates, type Population } from './abc.ts';
import { distance, type Sims } from './fit.ts';
import { candidateScenario, type CalibrationPlan } from './load.ts';
import { nelderMead } from './nelderMead.ts';
import { SimPool } from './pool.ts';
import { toValue, uBounds } from './priors.ts';
import type { SimTask } from './simulate.ts';
import { evaluationPath, openCalibrationDir, readEvaluation, readPopulation, removePartials, writeEvaluation, writePopulation } from './store.ts';

/** Options of {@link runCalibration}. */
export interface CalibrateOptions {
  dir: string;
  /** Runs at once: 1 runs in this thread, more use a pool of worker threads. */
  workers: number;
  /** Evaluate only this shard's candidates (waiting for the other shards' records at each population). */
  shard?: Shard | null;
  /** Aborting stops the calibration; finished evaluations are kept and a resume continues. */
  signal?: AbortSignal;
  /** Called with the runs done and the runs the budget allows, as runs end. */
  onProgress?: (done: number, total: number) => void;
  /** How often a shard looks for the other shards' records (ms). */
  pollMs?: number;
}

/** One evaluated point of an optimize search. */
export interface Step {
  step: number;
  u: number[];
  distance: number;
}

/** What a finished calibration found, for the output files. */
export interface Outcome {
  /** ABC-SMC: every population; optimize: none. */
  populations: Population[];
  /** Optimize: every evaluation in order; ABC-SMC: none. */
  steps: Step[];
  best: { u: number[]; distance: number; sims: Sims };
  /** Draws of the posterior predictive (ABC-SMC: the last population; optimize: the best point), weights summing to 1. */
  predictive: { sims: Sims; weight: number }[];
  runsUsed: number;
}

/** Thrown inside a search when the calibration is interrupted. */
class Interrupted extends Error {}

/**
 * Runs candidates' evaluations (every seed) on the pool, reusing the records of earlier
 * attempts: a record is written the moment a candidate's last seed ends, so a kill loses only
 * the runs in flight. With a shard, only its candidates run here and the others' records are
 * awaited, so every shard goes on with the whole population.
 */
class Evaluator {
  runsDone = 0;

  constructor(
    private readonly plan: CalibrationPlan,
    private readonly pool: SimPool,
    private readonly options: CalibrateOptions,
    private readonly totalRuns: number,
  ) {}

  private scenarioOf(u: readonly number[]): Scenario {
    return candidateScenario(
      this.plan,
      this.plan.parameters.map((p, i) => toValue(p, u[i])),
    );
  }

  async evaluate(batch: string, us: readonly number[][]): Promise<Sims[]> {
    const { dir, shard = null, signal } = this.options;
    const S = this.plan.seeds.length;
    const paths = us.map((_, i) => evaluationPath(dir, batch, i));
    const out: (Sims | null)[] = us.map((u, i) => readEvaluation(paths[i], u));
    const todo = us.map((_, i) => i).filter((i) => out[i] === null && inShard(i, shard));
    const tasks: SimTask[] = [];
    for (const i of todo) {
      const scenario = this.scenarioOf(us[i]);
      const probes = this.plan.series.map((s) => ({ ...s.probe, ticks: s.ticks }));
      for (const seed of this.plan.seeds) tasks.push({ scenario: { ...scenario, seed }, probes });
    }
    const partial = todo.map(() => new Array<number[][] | null>(S).fill(null));
    const left = todo.map(() => S);
    await this.pool.run(
      tasks,
      (k, result) => {
        const c = Math.floor(k / S);
        partial[c][k % S] = result;
        this.runsDone++;
        this.options.onProgress?.(this.runsDone, this.totalRuns);
        if (--left[c] === 0) {
          out[todo[c]] = partial[c] as Sims;
          writeEvaluation(paths[todo[c]], us[todo[c]], partial[c] as Sims);
        }
      },
      signal,
    );
    if (signal?.aborted) throw new Interrupted();
    // Other shards' candidates: wait for their records.
    for (;;) {
      const missing = out.map((o, i) => (o === null ? i : -1)).filter((i) => i >= 0);
      if (missing.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 1000));
      if (signal?.aborted) throw new Interrupted();
      for (const i of missing) if (existsSync(paths[i])) out[i] = readEvaluation(paths[i], us[i]);
    }
    return out as Sims[];
  }
}

/** Evaluations each population makes. */
export function candidatesPerPopulation(plan: CalibrationPlan): number {
  return plan.method.type === 'abc-smc' ? Math.ceil(plan.method.particles / plan.method.acceptance) : 0;
}

async function abcSmc(plan: CalibrationPlan, ev: Evaluator, dir: string): Promise<Outcome> {
  if (plan.method.type !== 'abc-smc') throw new Error('not an abc-smc plan');
  const n = plan.method.particles;
  const m = candidatesPerPopulation(plan);
  const count = Math.floor(plan.budget / (m * plan.seeds.length));
  const populations: Population[] = [];
  let prev: Population | null = null;
  for (let t = 0; t < count; t++) {
    let pop = readPopulation(dir, t);
    if (!pop) {
      const candidates = proposeCandidates(plan.parameters, prev, t, m, plan.seed);
      const sims = await ev.evaluate(`p${String(t).padStart(3, '0')}`, candidates);
      const d = sims.map((s) => distance(plan, s));
      const kept = keepBest(d, n);
      const w = importanceWeights(
        plan.parameters,
        kept.map((i) => candidates[i]),
        prev,
      );
      pop = { t, epsilon: d[kept[kept.length - 1]], candidates: m, particles: kept.map((i, j) => ({ u: candidates[i], weight: w[j], distance: d[i], sims: sims[i], candidate: i })) };
      writePopulation(dir, pop);
    }
    populations.push(pop);
    prev = pop;
  }
  const last = populations[populations.length - 1];
  const best = populations.flatMap((p) => p.particles).reduce((a, b) => (b.distance < a.distance ? b : a));
  return {
    populations,
    steps: [],
    best: { u: best.u, distance: best.distance, sims: best.sims },
    predictive: last.particles.map((p) => ({ sims: p.sims, weight: p.weight })),
    runsUsed: count * m * plan.seeds.length,
  };
}

async function optimize(plan: CalibrationPlan, ev: Evaluator): Promise<Outcome> {
  const bounds = plan.parameters.map(uBounds);
  const toU = (x: readonly number[]) => x.map((v, i) => bounds[i][0] + v * (bounds[i][1] - bounds[i][0]));
  const start = plan.parameters.map((p, i) => (p.prior === 'normal' ? ((p.mean as number) - bounds[i][0]) / (bounds[i][1] - bounds[i][0]) : 0.5));
  const steps: Step[] = [];
  const sims: Sims[] = [];
  let batch = 0;
  await nelderMead(
    async (xs) => {
      const us = xs.map(toU);
      const results = await ev.evaluate(`n${String(batch++).padStart(5, '0')}`, us);
      return results.map((s, i) => {
        const d = distance(plan, s);
        steps.push({ step: steps.length, u: us[i], distance: d });
        sims.push(s);
        return d;
      });
    },
    start,
    0.25,
    Math.floor(plan.budget / plan.seeds.length),
  );
  const bestAt = steps.reduce((a, s) => (s.distance < steps[a].distance ? s.step : a), 0);
  return {
    populations: [],
    steps,
    best: { u: steps[bestAt].u, distance: steps[bestAt].distance, sims: sims[bestAt] },
    predictive: [{ sims: sims[bestAt], weight: 1 }],
    runsUsed: steps.length * plan.seeds.length,
  };
}

/**
 * Runs a calibration into its folder, continuing whatever an earlier attempt left there (the
 * finished populations' checkpoints and the evaluations' records), and returns what it found,
 * or null when interrupted. Results do not depend on the number of workers, on interruptions
 * or on sharding: every random draw comes from streams named after the calibration seed, and
 * every evaluation runs the same seeds.
 */
export async function runCalibration(plan: CalibrationPlan, options: CalibrateOptions): Promise<Outcome | null> {
  openCalibrationDir(options.dir, plan);
  const total =
    plan.method.type === 'abc-smc'
      ? Math.floor(plan.budget / (candidatesPerPopulation(plan) * plan.seeds.length)) * candidatesPerPopulation(plan) * plan.seeds.length
      : plan.budget - (plan.budget % plan.seeds.length);
  const pool = new SimPool(options.workers);
  const ev = new Evaluator(plan, pool, options, total);
  options.onProgress?.(0, total);
  try {
    return plan.method.type === 'abc-smc' ? await abcSmc(plan, ev, options.dir) : await optimize(plan, ev);
  } catch (err) {
    if (err instanceof Interrupted) return null;
    throw err;
  } finally {
    await pool.close();
    if (!options.shard) removePartials(options.dir);
  }
}
