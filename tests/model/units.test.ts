import { describe, expect, it } from 'vitest';
import { aggregateResidents } from '../../src/model/economy.ts';
import { initializeWorld, ringPopulations, weightedSplit } from '../../src/model/initialize.ts';
import { decayBetween, decayRow } from '../../src/model/gravity.ts';
import { netLoss, updateRun } from '../../src/model/run.ts';
import { CHAIN } from '../../src/model/tick.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';

/** Small pieces of the model against values worked out by hand. */

describe('splitting residents', () => {
  it('ring populations follow the shares normalised by their sum; the remainder goes to the largest ring, ties to the earlier', () => {
    const rings = (shares: number[]) =>
      scenarioSchema.parse({ world: { residents: 1000, rings: shares.map((popShare, k) => ({ label: `r${k}`, count: 1, radius: k, class: k ? 'rural' : 'urban', popShare })) } });
    expect(ringPopulations(rings([0.6, 0.2]))).toEqual([750, 250]);
    expect(ringPopulations(rings([0.3, 0.3, 0.3]))).toEqual([334, 333, 333]);
    expect(ringPopulations(rings([0.1, 0.2, 0.2]))).toEqual([200, 400, 400]);
    // 285.7 and 714.3: the one left over goes to the larger ring, the second.
    expect(ringPopulations(rings([0.2, 0.5]))).toEqual([285, 715]);
  });

  it('a weighted split gives each place its quota, the remainder by largest remainder, ties to the earlier place', () => {
    expect(Array.from(weightedSplit(Float64Array.from([1, 2, 1]), 10))).toEqual([3, 5, 2]);
    expect(Array.from(weightedSplit(Float64Array.from([1, 1, 3]), 10))).toEqual([2, 2, 6]);
    expect(Array.from(weightedSplit(Float64Array.from([0.2, 0.7, 0.1]), 7))).toEqual([1, 5, 1]);
    // All weights zero: an even split.
    expect(Array.from(weightedSplit(Float64Array.from([0, 0, 0]), 5))).toEqual([2, 2, 1]);
  });
});

/**
 * The information field. A core where everyone is at level 1 and a ring place where nobody is,
 * no external push (p = 0), every gate open: a ring resident's hazard of reaching level 1 is
 * q × the share they see, ω × the neighbours' access share weighted by field weight × residents
 * (their own place's share is 0). Computed here from the field's rows, and checked against the
 * share of ring residents that climb in one tick (binomial, 4 standard errors).
 */
describe('the information field carries adoption to a place with none', () => {
  function oneTick(omega: number) {
    const scenario = scenarioSchema.parse({
      world: {
        residents: 20_000,
        rings: [
          { label: 'core', count: 1, radius: 0, class: 'urban', popShare: 0.5, tech: 1, access: 1 },
          { label: 'ring', count: 1, radius: 1, class: 'rural', popShare: 0.5, tech: 1, access: 0 },
        ],
      },
      diffusion: { p: 0, q: 0.5, infoField: omega, infoDecay: 2, slip: 0 },
    });
    const world = initializeWorld(scenario, 4);
    const { places: pl, residents: rs } = world;
    for (let i = 0; i < rs.count; i++) rs.level[i] = rs.place[i] === 0 ? 1 : 0;
    rs.skill.fill(1);
    pl.tech[0] = pl.tech[1] = 2 * world.state.frontier;
    aggregateResidents(world);
    const f = world.infoField;
    let seen = 0;
    let people = 0;
    for (let k = f.start[1]; k < f.start[2]; k++) {
      const w = f.weight[k] * pl.population[f.index[k]];
      seen += w * pl.access[f.index[k]];
      people += w;
    }
    const expected = 0.5 * omega * (seen / people);
    const n = pl.population[1];
    CHAIN[3](world);
    return { expected, n, climbed: pl.access[1] };
  }

  it('with ω = 0.6 ring residents climb at q × ω × the access share around them', () => {
    const { expected, n, climbed } = oneTick(0.6);
    // The core is within reach, so the ring sees part of its full access.
    expect(expected).toBeGreaterThan(0.05);
    expect(Math.abs(climbed - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / n));
  });

  it('control: with ω = 0 nobody in the ring climbs', () => {
    expect(oneTick(0).climbed).toBe(0);
  });
});

describe('platform rent', () => {
  it('flows from rural places to their core only: urban places neither pay it nor, except the core, receive it', () => {
    const world = initializeWorld(scenarioSchema.parse({ world: { residents: 4000 }, rights: { rentShare: 0.5 } }), 2);
    const pl = world.places;
    // Every resident at level 3, so every place has a digital surplus a platform could take.
    world.residents.level.fill(3);
    aggregateResidents(world);
    CHAIN[4](world);
    let ruralPaid = 0;
    for (let p = 0; p < pl.count; p++) {
      if (pl.urban[p] === 1 && pl.root[p] !== p) expect(pl.rent[p], `urban place ${p}`).toBe(0);
      if (pl.urban[p] === 0) ruralPaid -= pl.rent[p];
    }
    expect(ruralPaid).toBeGreaterThan(0);
    expect(pl.rent[0]).toBeCloseTo(ruralPaid, 6);
  });
});

