import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { allocateSnapshot, snapshotStocks } from '../../src/engine/books.ts';
import { FLOWS, reconcile, STOCKS } from '../../src/engine/ledger.ts';
import type { World } from '../../src/engine/world.ts';
import { reportTick, type MetricRow } from '../../src/metrics/reporters.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { tick } from '../../src/model/tick.ts';
import { resumeRun, runScenario, runScenarioResumable } from '../../src/run/runScenario.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { COMPARED, envCount, smallScenario, tempDir } from './helpers.ts';
import { reportTally } from './tally.ts';

/**
 * Properties that hold over random valid scenarios on small worlds (every model parameter
 * anywhere in its documented range, random interventions). Each property runs RUNS cases;
 * fast-check shrinks a failure to a minimal scenario and prints its seed for replay.
 */
const RUNS = envCount('URD_PROPERTY_RUNS', 50);
const scratch = tempDir('urd-prop-');
/** Properties that held for all their RUNS cases (fc.assert throws on the first that fails). */
const tally = { properties: 0, cases: 0 };
const passed = () => {
  tally.properties++;
  tally.cases += RUNS;
};
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  reportTally('properties', { propertyRuns: RUNS }, tally);
});
let folder = 0;
const nextDir = () => join(scratch, String(folder++));

/** Steps a world through its ticks, calling `check` on the initial state and after every tick. */
function walk(scenario: Scenario, check: (world: World, rows: MetricRow[]) => void): World {
  const world = initializeWorld(scenario, scenario.seed);
  check(world, reportTick(world));
  world.events.length = 0;
  while (world.state.tick < scenario.ticks) {
    tick(world);
    check(world, reportTick(world));
    world.events.length = 0;
  }
  return world;
}

const SHARE_METRICS = new Set(['level0', 'level1', 'level2', 'level3', 'employment', 'rights', 'skill']);
/**
 * Summary statistics that are undefined for some runs and then written as null (docs/reliability.md):
 * the trend's standard error of a one-tick run, the beta regression's fields when too few places
 * have income or they all start equal, no peak, no halving. Every other number must be finite.
 */
const NULLABLE = new Set(['peakTick', 'halvingTick', 'halfLife', 'lambda', 'slopeSE', 'beta', 'se', 'r2']);

function finiteEverywhere(value: unknown, path: string, bad: string[]): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) && !(Number.isNaN(value) && NULLABLE.has(path.split('.').pop() as string))) bad.push(`${path} = ${value}`);
  } else if (value === null) {
    if (!NULLABLE.has(path.split('.').pop() as string)) bad.push(`${path} = null`);
  } else if (Array.isArray(value)) value.forEach((v, i) => finiteEverywhere(v, `${path}.${i}`, bad));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value as object)) finiteEverywhere(v, `${path}.${k}`, bad);
}

