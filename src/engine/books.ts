import type { StockName, StockSnapshot } from './ledger.ts';
import { reconcile, STOCKS } from './ledger.ts';
import type { World } from './world.ts';

/** Thrown when the stocks of a world do not match its ledger: a bug in a stage, never bad input. */
export class LedgerMismatch extends Error {}

/** Allocates one snapshot of every stock (places plus the treasury slot). */
export function allocateSnapshot(world: World): StockSnapshot {
  const out = {} as StockSnapshot;
  for (const s of STOCKS) out[s] = new Float64Array(world.ledger.slots);
  return out;
}

/** Copies the current value of every stock into `into`: the state that ledger bookings start from. */
export function snapshotStocks(world: World, into: StockSnapshot): StockSnapshot {
  const pl = world.places;
  const sources: Record<StockName, Float64Array | null> = {
    capital: pl.capital,
    tech: pl.tech,
    people: pl.population,
    income: pl.income,
    budget: null,
  };
  for (const s of STOCKS) {
    const target = into[s];
    const source = sources[s];
    if (source) target.set(source);
    else target.fill(0);
    target[world.ledger.treasury] = s === 'budget' ? world.state.budget : 0;
  }
  return into;
}

/** Throws {@link LedgerMismatch} unless every stock changed by exactly what the ledger booked since `before`. */
export function checkBooks(world: World, before: StockSnapshot, after: StockSnapshot, relTol = 1e-9): void {
  snapshotStocks(world, after);
  const bad = reconcile(world.ledger, before, after, relTol);
  if (bad) {
    throw new LedgerMismatch(
      `ledger does not reconcile at tick ${world.state.tick}: ${bad.stock} in slot ${bad.slot} changed by ${bad.actual}, booked ${bad.expected}`,
    );
  }
}
