import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { LedgerMismatch } from '../../src/engine/books.ts';
import { FLOWS, Ledger, STOCKS, account, flowAt, stockAt, type FlowName, type StockName } from '../../src/engine/ledger.ts';
import type { World } from '../../src/engine/world.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { tick } from '../../src/model/tick.ts';
import { rampFactor } from '../../src/policy/plan.ts';
import {
  ALLOCATIONS,
  INSTRUMENTS,
  INTENSITY_INSTRUMENTS,
  LEVERS,
  scenarioSchema,
  type InterventionSpec,
  type Lever,
  type ScenarioInput,
} from '../../src/scenario/schema.ts';

type InterventionInput = NonNullable<ScenarioInput['interventions']>[number];

/** Every instrument of every lever, with a mix of allocation rules, targets, windows and ramps. */
const EVERY_INSTRUMENT: InterventionInput[] = [
  { lever: 'policy', instrument: 'broadband', budget: 6, allocation: 'periphery-first', target: { class: 'rural' }, start: 1, end: 15, ramp: 3 },
  { lever: 'policy', instrument: 'upgrade', budget: 3, allocation: 'core-first', target: { rings: [0, 1] }, start: 4 },
  { lever: 'capital', instrument: 'transfer', budget: 4, allocation: 'need-based' },
  { lever: 'capital', instrument: 'credit', budget: 2, allocation: 'uniform', start: 2, end: 12 },
  { lever: 'talent', instrument: 'training', budget: 2, allocation: 'need-based', target: { class: 'rural' } },
  { lever: 'talent', instrument: 'returnee', budget: 1.5, allocation: 'periphery-first', start: 3 },
  { lever: 'talent', instrument: 'registration', intensity: 0.6, start: 5, ramp: 4 },
  { lever: 'industry', instrument: 'ecommerce', budget: 2, allocation: 'periphery-first', target: { rings: [2, 3] } },
  { lever: 'industry', instrument: 'logistics', budget: 2, allocation: 'need-based', target: { rings: [3] }, start: 6 },
  { lever: 'rights', instrument: 'services', budget: 2, allocation: 'need-based' },
  { lever: 'rights', instrument: 'benefit-sharing', intensity: 0.5, target: { class: 'rural' }, start: 2 },
  // Asks for far more than the budget for a few ticks: the pro-rata rule must scale everything.
  { lever: 'capital', instrument: 'transfer', budget: 5000, allocation: 'uniform', start: 10, end: 13 },
];

/** Stock values per ring (the treasury is ring `rings`, holding the budget). */
function stocksByRing(world: World): Record<StockName, Float64Array> {
  const pl = world.places;
  const rings = world.scenario.world.rings.length;
  const out = {} as Record<StockName, Float64Array>;
  for (const s of STOCKS) out[s] = new Float64Array(rings + 1);
  for (let p = 0; p < pl.count; p++) {
    const r = pl.ring[p];
    out.capital[r] += pl.capital[p];
    out.tech[r] += pl.tech[p];
    out.people[r] += pl.population[p];
    out.income[r] += pl.income[p];
  }
  out.budget[rings] = world.state.budget;
  return out;
}

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};
const close = (a: number, b: number, scale: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(scale));

describe('stock and flow positions', () => {
  it('the written-out switches give each name its index in STOCKS and FLOWS, so the lists stay the one source', () => {
    expect(STOCKS.map((s) => stockAt(s))).toEqual(STOCKS.map((_, i) => i));
    expect(FLOWS.map((f) => flowAt(f))).toEqual(FLOWS.map((_, i) => i));
  });
});

describe('where stocks live', () => {
  it('the budget is booked in the treasury only, every other stock in places only; accounts book what names book', () => {
    const ledger = new Ledger(new Uint8Array([0, 1, 1]), new Uint8Array([1, 0, 0]), 2);
    expect(() => ledger.book('budget', 'lapse', 1, 2)).toThrow(/budget booked in slot 1/);
    expect(() => ledger.book('income', 'tax', ledger.treasury, 2)).toThrow(/income booked in slot 3/);
    expect(() => ledger.move('capital', 'capital-move', 0, ledger.treasury, 2)).toThrow(/capital booked in slot 3/);
    ledger.clearTick();
    ledger.book('budget', 'appropriation', ledger.treasury, 5);
    ledger.bookTo(account('budget', 'spending'), ledger.treasury, -2);
    ledger.book('income', 'production', 2, 7);
    ledger.moveTo(account('income', 'rent'), 2, 0, 3);
    expect(ledger.booked('budget', ledger.treasury)).toBe(3);
    expect(Array.from(ledger.bookedRow('income'))).toEqual([3, 0, 4]);
    expect(Array.from(ledger.bookedRow('budget'))).toEqual([3]);
    expect(ledger.total('income', 'rent')).toBe(0);
    expect(ledger.crossFlow('income', 'rent', 1)).toBe(3); // rural place 2 to urban place 0
  });
});

