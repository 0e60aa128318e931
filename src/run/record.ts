import type { World } from '../engine/world.ts';
import { reportTick, type MetricRow } from '../metrics/reporters.ts';
import type { SummaryTracker } from '../metrics/summary.ts';
import { LEVERS } from '../scenario/schema.ts';

/**
 * The browser-safe core of a run: the CLI's runner and the classroom page (src/play) both
 * record a tick and total the spending through these, so the page's summary is the CLI's.
 */

/** Total spending per lever so far, from the ledger. */
export function spendingByLever(world: World): Record<string, number> {
  return Object.fromEntries(LEVERS.map((lever) => [lever, world.ledger.spent(lever, 'total')]));
}

/** Reports the current tick to the summary tracker (rows and events) and returns the rows; the caller drains world.events. */
export function recordTick(world: World, tracker: SummaryTracker): MetricRow[] {
  const rows = reportTick(world);
  tracker.observe(world, rows);
  for (const e of world.events) tracker.countEvent(e.type);
  return rows;
}
