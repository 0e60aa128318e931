import { describe, expect, it } from 'vitest';
import type { Draft } from 'immer';
import type { SimEvent, WorldState } from '../../src/engine/world.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { allocate, stageNeed } from '../../src/policy/allocation.ts';
import { applyDueEdits, edits, queueEdit, replayEdits, undoLastEdit } from '../../src/policy/patches.ts';
import { planPolicy, rampFactor } from '../../src/policy/plan.ts';
import { addScheduleEntry, applySchedule, removeScheduleEntry, scheduledValue } from '../../src/policy/schedule.ts';
import { interventionSchema, scenarioSchema, type ScenarioInput } from '../../src/scenario/schema.ts';

/**
 * The policy layer's small functions, each against values worked out by hand: ramps, schedule
 * entries added and removed while a world runs, the edit recipes and their replay, the stage
 * gaps need-based allocation spends by, and the plan's intensities and events. Small worlds
 * (500 residents), no ticks run unless the test needs one.
 */

const smallWorld = (input: Partial<ScenarioInput> = {}) => initializeWorld(scenarioSchema.parse({ world: { residents: 500 }, ...input }), 1);
const iv = (fields: Record<string, unknown>) => interventionSchema.parse({ lever: 'policy', instrument: 'broadband', budget: 100, ...fields });

describe('rampFactor', () => {
  it('is 0 outside the window, rises by 1/ramp a tick from the start, and is 1 without a ramp', () => {
    const spec = iv({ start: 3, end: 8, ramp: 4 });
    expect([2, 3, 4, 5, 6, 7, 8, 9].map((t) => rampFactor(spec, t))).toEqual([0, 0.25, 0.5, 0.75, 1, 1, 1, 0]);
    expect([2, 3, 8, 9].map((t) => rampFactor(iv({ start: 3, end: 8, ramp: 0 }), t))).toEqual([0, 1, 1, 0]);
  });
});

describe('scheduledValue', () => {
  it('a one-tick ramp is a step; a value holds once its ramp is done', () => {
    const one = [{ path: 'talent.herding', at: 2, value: 0.5, ramp: 1 }];
    expect([1, 2, 3].map((t) => scheduledValue(one, 0.1, t))).toEqual([0.1, 0.5, 0.5]);
    const two = [{ path: 'talent.herding', at: 2, value: 0.5, ramp: 2 }];
    expect([1, 2, 3, 4].map((t) => scheduledValue(two, 0.1, t))).toEqual([0.1, 0.30000000000000004, 0.5, 0.5]);
  });
});

describe('schedule entries added while a world runs', () => {
  it('only future ticks can be added; an added entry can be removed until it takes effect', () => {
    const world = smallWorld();
    world.state = { ...world.state, tick: 4 };
    const entry = (at: number) => ({ path: 'talent.herding', at, value: 0.3, ramp: 0 });
    expect(() => addScheduleEntry(world, entry(4))).toThrow('schedule entry for tick 4 is in the past (now at tick 4)');
    const later = entry(5);
    addScheduleEntry(world, later);
    expect(world.scenario.schedule).toContain(later);
    expect(removeScheduleEntry(world, entry(5))).toBe(false); // an equal entry, not the one added
    expect(removeScheduleEntry(world, later)).toBe(true);
    expect(world.scenario.schedule).toEqual([]);
    addScheduleEntry(world, later);
    world.state = { ...world.state, tick: 5 };
    expect(removeScheduleEntry(world, later)).toBe(false); // it has taken effect
    expect(world.scenario.schedule).toContain(later);
  });

  it('a ring amenity on the schedule moves the amenity of that ring\'s places only, and the values in force are kept in the state', () => {
    const world = smallWorld({ schedule: [{ path: 'world.rings.3.amenity', at: 1, value: 0.7 }] });
    const before = Float64Array.from(world.places.amenity);
    world.state = { ...world.state, tick: 1 };
    applySchedule(world);
    const pl = world.places;
    for (let p = 0; p < pl.count; p++) expect(pl.amenity[p]).toBe(pl.ring[p] === 3 ? 0.7 : before[p]);
    expect(pl.ring[pl.count - 1]).toBe(3);
    expect(world.scenario.world.rings[3].amenity).toBe(0.7);
    expect(world.state.parameters).toEqual({ 'world.rings.3.amenity': 0.7 });
    expect(world.events.filter((e) => e.type === 'schedule')).toEqual([{ tick: 1, type: 'schedule', path: 'world.rings.3.amenity', value: 0.7 }]);
  });
});