describe('the digital run: service levels, tipping and warnings', () => {
  it('σ = min(1, fill / criticalShare); tipped below 1, at risk when not tipped and the loss passes warningLoss; each crossing logged once', () => {
    const world = initializeWorld(scenarioSchema.parse({ world: { residents: 100 }, talent: { criticalShare: 0.5, warningLoss: 0.15 } }), 1);
    const pl = world.places;
    pl.reference.fill(100);
    pl.reference[5] = 0; // a place that started empty: full services, no loss
    const at = (fills: Record<number, number>) => {
      pl.population.fill(100);
      for (const [p, n] of Object.entries(fills)) pl.population[Number(p)] = n;
      world.events.length = 0;
      updateRun(world);
      return world.events.map((e) => `${e.type} ${e.place}`);
    };
    // Place 1 lost 20% (at risk, services full), place 2 60% (tipped, σ = 0.4/0.5), place 3 grew.
    expect(at({ 1: 80, 2: 40, 3: 130, 4: 90, 5: 7 })).toEqual(['warning 1', 'tipping 2']);
    expect([pl.services[1], pl.services[2], pl.services[3], pl.services[4], pl.services[5]]).toEqual([1, 0.8, 1, 1, 1]);
    expect([pl.tipped[1], pl.tipped[2], pl.atRisk[1], pl.atRisk[2], pl.atRisk[4]]).toEqual([0, 1, 1, 0, 0]);
    expect([netLoss(world, 1), netLoss(world, 3), netLoss(world, 5)]).toEqual([1 - 0.8, 0, 0]);
    // Nothing new: no event. Place 2 recovers to 55 (σ = 1, at risk again: warned again); place 1 tips.
    expect(at({ 1: 80, 2: 40, 3: 130 })).toEqual([]);
    expect(at({ 1: 49, 2: 55 })).toEqual(['tipping 1', 'recovery 2', 'warning 2']);
    expect(pl.services[1]).toBeCloseTo(0.98, 12);
    expect(at({ 1: 50, 2: 55 })).toEqual(['recovery 1', 'warning 1']);
  });

  it('a loss of exactly warningLoss is not yet a risk', () => {
    const world = initializeWorld(scenarioSchema.parse({ world: { residents: 100 }, talent: { criticalShare: 0.5, warningLoss: 0.25 } }), 1);
    world.places.reference.fill(100);
    world.places.population.fill(100);
    world.places.population[2] = 75; // 1 − 75/100 = 0.25 exactly
    world.places.population[3] = 74;
    updateRun(world);
    expect([world.places.atRisk[2], world.places.atRisk[3]]).toEqual([0, 1]);
  });

  it('without a critical share services never fail', () => {
    const world = initializeWorld(scenarioSchema.parse({ world: { residents: 100 }, talent: { criticalShare: 0 } }), 1);
    world.places.population.fill(0);
    updateRun(world);
    expect(Array.from(world.places.services).every((s) => s === 1)).toBe(true);
    expect(world.events.filter((e) => e.type === 'tipping')).toEqual([]);
  });
});

describe('distance decay rows', () => {
  it('row p holds exp(−rate·d(p, j)), 1 at p; each use keeps its own rate, and a new rate rebuilds the row', () => {
    const world = initializeWorld(scenarioSchema.parse({ world: { residents: 100 } }), 1);
    const pl = world.places;
    const expected = (rate: number, p: number) => Array.from({ length: pl.count }, (_, j) => Math.exp(-rate * Math.hypot(pl.x[p] - pl.x[j], pl.y[p] - pl.y[j])));
    const row = (key: string, rate: number, p: number) => Array.from(decayRow(world, key, rate, p));
    expect(row('a', 0.3, 7)).toEqual(expected(0.3, 7));
    expect(row('b', 1.2, 7)).toEqual(expected(1.2, 7));
    expect(row('a', 0.3, 40)).toEqual(expected(0.3, 40));
    expect(row('a', 0.8, 40)).toEqual(expected(0.8, 40));
    expect(row('b', 1.2, 3)).toEqual(expected(1.2, 3));
    expect(row('a', 0, 3).every((v) => v === 1)).toBe(true);
    expect(decayBetween(world, 0.5, 9, 9)).toBe(1);
    expect(decayBetween(world, 0, 9, 100)).toBe(1);
    expect(decayBetween(world, 0.5, 9, 100)).toBe(expected(0.5, 9)[100]);
  });
});
