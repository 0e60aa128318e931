import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreWorld, saveWorld } from '../../src/engine/checkpoint.ts';
import { allocateWorld, type SimEvent } from '../../src/engine/world.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { tick } from '../../src/model/tick.ts';
import { scheduledValue } from '../../src/policy/schedule.ts';
import { InputError, loadScenario } from '../../src/scenario/load.ts';
import { scenarioSchema, type ScenarioInput } from '../../src/scenario/schema.ts';
import { tempDir } from '../support.ts';

const small = (schedule: ScenarioInput['schedule']) => scenarioSchema.parse({ seed: 3, ticks: 12, world: { residents: 2000 }, schedule });

describe('schedule: time-varying parameters', () => {
  it('a value holds from its tick; a ramp moves linearly from the value in force, full at at + ramp − 1', () => {
    const entries = [
      { path: 'talent.herding', at: 3, value: 0.4, ramp: 0 },
      { path: 'talent.herding', at: 6, value: 0, ramp: 4 },
    ];
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((t) => scheduledValue(entries, 0.1, t));
    expect(values.slice(0, 5)).toEqual([0.1, 0.1, 0.4, 0.4, 0.4]);
    // Ramp from 0.4 toward 0 over 4 ticks: 3/4, 1/2, 1/4 of the way left, then 0.
    expect(values.slice(5).map((v) => Number(v.toFixed(12)))).toEqual([0.3, 0.2, 0.1, 0, 0]);
  });

  it('the model reads the scheduled value, events.ndjson records each change, and the scenario object is left as it was', () => {
    const scenario = small([
      { path: 'talent.moveProbability', at: 4, value: 0 },
      { path: 'talent.herding', at: 4, value: 0 },
      { path: 'world.rings.3.amenity', at: 2, value: -0.5 },
    ]);
    const world = initializeWorld(scenario, 3);
    const events: SimEvent[] = [];
    const moves: number[] = [];
    for (let t = 1; t <= 6; t++) {
      tick(world);
      events.push(...world.events.filter((e) => e.type === 'schedule'));
      world.events.length = 0;
      moves.push(world.ledger.crossFlow('people', 'migration', 0) + world.ledger.crossFlow('people', 'migration', 1));
    }
    expect(events).toEqual([
      { tick: 2, type: 'schedule', path: 'world.rings.3.amenity', value: -0.5 },
      { tick: 4, type: 'schedule', path: 'talent.moveProbability', value: 0 },
      { tick: 4, type: 'schedule', path: 'talent.herding', value: 0 },
    ]);
    // Nobody moves once moveProbability (and the run's extra reconsidering) is 0; people did move before.
    expect(moves.slice(0, 3).every((m) => m > 0)).toBe(true);
    expect(moves.slice(3)).toEqual([0, 0, 0]);
    expect(world.places.amenity[world.places.ringStart[3]]).toBe(-0.5);
    expect(world.state.parameters).toEqual({ 'world.rings.3.amenity': -0.5, 'talent.moveProbability': 0, 'talent.herding': 0 });
    expect(scenario.talent.moveProbability).toBe(0.05);
    expect(scenario.world.rings[3].amenity).toBe(0);
  });

  it('a run resumed from a checkpoint mid-ramp continues exactly as the uninterrupted run', () => {
    const scenario = small([{ path: 'capital.mobility', at: 3, value: 0.3, ramp: 6 }]);
    const whole = initializeWorld(scenario, 3);
    const wholeEvents: SimEvent[] = [];
    const resumedEvents: SimEvent[] = [];
    for (let t = 1; t <= 10; t++) {
      tick(whole);
      wholeEvents.push(...whole.events);
      whole.events.length = 0;
    }
    const first = initializeWorld(scenario, 3);
    for (let t = 1; t <= 5; t++) {
      tick(first);
      resumedEvents.push(...first.events);
      first.events.length = 0;
    }
    const resumed = allocateWorld(scenario, 3);
    restoreWorld(resumed, structuredClone(saveWorld(first)));
    // Default mobility 0.08, half way (tick 5 of ticks 3..8) to 0.3.
    expect(resumed.state.parameters['capital.mobility']).toBeCloseTo(0.08 + (0.22 * 3) / 6, 12);
    for (let t = 6; t <= 10; t++) {
      tick(resumed);
      resumedEvents.push(...resumed.events);
      resumed.events.length = 0;
    }
    expect(resumedEvents).toEqual(wholeEvents);
    expect(Array.from(resumed.places.capital)).toEqual(Array.from(whole.places.capital));
    expect(Array.from(resumed.residents.place)).toEqual(Array.from(whole.residents.place));
  });

  it('is validated like every field: the file, the entry and what was expected are named', () => {
    const dir = tempDir('urd-schedule-');
    mkdirSync(dir, { recursive: true });
    const cases: [string, RegExp][] = [
      ['[{ path: talent.nothing, at: 2, value: 1 }]', /schedule\[0\]\.path.*expected a parameter path/],
      ['[{ path: talent.herding, at: 2, value: 7 }]', /schedule\[0\]\.value.*talent\.herding.*<=\s*1/],
      ['[{ path: diffusion.infoDecay, at: 2, value: 2 }]', /schedule\[0\]\.path.*only when the world is built/],
      ['[{ path: world.rings.9.amenity, at: 2, value: 0 }]', /schedule\[0\]\.path.*ring index below 4/],
      ['[{ path: talent.herding, at: 0, value: 0.1 }]', /schedule\[0\]\.at/],
    ];
    for (const [schedule, message] of cases) {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, `extends: ${join(process.cwd(), 'scenarios', 'baseline.yaml')}\nschedule: ${schedule}\n`);
      let error: unknown;
      try {
        loadScenario(file);
      } catch (e) {
        error = e;
      }
      expect(error, schedule).toBeInstanceOf(InputError);
      expect(String((error as Error).message), schedule).toContain('bad.yaml');
      expect(String((error as Error).message), schedule).toMatch(message);
    }
  });
});
