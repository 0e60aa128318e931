import { describe, expect, it } from 'vitest';
import { initializeWorld } from '../../src/model/initialize.ts';
import { tick } from '../../src/model/tick.ts';
import { scenarioSchema, type ScenarioInput } from '../../src/scenario/schema.ts';

/**
 * The digital run (src/model/run.ts, docs/ODD.md 7.3): a coordination failure with two stable
 * states. The world: a core, seven villages and one more village on a ring of its own (so that a
 * shock and a programme can target it alone), every place with the same stocks and 1000
 * residents, and no spatial advantage or one-sided channel, so that without the run mechanism
 * nothing favours one place. The run parameters are those of scenarios/digital-run.yaml
 * (herding 0.3, serviceLoss 1.5). The transient shock: the village's amenity falls by 2 for
 * ticks 1-6 (a factory closes, a school shuts), then comes back.
 */

const RING = { radius: 0, tech: 0.6, capital: 1.5, rights: 0.6, skill: 0.4, access: 0.5, amenity: 0 };
const VILLAGE = 8;
const TICKS = 80;

interface Options {
  shock?: boolean;
  mechanism?: boolean;
  programme?: { start: number; budget: number };
}

function village(seed: number, { shock = true, mechanism = true, programme }: Options) {
  const input: ScenarioInput = {
    ticks: TICKS,
    world: {
      residents: 9000,
      rings: [
        { ...RING, label: 'core', class: 'urban', count: 1, popShare: 1 / 9 },
        { ...RING, label: 'villages', class: 'rural', count: 7, radius: 1, popShare: 7 / 9 },
        { ...RING, label: 'village', class: 'rural', count: 1, radius: 2, popShare: 1 / 9 },
      ],
    },
    technology: { spillover: 0 },
    rights: { rentShare: 0, alienation: 0 },
    capital: { agglomeration: 0, congestion: 0, friction: 0, ...(mechanism ? {} : { herding: 0 }) },
    talent: { barrier: 0, serviceAccess: 1, distanceCost: 0, herding: mechanism ? 0.3 : 0, serviceLoss: mechanism ? 1.5 : 0 },
    diffusion: { marketDecay: 1000 },
    fiscal: { mode: 'fixed', value: 1e6 },
    schedule: shock
      ? [
          { path: 'world.rings.2.amenity', at: 1, value: -2 },
          { path: 'world.rings.2.amenity', at: 7, value: 0 },
        ]
      : [],
    // The returnee incentive pays natives of the village for living there (staying or coming back).
    interventions: programme ? [{ lever: 'talent', instrument: 'returnee', target: { rings: [2] }, start: programme.start, end: programme.start + 14, budget: programme.budget }] : [],
  };
  const world = initializeWorld(scenarioSchema.parse(input), seed);
  const fill: number[] = [1];
  let warning = 0;
  let tipping = 0;
  let lowestElsewhere = 1;
  for (let t = 1; t <= TICKS; t++) {
    tick(world);
    for (const e of world.events) {
      if (e.place !== VILLAGE) continue;
      if (e.type === 'warning' && !warning) warning = t;
      if (e.type === 'tipping' && !tipping) tipping = t;
    }
    world.events.length = 0;
    const pl = world.places;
    fill.push(pl.population[VILLAGE] / pl.reference[VILLAGE]);
    for (let p = 1; p < VILLAGE; p++) lowestElsewhere = Math.min(lowestElsewhere, pl.population[p] / pl.reference[p]);
  }
  return { fill, final: fill[TICKS], warning, tipping, lowestElsewhere };
}

describe('the digital run tips', () => {
  const seeds = [1, 2, 3];
  const shocked = seeds.map((seed) => village(seed, {}));

  it('bistability: the same world holds the village (> 80%) or hollows it (< 20%) depending only on its history, for every seed', () => {
    for (const [k, seed] of seeds.entries()) {
      const calm = village(seed, { shock: false });
      // Measured at tick 80: 1.11-1.25 without the shock, 0.01-0.03 after it.
      expect(calm.final, `seed ${seed}, no shock`).toBeGreaterThan(0.8);
      expect(shocked[k].final, `seed ${seed}, after the shock`).toBeLessThan(0.2);
    }
  });

  it('a hollowed village does not recover by itself, though the shock is long over', () => {
    for (const [k, seed] of seeds.entries()) {
      const run = shocked[k];
      expect(run.tipping, `seed ${seed}`).toBeGreaterThan(0);
      // Hollowed (below 20%) well before the end, and below 25% at every tick after that.
      const hollowed = run.fill.findIndex((x) => x < 0.2);
      expect(hollowed, `seed ${seed}: tick of hollowing`).toBeGreaterThan(0);
      expect(hollowed, `seed ${seed}: tick of hollowing`).toBeLessThan(TICKS - 20);
      expect(Math.max(...run.fill.slice(hollowed)), `seed ${seed}: fill after hollowing`).toBeLessThan(0.25);
    }
  });

  it('the mechanism is the cause: without it the same shock hollows no village and the village comes back', () => {
    for (const seed of seeds) {
      const run = village(seed, { mechanism: false });
      expect(Math.min(...run.fill), `seed ${seed}: lowest fill of the village`).toBeGreaterThan(0.5);
      expect(run.final, `seed ${seed}`).toBeGreaterThan(0.8);
      expect(run.lowestElsewhere, `seed ${seed}: lowest fill of the other villages`).toBeGreaterThan(0.2);
    }
  });

  it('the early warning comes before the tipping', () => {
    for (const run of shocked) {
      expect(run.warning).toBeGreaterThan(0);
      expect(run.warning).toBeLessThan(run.tipping);
    }
  });

  it('timing matters (智治): a budget spent at the early warning prevents the run; the same budget after the tipping does not, nor does eight times as much', () => {
    const seed = 1;
    const warned = shocked[0].warning;
    // 500 a tick for 15 ticks: half a utility unit for each of the village's 1000 natives.
    const early = village(seed, { programme: { start: warned, budget: 500 } });
    const late = village(seed, { programme: { start: 30, budget: 500 } });
    const lateTimesEight = village(seed, { programme: { start: 30, budget: 4000 } });
    expect(shocked[0].tipping).toBeLessThan(30);
    // Measured (seed 1): 1.10 early; 0.01 late; 0.03 late with eight times the budget.
    expect(early.final).toBeGreaterThan(0.8);
    expect(late.final).toBeLessThan(0.2);
    expect(lateTimesEight.final).toBeLessThan(0.2);
  });
});
