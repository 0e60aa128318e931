import type { StockName, StockReader, StockSnapshot } from './ledger.ts';
import { reconcile, STOCKS } from './ledger.ts';
import type { World } from './world.ts';

/** Thrown when the stocks of a world do not match its ledger: a bug in a stage, never bad input. */
export class LedgerMismatch extends Error {}

/** Allocates one snapshot of every stock (per place; the budget's is the treasury's value alone). */
export function allocateSnapshot(world: World): StockSnapshot {
  const out = {} as StockSnapshot;
  for (const s of STOCKS) out[s] = new Float64Array(s === 'budget' ? 1 : world.places.count);
  return out;
}

/** The live stocks of a world: each stock's array over the places, and the treasury's value. */
export function liveStocks(world: World): StockReader {
  const pl = world.places;
  const places: Record<StockName, Float64Array | null> = { capital: pl.capital, tech: pl.tech, people: pl.population, income: pl.income, budget: null };
  return (stock) => ({ places: places[stock], treasury: stock === 'budget' ? world.state.budget : 0 });
}

/** Copies the current value of every stock into `into`: the state that ledger bookings start from. */
export function snapshotStocks(world: World, into: StockSnapshot): StockSnapshot {
  const live = liveStocks(world);
  for (const s of STOCKS) {
    const target = into[s];
    const { places, treasury } = live(s);
    if (s === 'budget') target[0] = treasury;
    else if (places) target.set(places);
    else target.fill(0);
  }
  return into;
}

/** Throws {@link LedgerMismatch} unless every stock changed by exactly what the ledger booked since `before`. */
export function checkBooks(world: World, before: StockSnapshot, relTol = 1e-9): void {
  const bad = reconcile(world.ledger, before, liveStocks(world), relTol);
  if (bad) {
    throw new LedgerMismatch(
      `ledger does not reconcile at tick ${world.state.tick}: ${bad.stock} in slot ${bad.slot} changed by ${bad.actual}, booked ${bad.expected}`,
    );
  }
}
