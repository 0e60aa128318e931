/**
 * Cost per tick against the number of places: a world of ≈ 100,000 places (the province-100k
 * scenario, a generated central-place hierarchy with a capped information field) against the
 * default 151 places, at the same number of residents, ticking in alternation in one process so
 * both see the machine at the same moments. Memory per resident is read for the large world
 * alone, before the small one exists.
 */
import { join } from 'node:path';
import { initializeWorld } from '../src/model/initialize.ts';
import { tick } from '../src/model/tick.ts';
import type { World } from '../src/engine/world.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { benchScenario, STAGE_NAMES } from './child.ts';
import { collectGarbage, cpuMs, currentRss, peakRss } from './measure.ts';

/** The large world's scenario, relative to the project root. */
export const LARGE_SCENARIO = join('scenarios', 'large', 'province-100k.yaml');

export interface ScaleSpec {
  kind: 'scale';
  residents: number;
  /** Untimed ticks of each world first. */
  warmup: number;
  ticks: number;
  seed: number;
}

export interface ScaleResult {
  kind: 'scale';
  residents: number;
  smallPlaces: number;
  largePlaces: number;
  /** Pairs kept in the large world's information field. */
  largePairs: number;
  /** CPU ms to build the large world (layout, field, residents). */
  largeInitMs: number;
  smallMsPerTick: number;
  largeMsPerTick: number;
  /** CPU ms per tick of each stage (STAGE_NAMES order), then the rest of the tick (the ledger's check), for each world. */
  smallStageMs: number[];
  largeStageMs: number[];
  /** (peak RSS with the large world − RSS before it) / residents. */
  largeBytesPerResident: number;
  /** Of that, the typed arrays' share: growth of the process's array buffers / residents (no collector timing in it). */
  largeArrayBytesPerResident: number;
}

/** One tick's CPU ms, adding each stage's CPU ms (and the rest of the tick's, last) to `stages`. */
function step(world: World, stages: number[]): number {
  const c0 = cpuMs();
  let mark = c0;
  // Stage 0 also counts the tick's opening (snapshot, schedule, plan): O(places), as small as the rest.
  tick(world, (k) => {
    const now = cpuMs();
    stages[k] += now - mark;
    mark = now;
  });
  const total = cpuMs() - c0;
  stages[STAGE_NAMES.length] += cpuMs() - mark;
  world.events.length = 0;
  return total;
}

/** Runs a {@link ScaleSpec} (in a benchmark child). */
export function runScale(spec: ScaleSpec, root: string): ScaleResult {
  const set = [`world.residents=${spec.residents}`, `seed=${spec.seed}`];
  const largeScenario = loadScenario(join(root, LARGE_SCENARIO), { set });
  collectGarbage();
  const baselineRss = currentRss();
  const baselineArrays = process.memoryUsage().arrayBuffers;
  const c0 = cpuMs();
  const large = initializeWorld(largeScenario, spec.seed);
  const largeInitMs = cpuMs() - c0;
  const ignored = new Array<number>(STAGE_NAMES.length + 1).fill(0);
  for (let t = 0; t < spec.warmup; t++) step(large, ignored);
  const largeBytesPerResident = (peakRss() - baselineRss) / spec.residents;
  const largeArrayBytesPerResident = (process.memoryUsage().arrayBuffers - baselineArrays) / spec.residents;
  const small = initializeWorld(benchScenario(spec.residents, 1, spec.seed), spec.seed);
  for (let t = 0; t < spec.warmup; t++) step(small, ignored);
  let smallMs = 0;
  let largeMs = 0;
  const smallStageMs = new Array<number>(STAGE_NAMES.length + 1).fill(0);
  const largeStageMs = new Array<number>(STAGE_NAMES.length + 1).fill(0);
  for (let t = 0; t < spec.ticks; t++) {
    smallMs += step(small, smallStageMs);
    largeMs += step(large, largeStageMs);
  }
  return {
    kind: 'scale',
    residents: spec.residents,
    smallPlaces: small.places.count,
    largePlaces: large.places.count,
    largePairs: large.infoField.index.length,
    largeInitMs,
    smallMsPerTick: smallMs / spec.ticks,
    largeMsPerTick: largeMs / spec.ticks,
    smallStageMs: smallStageMs.map((ms) => ms / spec.ticks),
    largeStageMs: largeStageMs.map((ms) => ms / spec.ticks),
    largeBytesPerResident,
    largeArrayBytesPerResident,
  };
}