describe('the ledger reconciles every stock (default scenario, every instrument)', () => {
  const RESIDENTS = 5_000;
  const TICKS = 20;
  // Simulated lazily inside the first test that needs it (memoised): a simulation in a describe
  // body is invisible to Stryker's per-test coverage (docs/testing.md, mutation testing).
  let memo: ReturnType<typeof simulate> | undefined;
  const simulated = () => (memo ??= simulate());
  function simulate() {
    const scenario = scenarioSchema.parse({ world: { residents: RESIDENTS }, interventions: EVERY_INSTRUMENT });
    const world = initializeWorld(scenario, 42);
    const rings = scenario.world.rings.length;
    const start = stocksByRing(world);
    const ticksRun: { budget: number; requested: number; spent: number; plannedByLever: number[]; bookedByLever: number[] }[] = [];
    const problems: string[] = [];

    for (let t = 1; t <= TICKS; t++) {
      const before = stocksByRing(world);
      const budget = world.state.budget;
      const requested = world.state.interventions.reduce((s, iv) => s + iv.budget * rampFactor(iv as InterventionSpec, t), 0);
      let thrown: unknown = null;
      try {
        tick(world);
      } catch (e) {
        thrown = e;
      }
      if (thrown) {
        problems.push(`tick ${t}: ${thrown instanceof LedgerMismatch ? 'LedgerMismatch' : 'error'}: ${String(thrown)}`);
        break;
      }
      const after = stocksByRing(world);
      // Independent per-ring reconciliation: each stock's change on each ring (and the treasury)
      // is the sum of the ring flows the ledger booked this tick.
      for (const s of STOCKS) {
        for (let r = 0; r <= rings; r++) {
          const booked = FLOWS.reduce((acc, f) => acc + world.ledger.ringFlow(s, f, r), 0);
          const actual = after[s][r] - before[s][r];
          if (!close(actual, booked, Math.max(Math.abs(after[s][r]), Math.abs(before[s][r]), Math.abs(booked)))) {
            problems.push(`tick ${t}, ${s}, ring ${r}: changed by ${actual}, booked ${booked}`);
          }
        }
      }
      // Spending planned per lever (from the plan, not the ledger) against spending booked per lever.
      const plannedByLever = LEVERS.map(() => 0);
      for (const [key, perPlace] of world.plan.spend) plannedByLever[LEVERS.indexOf(key.split('/')[0] as Lever)] += sum(perPlace);
      const bookedByLever = LEVERS.map((_, l) => sum(world.ledger.spendingTick.subarray(l * world.ledger.rings, (l + 1) * world.ledger.rings)));
      ticksRun.push({ budget, requested, spent: -world.ledger.flowTotal('budget', 'spending'), plannedByLever, bookedByLever });
    }
    return { world, rings, start, ticksRun, problems };
  }

  it('tick() never throws (no LedgerMismatch) and every ring reconciles independently', () => {
    const { ticksRun, problems } = simulated();
    expect(problems).toEqual([]);
    expect(ticksRun.length).toBe(TICKS);
  });

  it('stocks evolve exactly by the cumulative totals of their named flows', () => {
    const { world, start } = simulated();
    const end = stocksByRing(world);
    const L = world.ledger;
    const change = (s: StockName) => sum(end[s]) - sum(start[s]);
    const scale = (s: StockName) => Math.max(sum(end[s]), sum(start[s]));
    // Capital: savings − depreciation + policy (transfers and credit); moves cancel.
    const capitalFlows = L.total('capital', 'savings') + L.total('capital', 'depreciation') + L.total('capital', 'policy');
    expect(close(change('capital'), capitalFlows, scale('capital'))).toBe(true);
    expect(L.total('capital', 'savings')).toBeGreaterThan(0);
    expect(L.total('capital', 'depreciation')).toBeLessThan(0);
    expect(L.total('capital', 'policy')).toBeGreaterThan(0);
    // Infrastructure: private investment + spillover − obsolescence + public investment.
    const techFlows = L.total('tech', 'tech-investment') + L.total('tech', 'spillover') + L.total('tech', 'obsolescence') + L.total('tech', 'policy');
    expect(close(change('tech'), techFlows, scale('tech'))).toBe(true);
    expect(L.total('tech', 'policy')).toBeGreaterThan(0);
    // Income: production − taxes − consumption − savings − private investment; rent only moves it.
    const incomeFlows =
      L.total('income', 'production') + L.total('income', 'tax') + L.total('income', 'consumption') + L.total('income', 'savings') + L.total('income', 'tech-investment');
    expect(close(change('income'), incomeFlows, L.total('income', 'production'))).toBe(true);
    // Budget: taxes + appropriations − spending − lapse.
    const budgetFlows = L.total('budget', 'tax') + L.total('budget', 'appropriation') + L.total('budget', 'spending') + L.total('budget', 'lapse');
    expect(close(change('budget'), budgetFlows, L.total('budget', 'tax'))).toBe(true);
    // Nothing else was booked: every other (stock, flow) total is zero, and moves (capital
    // relocation, migration, rent) only shift stocks between places, so their net total is zero.
    const named: Record<StockName, readonly FlowName[]> = {
      capital: ['savings', 'depreciation', 'policy'],
      tech: ['tech-investment', 'spillover', 'obsolescence', 'policy'],
      income: ['production', 'tax', 'consumption', 'savings', 'tech-investment'],
      people: [],
      budget: ['tax', 'appropriation', 'spending', 'lapse'],
    };
    for (const s of STOCKS) {
      for (const f of FLOWS) if (!named[s].includes(f)) expect(L.total(s, f), `${s}/${f}`).toBe(0);
    }
  });

  it('population is conserved, and each place holds exactly the residents that live there', () => {
    const { world, start } = simulated();
    const pl = world.places;
    expect(sum(pl.population)).toBe(RESIDENTS);
    const recount = new Float64Array(pl.count);
    for (let i = 0; i < world.residents.count; i++) recount[world.residents.place[i]]++;
    expect(Array.from(pl.population)).toEqual(Array.from(recount));
    // People did move between rings.
    expect(sum(start.people)).toBe(RESIDENTS);
    expect(Array.from(stocksByRing(world).people)).not.toEqual(Array.from(start.people));
  });

  it('total spending equals the spending booked by lever, and what was planned', () => {
    const { world, rings, ticksRun } = simulated();
    const L = world.ledger;
    expect(close(sum(L.spendingTotal), -L.total('budget', 'spending'), sum(L.spendingTotal))).toBe(true);
    for (const t of ticksRun) {
      for (let l = 0; l < LEVERS.length; l++) expect(close(t.bookedByLever[l], t.plannedByLever[l], t.plannedByLever[l])).toBe(true);
      expect(close(sum(t.bookedByLever), t.spent, t.spent)).toBe(true);
    }
    // Every lever spent something over the run.
    for (let l = 0; l < LEVERS.length; l++) {
      expect(sum(L.spendingTotal.subarray(l * L.rings, (l + 1) * L.rings)), LEVERS[l]).toBeGreaterThan(0);
    }
    // Nothing was spent from the treasury's own "ring".
    for (let l = 0; l < LEVERS.length; l++) expect(L.spendingTotal[l * L.rings + rings]).toBe(0);
  });

  it('spending is what was requested, scaled pro rata when requests exceed the budget', () => {
    const { ticksRun } = simulated();
    let scaled = 0;
    for (const t of ticksRun) {
      expect(t.spent).toBeLessThanOrEqual(t.budget * (1 + 1e-9));
      if (t.requested > t.budget) {
        scaled++;
        expect(close(t.spent, t.budget, t.budget)).toBe(true);
      } else {
        expect(close(t.spent, t.requested, t.requested)).toBe(true);
      }
    }
    // The 5000-per-tick transfer made ticks 10-13 overspend.
    expect(scaled).toBe(4);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random small scenarios never break the books or produce impossible values.

interface Bounds {
  min: number;
  max: number;
  /** A whole-number parameter (intParam): values are rounded. */
  int?: boolean;
}

/** The numeric parameters of a scenario section with their schema ranges, read from the schema. */
function numericParams(section: string): Record<string, Bounds> {
  // zod 4: scenarioSchema.shape[section] is a ZodDefault around the section's object; each
  // parameter is a ZodDefault around a ZodNumber with minValue / maxValue.
  const shape = (scenarioSchema.shape as Record<string, unknown>)[section] as { def: { innerType: { shape: Record<string, unknown> } } };
  const out: Record<string, Bounds> = {};
  for (const [key, value] of Object.entries(shape.def.innerType.shape)) {
    const inner = (value as { def?: { innerType?: { minValue?: number | null; maxValue?: number | null; isInt?: boolean } } }).def?.innerType;
    if (inner && typeof inner.minValue === 'number' && typeof inner.maxValue === 'number') out[key] = { min: inner.minValue, max: inner.maxValue, int: inner.isInt === true };
  }
  return out;
}

const SECTIONS = ['technology', 'capital', 'talent', 'diffusion', 'rights', 'policy'] as const;

/** A value anywhere in [min, max]: the end points, or uniform, or log-uniform for wide ranges. */
function inRange({ min, max, int }: Bounds): fc.Arbitrary<number> {
  if (int) return inRange({ min, max }).map((x) => Math.round(x));
  const options: fc.Arbitrary<number>[] = [fc.constant(min), fc.constant(max), fc.double({ min, max, noNaN: true, noDefaultInfinity: true })];
  if (max / Math.max(min, 1e-3) > 100) {
    const lo = Math.log(Math.max(min, 1e-3));
    options.push(fc.double({ min: lo, max: Math.log(max), noNaN: true }).map((x) => Math.min(max, Math.max(min, Math.exp(x)))));
  }
  return fc.oneof(...options);
}

function sectionArb(section: string): fc.Arbitrary<Record<string, number>> {
  const params = numericParams(section);
  const record: Record<string, fc.Arbitrary<number>> = {};
  for (const [k, b] of Object.entries(params)) record[k] = inRange(b);
  return fc.record(record);
}

const ringArb = fc.record({
  count: fc.integer({ min: 1, max: 8 }),
  radius: fc.double({ min: 0, max: 20, noNaN: true }),
  class: fc.constantFrom('urban' as const, 'rural' as const),
  popShare: fc.double({ min: 0.01, max: 1, noNaN: true }),
  tech: fc.double({ min: 0, max: 2, noNaN: true }),
  capital: inRange({ min: 0, max: 1000 }),
  rights: fc.double({ min: 0, max: 1, noNaN: true }),
  skill: fc.double({ min: 0, max: 1, noNaN: true }),
  access: fc.double({ min: 0, max: 1, noNaN: true }),
  amenity: fc.double({ min: -5, max: 5, noNaN: true }),
});

const interventionArb = (rings: number) =>
  fc
    .record({
      lever: fc.constantFrom(...LEVERS),
      pick: fc.nat(),
      allocation: fc.constantFrom(...ALLOCATIONS),
      rings: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: rings - 1 }), { minLength: 1, maxLength: rings })),
      cls: fc.constantFrom('urban' as const, 'rural' as const, 'all' as const),
      start: fc.integer({ min: 1, max: 5 }),
      length: fc.integer({ min: 0, max: 6 }),
      ramp: fc.integer({ min: 0, max: 3 }),
      budget: inRange({ min: 1e-3, max: 1e4 }),
      intensity: fc.double({ min: 1e-3, max: 2, noNaN: true }),
    })
    .map(({ lever, pick, allocation, rings: targetRings, cls, start, length, ramp, budget, intensity }) => {
      const instruments: readonly string[] = INSTRUMENTS[lever];
      const instrument = instruments[pick % instruments.length];
      // Rules (registration, benefit-sharing) take an intensity and no budget; the rest a budget.
      const byIntensity = (INTENSITY_INSTRUMENTS as readonly string[]).includes(instrument);
      const iv: InterventionInput = {
        lever,
        instrument,
        allocation,
        target: targetRings ? { rings: targetRings, class: cls } : { class: cls },
        start,
        end: start + length,
        ramp,
        ...(byIntensity ? { intensity } : { budget }),
      };
      return iv;
    });

