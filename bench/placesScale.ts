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
import { benchScenario } from './child.ts';
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
  /** (peak RSS with the large world − RSS before it) / residents. */
  largeBytesPerResident: number;
}

function step(world: World): number {
  const c0 = cpuMs();
  tick(world);
  world.events.length = 0;
  return cpuMs() - c0;
}

/** Runs a {@link ScaleSpec} (in a benchmark child). */
export function runScale(spec: ScaleSpec, root: string): ScaleResult {
  const set = [`world.residents=${spec.residents}`, `seed=${spec.seed}`];
  const largeScenario = loadScenario(join(root, LARGE_SCENARIO), { set });
  collectGarbage();
  const baselineRss = currentRss();
  const c0 = cpuMs();
  const large = initializeWorld(largeScenario, spec.seed);
  const largeInitMs = cpuMs() - c0;
  for (let t = 0; t < spec.warmup; t++) step(large);
  const largeBytesPerResident = (peakRss() - baselineRss) / spec.residents;
  const small = initializeWorld(benchScenario(spec.residents, 1, spec.seed), spec.seed);
  for (let t = 0; t < spec.warmup; t++) step(small);
  let smallMs = 0;
  let largeMs = 0;
  for (let t = 0; t < spec.ticks; t++) {
    smallMs += step(small);
    largeMs += step(large);
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
    largeBytesPerResident,
  };
}
