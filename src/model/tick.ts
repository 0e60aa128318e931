import { allocateSnapshot, checkBooks, snapshotStocks } from '../engine/books.ts';
import type { StockSnapshot } from '../engine/ledger.ts';
import type { World } from '../engine/world.ts';
import { updateState } from '../engine/world.ts';
import { applyDueEdits } from '../policy/patches.ts';
import { planPolicy } from '../policy/plan.ts';
import { applySchedule } from '../policy/schedule.ts';
import { capitalMomentum } from './capital.ts';
import { productionDiffusion } from './diffusion.ts';
import { rightCore } from './rights.ts';
import { talentApplication } from './talent.ts';
import { technologyFoundation } from './technology.ts';

/** A stage of the chain: a plain function over the world. */
export type Stage = (world: World) => void;

/** The five stages of MODEL.md section 3, in the chain's order. */
export const CHAIN: readonly Stage[] = [
  technologyFoundation, // 1. technology foundation
  capitalMomentum, // 2. capital momentum
  talentApplication, // 3. talent application
  productionDiffusion, // 4. production diffusion
  rightCore, // 5. right core
];

/** Receives the wall time of each stage, for the benchmark; never feeds back into results. */
export type StageTimer = (stageIndex: number, milliseconds: number) => void;

/** Each world's stocks at the start of its tick; the end of the tick is read from the live stocks. */
const snapshots = new WeakMap<World, StockSnapshot>();

/**
 * Advances the world by one tick. Reads as a table of contents: open the books, apply scheduled
 * parameter changes and queued structural edits, plan the levers, run the five stages in order, and reconcile every stock
 * with the ledger (throwing on any mismatch).
 */
export function tick(world: World, timer?: StageTimer): void {
  let before = snapshots.get(world);
  if (!before) snapshots.set(world, (before = allocateSnapshot(world)));
  world.ledger.clearTick();
  snapshotStocks(world, before);
  updateState(world, (d) => void (d.tick += 1));
  applySchedule(world);
  applyDueEdits(world);
  planPolicy(world);
  for (let k = 0; k < CHAIN.length; k++) {
    if (!timer) {
      CHAIN[k](world);
      continue;
    }
    const t0 = performance.now();
    CHAIN[k](world);
    timer(k, performance.now() - t0);
  }
  checkBooks(world, before);
}
