import { produce } from 'immer';
import type { World } from '../engine/world.ts';
import type { MetricRow } from '../metrics/reporters.ts';
import { SummaryTracker, type RunSummary } from '../metrics/summary.ts';
import { initializeWorld } from '../model/initialize.ts';
import { tick } from '../model/tick.ts';
import { queueEdit } from '../policy/patches.ts';
import { addScheduleEntry, parameterValue, removeScheduleEntry, scheduleOf } from '../policy/schedule.ts';
import { recordTick, spendingByLever } from '../run/record.ts';
import { LEVERS, scenarioSchema, schedulableParameter, type Scenario, type ScheduleEntry } from '../scenario/schema.ts';
import { PLAY_PARAMETERS, programmeRecipe, type PlayParameter, type ProgrammeChange } from './programme.ts';

/** The place measures the ring map can colour by. */
export const PLACE_MEASURES = ['tau', 'income_pc', 'level3', 'rights', 'capital_pc', 'netLoss'] as const;
export type PlaceMeasure = (typeof PLACE_MEASURES)[number];

/** What the page draws after a tick: the tick's metrics by scope, the summary so far, rings and places. */
export interface Frame {
  tick: number;
  /** Metric values by scope (all, urban, rural, ring:k), as metrics.csv has them. */
  scopes: Record<string, Record<string, number>>;
  /** The run's summary as it stands (its verdict is the trend so far). */
  summary: RunSummary;
  /** Spending so far per resident living on each ring now, all levers. */
  ringSpendingPc: number[];
  places: Record<PlaceMeasure | 'population', Float64Array> & { tipped: Uint8Array };
  /** Interventions in force after this tick's edits (for the controls and the timeline). */
  interventions: Scenario['interventions'];
  /** Values in force of the parameters the page's world sliders change (for undo). */
  parameters: Record<PlayParameter, number>;
}

function byScope(rows: readonly MetricRow[]): Frame['scopes'] {
  const out: Frame['scopes'] = {};
  for (const r of rows) {
    if (r.scope.startsWith('place:')) continue;
    (out[r.scope] ??= {})[r.metric] = r.value;
  }
  return out;
}

function withoutIds(list: World['state']['interventions']): Scenario['interventions'] {
  return list.map(({ id: _id, ...iv }) => structuredClone(iv));
}

/**
 * One world running in the page's worker: the CLI's model, tick and recording code, plus the
 * teacher's programme changes as queued patches. The summary it gives at the end is what
 * `urd run` writes for the scenario {@link PlaySession.scenarioFile} returns.
 */
export class PlaySession {
  readonly scenario: Scenario;
  readonly world: World;
  private readonly tracker = new SummaryTracker();
  private frame: Frame;
  /** The changes made, newest last: a queued programme edit, or the schedule entry of a parameter change. */
  private readonly made: ('edit' | ScheduleEntry)[] = [];

  constructor(input: unknown) {
    this.scenario = scenarioSchema.parse(input);
    this.world = initializeWorld(this.scenario, this.scenario.seed);
    this.frame = this.record();
  }

  get done(): boolean {
    return this.world.state.tick >= this.scenario.ticks;
  }

  get latest(): Frame {
    return this.frame;
  }

  /** Runs one tick and returns its frame. */
  step(): Frame {
    tick(this.world);
    this.frame = this.record();
    return this.frame;
  }

  private record(): Frame {
    const world = this.world;
    const rows = recordTick(world, this.tracker);
    world.events.length = 0;
    const pl = world.places;
    const scopes = byScope(rows);
    const rings = this.scenario.world.rings.length;
    const ringSpendingPc = Array.from({ length: rings }, (_, r) => {
      let spent = 0;
      for (const lever of LEVERS) spent += world.ledger.spentOnRing(lever, r, 'total');
      const people = scopes[`ring:${r}`].population;
      return people > 0 ? spent / people : 0;
    });
    const F = world.state.frontier;
    const perResident = (stock: Float64Array) => pl.population.map((n, p) => (n > 0 ? stock[p] / n : 0));
    return {
      tick: world.state.tick,
      scopes,
      summary: this.summary(),
      ringSpendingPc,
      places: {
        population: Float64Array.from(pl.population),
        tau: pl.tech.map((t) => t / F),
        income_pc: Float64Array.from(pl.incomePerResident),
        level3: Float64Array.from(pl.outcome),
        rights: Float64Array.from(pl.rights),
        capital_pc: perResident(pl.capital),
        // The digital run counts net losses from the population a place started with (docs/ODD.md).
        netLoss: pl.population.map((n, p) => (pl.reference[p] > 0 ? Math.max(0, 1 - n / pl.reference[p]) : 0)),
        tipped: Uint8Array.from(pl.tipped),
      },
      interventions: withoutIds(world.state.interventions),
      parameters: Object.fromEntries(PLAY_PARAMETERS.map((path) => [path, parameterValue(world.scenario, path)])) as Frame['parameters'],
    };
  }

  /** The run's summary so far (summary.json's fields; final once the run is done). */
  summary(): RunSummary {
    return this.tracker.finish(this.world, spendingByLever(this.world));
  }

  /** Queues a change for the next tick; returns that tick. A parameter change becomes a schedule entry. */
  change(change: ProgrammeChange): number {
    const at = this.world.state.tick + 1;
    if (change.kind === 'parameter') {
      const field = schedulableParameter(change.path, this.scenario.world.rings.length);
      if (typeof field === 'string') throw new RangeError(field);
      const entry: ScheduleEntry = { path: change.path, at, value: field.parse(change.value) as number, ramp: 0 };
      addScheduleEntry(this.world, entry);
      this.made.push(entry);
      return at;
    }
    queueEdit(this.world, { tick: at, recipe: programmeRecipe(change, at), label: JSON.stringify(change) });
    this.made.push('edit');
    return at;
  }

  /** Drops the newest change if it is not applied yet; false when it has taken effect. */
  cancelPending(): boolean {
    const last = this.made.at(-1);
    if (last === undefined) return false;
    const cancelled = last === 'edit' ? this.world.pendingEdits.pop() !== undefined : removeScheduleEntry(this.world, last);
    if (cancelled) this.made.pop();
    return cancelled;
  }

  /** The scenario as run: the programme and schedule with every change made (pending ones included), for `urd run`. */
  scenarioFile(): Scenario {
    let state = this.world.state;
    for (const edit of this.world.pendingEdits) if (edit.recipe) state = produce(state, edit.recipe);
    return { ...this.scenario, interventions: withoutIds(state.interventions), schedule: structuredClone(scheduleOf(this.world)) };
  }
}