const scenarioArb = fc
  .array(ringArb, { minLength: 2, maxLength: 4 })
  .chain((rings) =>
    fc.record({
      rings: fc.constant(rings.map((r, i) => ({ ...r, label: `ring${i}` }))),
      residents: fc.integer({ min: 200, max: 2000 }),
      talentSigma: fc.double({ min: 0, max: 3, noNaN: true }),
      skillSpread: fc.double({ min: 0, max: 0.5, noNaN: true }),
      sections: fc.record(Object.fromEntries(SECTIONS.map((s) => [s, sectionArb(s)])) as Record<(typeof SECTIONS)[number], fc.Arbitrary<Record<string, number>>>),
      fiscal: fc.oneof(
        fc.record({ mode: fc.constant('share' as const), value: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
        fc.record({ mode: fc.constant('fixed' as const), value: inRange({ min: 0, max: 1e4 }) }),
      ),
      interventions: fc.array(interventionArb(rings.length), { maxLength: 4 }),
      seed: fc.integer({ min: 0, max: 2 ** 31 }),
    }),
  );

const SHARES = ['access', 'use', 'outcome', 'rights', 'employment', 'marketAccess', 'skillMean'] as const;

/** Describes the first impossible value in the world, or returns null. */
function checkWorld(world: World, residents: number): string | null {
  const pl = world.places;
  for (const [name, value] of Object.entries(pl)) {
    if (value instanceof Float64Array) {
      for (let p = 0; p < value.length; p++) if (!Number.isFinite(value[p])) return `${name}[${p}] = ${value[p]}`;
    }
  }
  for (const name of ['talent', 'skill', 'income'] as const) {
    const a = world.residents[name];
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return `resident ${name}[${i}] = ${a[i]}`;
  }
  for (let i = 0; i < world.residents.count; i++) {
    const s = world.residents.skill[i];
    if (!(s >= 0 && s <= 1)) return `skill of resident ${i} = ${s}`;
    if (world.residents.level[i] > 3) return `level of resident ${i} = ${world.residents.level[i]}`;
  }
  if (sum(pl.population) !== residents) return `population ${sum(pl.population)} ≠ ${residents}`;
  if (!Number.isFinite(world.state.budget) || world.state.budget < 0) return `budget = ${world.state.budget}`;
  for (let p = 0; p < pl.count; p++) {
    if (pl.income[p] < 0) return `income[${p}] = ${pl.income[p]} < 0`;
    if (pl.capital[p] < 0) return `capital[${p}] = ${pl.capital[p]} < 0`;
    if (pl.tech[p] < 0) return `tech[${p}] = ${pl.tech[p]} < 0`;
    if (pl.population[p] < 0) return `population[${p}] = ${pl.population[p]} < 0`;
  }
  for (const name of SHARES) {
    const a = pl[name];
    for (let p = 0; p < a.length; p++) if (!(a[p] >= 0 && a[p] <= 1)) return `${name}[${p}] = ${a[p]} outside [0,1]`;
  }
  return null;
}

type Sample = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Builds the scenario, runs 5 ticks and throws on the first broken invariant. */
function runSample(s: Sample): void {
  const scenario = scenarioSchema.parse({
    seed: s.seed,
    ticks: 5,
    world: { residents: s.residents, rings: s.rings, talentSigma: s.talentSigma, skillSpread: s.skillSpread },
    ...s.sections,
    fiscal: s.fiscal,
    interventions: s.interventions,
  });
  const world = initializeWorld(scenario, s.seed);
  const initial = checkWorld(world, s.residents);
  if (initial) throw new Error(`after initialization: ${initial}`);
  for (let t = 1; t <= 5; t++) {
    tick(world); // throws LedgerMismatch if any stock does not reconcile
    const bad = checkWorld(world, s.residents);
    if (bad) throw new Error(`tick ${t}: ${bad}`);
  }
}

describe('random small scenarios (property)', () => {
  /*
   * Over the full schema ranges. Regression guard: this property found two rounding bugs at
   * capital.mobility ≈ 1 and depreciation ≈ 1 (capital.ts sent out slightly more than the stock,
   * and K + (s − δK) rounded below zero), both fixed; about 3% of samples hit them.
   * No shrinking (endOnFailure): shrinking these scenarios takes several seconds; the failure
   * message names the broken invariant. The seed of fast-check varies from run to run, so every
   * run tries new scenarios; a failure prints the seed that replays it.
   */
  it('never throw, conserve population, keep shares in [0,1] and every number finite (full schema ranges)', () => {
    fc.assert(fc.property(scenarioArb, runSample), { numRuns: 200, endOnFailure: true });
  });
});
