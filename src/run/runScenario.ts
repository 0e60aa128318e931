import type { World } from '../engine/world.ts';
import { RunWriter } from '../io/runFolder.ts';
import { reportTick } from '../metrics/reporters.ts';
import type { RunSummary } from '../metrics/summary.ts';
import { SummaryTracker } from '../metrics/summary.ts';
import { initializeWorld } from '../model/initialize.ts';
import { tick } from '../model/tick.ts';
import { LEVERS, type Scenario } from '../scenario/schema.ts';

/** Options of {@link runScenario}. */
export interface RunOptions {
  /** Run folder to write; when absent the run keeps nothing but its summary. */
  dir?: string;
  /** Called after each tick (tick 0 is the initial state), e.g. for a progress bar. */
  onTick?: (tick: number, ticks: number) => void;
}

/** Result of a run: its summary, and the folder written (if any). */
export interface RunResult {
  summary: RunSummary;
  dir: string | null;
}

/** Total spending per lever so far, from the ledger. */
export function spendingByLever(world: World): Record<string, number> {
  const out: Record<string, number> = {};
  const led = world.ledger;
  LEVERS.forEach((lever, l) => {
    let total = 0;
    for (let r = 0; r < led.rings; r++) total += led.spendingTotal[l * led.rings + r];
    out[lever] = total;
  });
  return out;
}

/**
 * Runs a resolved scenario (its seed and ticks as given) and returns its summary. With `dir`,
 * metrics rows and events stream into the run folder as the run goes (never held in memory)
 * and the folder is completed atomically at the end; on any error its partial files are removed.
 */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const writer = options.dir ? new RunWriter(options.dir, scenario) : null;
  try {
    const world = initializeWorld(scenario, scenario.seed);
    const tracker = new SummaryTracker();
    const record = () => {
      const rows = reportTick(world);
      tracker.observe(world, rows);
      for (const e of world.events) tracker.countEvent(e.type);
      writer?.writeRows(rows);
      writer?.writeEvents(world.events);
      world.events.length = 0;
      options.onTick?.(world.state.tick, scenario.ticks);
    };
    record();
    while (world.state.tick < scenario.ticks) {
      tick(world);
      record();
    }
    const summary = tracker.finish(world, spendingByLever(world));
    writer?.finish(summary);
    return { summary, dir: writer?.dir ?? null };
  } catch (err) {
    writer?.abandon();
    throw err;
  }
}