describe('applySchedule', () => {
  it('orders the entries of a path by tick whatever their order in the file', () => {
    const world = smallWorld({
      schedule: [
        { path: 'talent.herding', at: 5, value: 0.9 },
        { path: 'talent.herding', at: 2, value: 0.4 },
      ],
    });
    const at = (t: number) => {
      world.state = { ...world.state, tick: t };
      applySchedule(world);
      return world.scenario.talent.herding;
    };
    expect([at(2), at(4), at(5)]).toEqual([0.4, 0.4, 0.9]);
  });
});

describe('edits of the programme', () => {
  it('are queued in tick order whatever the order they come in', () => {
    const world = smallWorld();
    for (const t of [5, 2, 9, 3]) queueEdit(world, { tick: t, recipe: () => {} });
    expect(world.pendingEdits.map((e) => e.tick)).toEqual([2, 3, 5, 9]);
  });

  it('change and remove name the id they cannot find; change validates the result and keeps the id', () => {
    const world = smallWorld();
    world.state = { ...world.state, tick: 1 };
    queueEdit(world, { tick: 2, recipe: edits.add({ lever: 'policy', instrument: 'broadband', budget: 10 }, 'a') });
    queueEdit(world, { tick: 2, recipe: edits.change('a', { budget: 20, label: 'more' }) });
    world.state = { ...world.state, tick: 2 };
    applyDueEdits(world);
    expect(world.state.interventions).toHaveLength(1);
    expect(world.state.interventions[0]).toMatchObject({ id: 'a', budget: 20, label: 'more', lever: 'policy' });
    const draft = structuredClone(world.state) as Draft<WorldState>;
    expect(() => edits.change('b', { budget: 1 })(draft)).toThrow('no intervention with id b');
    expect(() => edits.remove('b')(draft)).toThrow('no intervention with id b');
    expect(() => edits.change('a', { budget: -1 })(draft)).toThrow();
  });

  it('undo takes effect before the next tick and is recorded for that tick', () => {
    const world = smallWorld();
    world.state = { ...world.state, tick: 1 };
    queueEdit(world, { tick: 2, recipe: edits.add({ lever: 'policy', instrument: 'broadband', budget: 10 }, 'a'), label: 'add' });
    world.state = { ...world.state, tick: 2 };
    applyDueEdits(world);
    const patch = world.events.find((e) => e.type === 'patch') as SimEvent & { label: string | null };
    expect(patch).toMatchObject({ tick: 2, type: 'patch', label: 'add' });
    expect(undoLastEdit(world)).toBe(true);
    expect(world.state.interventions).toEqual([]);
    const undo = world.events.find((e) => e.type === 'undo');
    expect(undo).toMatchObject({ tick: 3, type: 'undo' });
  });

  it('an edit replayed from its patches can be undone like the original', () => {
    const world = smallWorld();
    world.state = { ...world.state, tick: 1 };
    queueEdit(world, { tick: 2, recipe: edits.add({ lever: 'policy', instrument: 'broadband', budget: 10 }, 'a') });
    world.state = { ...world.state, tick: 2 };
    applyDueEdits(world);
    const text = world.events.map((e) => JSON.stringify(e)).join('\n');
    const replay = smallWorld();
    replay.state = { ...replay.state, tick: 1 };
    for (const e of replayEdits(text)) queueEdit(replay, e);
    replay.state = { ...replay.state, tick: 2 };
    applyDueEdits(replay);
    expect(replay.state.interventions).toEqual(world.state.interventions);
    expect(undoLastEdit(replay)).toBe(true);
    expect(replay.state.interventions).toEqual([]);
  });

  it('replayEdits keeps patch and undo events that carry patches, skips blank lines and everything else', () => {
    const patches = [{ op: 'add', path: ['interventions', 0], value: { id: 'x' } }];
    const text = [
      JSON.stringify({ tick: 2, type: 'patch', label: 'add x', patches }),
      '',
      '   ',
      JSON.stringify({ tick: 3, type: 'tipping', place: 4 }),
      JSON.stringify({ tick: 4, type: 'undo', patches }),
      JSON.stringify({ tick: 5, type: 'patch' }),
      JSON.stringify({ tick: 6, type: 'schedule', patches }),
    ].join('\n');
    expect(replayEdits(text)).toEqual([
      { tick: 2, patches, label: 'add x' },
      { tick: 4, patches, label: undefined },
    ]);
  });
});