describe('properties over random valid scenarios', () => {
  it('the ledger reconciles, tick by tick and over the whole run', () => {
    fc.assert(
      fc.property(smallScenario, (scenario) => {
        let start: ReturnType<typeof allocateSnapshot> | null = null;
        let prev: ReturnType<typeof allocateSnapshot> | null = null;
        const world = walk(scenario, (w) => {
          const now = snapshotStocks(w, allocateSnapshot(w));
          start ??= now;
          // Independent of tick()'s own check: change of every stock in every slot = its bookings this tick.
          if (prev) expect(reconcile(w.ledger, prev, now)).toBeNull();
          prev = now;
        });
        // Over the run: the total change of each stock equals the sum of its cumulative flows.
        const end = snapshotStocks(world, allocateSnapshot(world));
        STOCKS.forEach((stock, s) => {
          let change = 0;
          let scale = 1;
          for (let slot = 0; slot < end[stock].length; slot++) {
            change += end[stock][slot] - (start as NonNullable<typeof start>)[stock][slot];
            scale = Math.max(scale, Math.abs(end[stock][slot]), Math.abs((start as NonNullable<typeof start>)[stock][slot]));
          }
          let booked = 0;
          for (let f = 0; f < FLOWS.length; f++) {
            booked += world.ledger.cumulative[s * FLOWS.length + f];
            scale = Math.max(scale, Math.abs(world.ledger.cumulative[s * FLOWS.length + f]));
          }
          expect(Math.abs(change - booked)).toBeLessThanOrEqual(1e-9 * scale * world.ledger.slots * Math.max(1, scenario.ticks));
        });
      }),
      { numRuns: RUNS },
    );
    passed();
  });

  it('population is conserved: every resident is in exactly one place, every tick', () => {
    fc.assert(
      fc.property(smallScenario, (scenario) => {
        walk(scenario, (w) => {
          const counts = new Float64Array(w.places.count);
          for (let i = 0; i < w.residents.count; i++) {
            const p = w.residents.place[i];
            if (!(p >= 0 && p < w.places.count)) throw new Error(`resident ${i} is in place ${p} at tick ${w.state.tick}`);
            counts[p]++;
          }
          let total = 0;
          for (let p = 0; p < w.places.count; p++) {
            if (w.places.population[p] !== counts[p]) throw new Error(`place ${p} counts ${w.places.population[p]} residents, holds ${counts[p]}`);
            total += w.places.population[p];
          }
          if (total !== scenario.world.residents) throw new Error(`${total} residents in places, ${scenario.world.residents} in the scenario`);
        });
      }),
      { numRuns: RUNS },
    );
    passed();
  });

  it('every share lies in [0, 1]: place shares, resident skills and levels, reported shares', () => {
    fc.assert(
      fc.property(smallScenario, (scenario) => {
        walk(scenario, (w, rows) => {
          const pl = w.places;
          for (const key of ['access', 'use', 'outcome', 'employment', 'rights', 'skillMean', 'marketAccess', 'tipped'] as const) {
            for (let p = 0; p < pl.count; p++) {
              const v = pl[key][p];
              if (!(v >= 0 && v <= 1)) throw new Error(`places.${key}[${p}] = ${v} at tick ${w.state.tick}`);
            }
          }
          for (let i = 0; i < w.residents.count; i++) {
            const s = w.residents.skill[i];
            if (!(s >= 0 && s <= 1)) throw new Error(`residents.skill[${i}] = ${s}`);
            if (w.residents.level[i] > 3) throw new Error(`residents.level[${i}] = ${w.residents.level[i]}`);
          }
          for (const r of rows) {
            if (SHARE_METRICS.has(r.metric) && !(r.value >= 0 && r.value <= 1)) throw new Error(`${r.scope} ${r.metric} = ${r.value} at tick ${r.tick}`);
          }
          expect(w.state.spendingScale >= 0 && w.state.spendingScale <= 1).toBe(true);
        });
      }),
      { numRuns: RUNS },
    );
    passed();
  });

  it('no NaN or Infinity anywhere: world state, metrics.csv, events.ndjson, summary.json', () => {
    fc.assert(
      fc.property(smallScenario, (scenario) => {
        walk(scenario, (w) => {
          for (const store of [w.places, w.residents] as unknown as Record<string, unknown>[]) {
            for (const [k, v] of Object.entries(store)) {
              if (!ArrayBuffer.isView(v)) continue;
              const arr = v as Float64Array;
              for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) throw new Error(`${k}[${i}] = ${arr[i]} at tick ${w.state.tick}`);
            }
          }
          for (const [k, v] of Object.entries(w.state)) if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`state.${k} = ${v}`);
        });
        const dir = nextDir();
        const { summary } = runScenario(scenario, { dir });
        const bad: string[] = [];
        finiteEverywhere(summary, 'summary', bad);
        finiteEverywhere(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')), 'summary.json', bad);
        const lines = readFileSync(join(dir, 'metrics.csv'), 'utf8').trimEnd().split('\n').slice(1);
        for (const line of lines) {
          const value = line.slice(line.lastIndexOf(',') + 1);
          if (!Number.isFinite(Number(value)) || value === '') bad.push(`metrics.csv: ${line}`);
        }
        for (const line of readFileSync(join(dir, 'events.ndjson'), 'utf8').split('\n').filter(Boolean)) {
          const e = JSON.parse(line) as Record<string, unknown>;
          for (const [k, v] of Object.entries(e)) if (v === null && k !== 'label') bad.push(`events.ndjson: ${line}`);
        }
        rmSync(dir, { recursive: true, force: true });
        if (bad.length > 0) throw new Error(bad.slice(0, 5).join('\n'));
      }),
      { numRuns: RUNS },
    );
    passed();
  });

  it('the same seed gives the same bytes', () => {
    fc.assert(
      fc.property(smallScenario, (scenario) => {
        const a = nextDir();
        const b = nextDir();
        runScenario(scenario, { dir: a });
        runScenario(scenario, { dir: b });
        for (const f of COMPARED) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
        rmSync(a, { recursive: true, force: true });
        rmSync(b, { recursive: true, force: true });
      }),
      { numRuns: RUNS },
    );
    passed();
  });

  it('a run stopped at any tick and resumed from its checkpoint writes the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(smallScenario, fc.nat(), fc.integer({ min: 0, max: 4 }), async (scenario, at, every) => {
        const stopAt = at % (scenario.ticks + 1);
        const plain = nextDir();
        runScenario(scenario, { dir: plain });
        const dir = nextDir();
        let ticks = 0;
        const first = await runScenarioResumable(scenario, dir, { checkpointEvery: every, onTick: (t) => (ticks = t), shouldStop: () => ticks >= stopAt });
        expect(first.status).toBe('stopped');
        const second = await resumeRun(dir, { checkpointEvery: every });
        expect(second.status).toBe('complete');
        expect(second.resumedFrom).toBe(stopAt);
        for (const f of COMPARED) expect(readFileSync(join(dir, f)).equals(readFileSync(join(plain, f))), f).toBe(true);
        rmSync(plain, { recursive: true, force: true });
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: RUNS },
    );
    passed();
  });
});