describe('stageNeed: the gap need-based allocation spends by', () => {
  it('is relative for infrastructure and capital per resident, a difference for skill, outcomes and rights', () => {
    const world = smallWorld();
    const pl = world.places;
    const p = pl.count - 1;
    pl.tech[p] = 0.3;
    pl.capital[p] = 6;
    pl.population[p] = 4;
    pl.skillMean[p] = 0.25;
    pl.outcome[p] = 0.1;
    pl.rights[p] = 0.4;
    expect(stageNeed(world, 'policy', p, 1.2)).toBeCloseTo(0.75, 15);
    expect(stageNeed(world, 'capital', p, 2)).toBeCloseTo(0.25, 15); // 6/4 = 1.5 of 2
    expect(stageNeed(world, 'talent', p, 0.75)).toBeCloseTo(0.5, 15);
    expect(stageNeed(world, 'industry', p, 0.35)).toBeCloseTo(0.25, 15);
    expect(stageNeed(world, 'rights', p, 0.9)).toBeCloseTo(0.5, 15);
    // Nobody leads (best 0) or the place leads: no need.
    expect(stageNeed(world, 'policy', p, 0)).toBe(0);
    pl.tech[p] = 0; // nobody has any infrastructure: 0/0 must not become a need
    expect(stageNeed(world, 'policy', p, 0)).toBe(0);
    expect(stageNeed(world, 'capital', p, 1)).toBe(0);
    expect(stageNeed(world, 'rights', p, 0.2)).toBe(0);
    // An empty place has no capital per resident: its gap is the whole of the leader's level.
    pl.population[p] = 0;
    expect(stageNeed(world, 'capital', p, 2)).toBe(1);
  });

  it('need-based allocation on each lever gives nothing to the leader and to empty places, and the rest by gap × residents', () => {
    for (const lever of ['policy', 'capital', 'talent', 'industry', 'rights'] as const) {
      const world = smallWorld();
      const pl = world.places;
      pl.population.fill(0);
      // Three places: a leader, one behind, one further behind; the rest empty.
      const set = (p: number, level: number, n: number) => {
        pl.population[p] = n;
        pl.tech[p] = level;
        pl.capital[p] = level * n;
        pl.skillMean[p] = level;
        pl.outcome[p] = level;
        pl.rights[p] = level;
      };
      set(0, 0.8, 10);
      set(1, 0.6, 10);
      set(2, 0.2, 30);
      pl.tech[3] = 0; // empty, far behind: still nothing
      const w = new Float64Array(pl.count);
      allocate(world, 'need-based', lever, () => true, w);
      const relative = lever === 'policy' || lever === 'capital';
      const gap = (level: number) => (relative ? 1 - level / 0.8 : 0.8 - level);
      const total = gap(0.6) * 10 + gap(0.2) * 30;
      expect(w[0]).toBe(0);
      expect(w[1]).toBeCloseTo((gap(0.6) * 10) / total, 12);
      expect(w[2]).toBeCloseTo((gap(0.2) * 30) / total, 12);
      for (let p = 3; p < pl.count; p++) expect(w[p]).toBe(0);
    }
  });

  it('ordered rules rank only the rings that hold targeted residents', () => {
    const world = smallWorld();
    const pl = world.places;
    // Ring 1 emptied: rings 0, 2, 3 are ranked 0, 1, 2, so core-first weighs them 3, 2, 1 per resident.
    for (let p = 0; p < pl.count; p++) if (pl.ring[p] === 1) pl.population[p] = 0;
    const w = new Float64Array(pl.count);
    allocate(world, 'core-first', 'policy', () => true, w);
    const perResident = [0, 0, 0, 0];
    const people = [0, 0, 0, 0];
    for (let p = 0; p < pl.count; p++) {
      perResident[pl.ring[p]] += w[p];
      people[pl.ring[p]] += pl.population[p];
    }
    expect(perResident[1]).toBe(0);
    expect(perResident[0] / people[0] / (perResident[3] / people[3])).toBeCloseTo(3, 9);
    expect(perResident[2] / people[2] / (perResident[3] / people[3])).toBeCloseTo(2, 9);
    // Nothing targeted holds residents: all weights zero.
    allocate(world, 'uniform', 'policy', (p) => pl.ring[p] === 1, w);
    expect(w.every((x) => x === 0)).toBe(true);
  });
});

describe('planPolicy', () => {
  it('two intensity instruments on the same place: the stronger holds, ramped; starts and ends are logged with their labels', () => {
    const world = smallWorld({ fiscal: { mode: 'fixed', value: 1000 } });
    const reg = (fields: Record<string, unknown>) => iv({ lever: 'talent', instrument: 'registration', budget: 0, ...fields });
    world.state = {
      ...world.state,
      tick: 2,
      interventions: [
        { ...reg({ intensity: 0.4, start: 1, end: 5, label: 'weak' }), id: 'a' },
        { ...reg({ intensity: 0.8, start: 2, end: 5, ramp: 4 }), id: 'b' },
        { ...iv({ budget: 50, start: 1, end: 1, label: 'over' }), id: 'c' },
      ],
    };
    planPolicy(world);
    const level = world.plan.intensity.get('talent/registration') as Float64Array;
    // b is at a quarter of 0.8 at its first tick (0.2), so a's 0.4 holds.
    for (let p = 0; p < world.places.count; p++) expect(level[p]).toBeCloseTo(0.4, 15);
    expect(world.events).toEqual([
      { tick: 2, type: 'intervention-start', id: 'b', lever: 'talent', instrument: 'registration', label: null },
      { tick: 2, type: 'intervention-end', id: 'c', lever: 'policy', instrument: 'broadband', label: 'over' },
    ]);
    world.events.length = 0;
    world.state = { ...world.state, tick: 5 };
    planPolicy(world);
    for (let p = 0; p < world.places.count; p++) expect(level[p]).toBeCloseTo(0.8, 15);
  });

  it('a request within the budget spends it in full with no overspend event; over the budget it is scaled and logged', () => {
    const world = smallWorld({ fiscal: { mode: 'fixed', value: 100 } });
    world.state = { ...world.state, tick: 1, budget: 100, interventions: [{ ...iv({ budget: 100 }), id: 'a' }] };
    planPolicy(world);
    expect(world.state.spendingScale).toBe(1);
    expect(world.events.some((e) => e.type === 'overspend')).toBe(false);
    const spend = world.plan.spend.get('policy/broadband') as Float64Array;
    expect(spend.reduce((s, x) => s + x, 0)).toBeCloseTo(100, 9);
    // The default target, class all, reaches the urban core too.
    expect(world.places.urban[0]).toBe(1);
    expect(spend[0]).toBeGreaterThan(0);
    // A ramped budget spends its ramped share: a quarter at the first of four ticks.
    world.state = { ...world.state, interventions: [{ ...iv({ budget: 100, ramp: 4 }), id: 'a' }] };
    planPolicy(world);
    expect(spend.reduce((s, x) => s + x, 0)).toBeCloseTo(25, 9);
    world.state = { ...world.state, interventions: [{ ...iv({ budget: 400 }), id: 'a' }] };
    planPolicy(world);
    expect(world.state.spendingScale).toBe(0.25);
    expect(world.events.filter((e) => e.type === 'overspend')).toEqual([{ tick: 1, type: 'overspend', requested: 400, available: 100, scale: 0.25, rule: 'pro-rata' }]);
    expect(spend.reduce((s, x) => s + x, 0)).toBeCloseTo(100, 9);
  });
});
