import { describe, expect, it } from 'vitest';
import type { World } from '../../src/engine/world.ts';
import { reportTick } from '../../src/metrics/reporters.ts';
import { marginalReturn } from '../../src/model/economy.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { CHAIN, tick } from '../../src/model/tick.ts';
import { scenarioSchema, type ScenarioInput } from '../../src/scenario/schema.ts';

/**
 * Where people and capital go must not itself be an advantage (MODEL.md "Choice sets"). People
 * and capital choose among all places, so no place gains from appearing on more candidate lists
 * than another; moving costs and capital friction discount far places without favouring central
 * ones (what they discount stays home). These tests pin that on the default geography: a core,
 * 6 suburbs, 24 towns and 120 villages.
 */

const base = scenarioSchema.parse({});
const PLACES = base.world.rings.reduce((s, r) => s + r.count, 0);

/** The default rings with identical stocks and each place the same population. */
function symmetricRings(): ScenarioInput['world'] {
  const rings = base.world.rings.map((r) => ({ ...r, popShare: r.count / PLACES, tech: 0.6, capital: 1.5, rights: 0.6, skill: 0.4, access: 0.5, amenity: 0 }));
  return { rings };
}

const dpd = (world: World) => reportTick(world).find((r) => r.metric === 'dpd')!.value;

describe('a symmetric world stays symmetric', () => {
  it('identical stocks and equal places, spatial advantages and one-sided channels off: |DPD| < 0.05 at every tick for 100 ticks (3 seeds)', () => {
    /*
     * Spatial advantages off: agglomeration 0 and market access flat (marketDecay 1000). The
     * channels that exist in one direction only are off too: the registration barrier and partial
     * service access, platform rent, alienation and spillover from parents. Everything else runs,
     * including moving costs, capital friction, the digital run, diffusion and the technology
     * take-off, which amplifies sampling noise between places (tests/model/symmetric.test.ts),
     * hence 1000 residents a place. Before the choice fix the DPD rose from 0.10 to 0.98 in 50
     * ticks in this world and the core grew from 662 to 24,554 residents (commit 712c991).
     * Measured: max |DPD| 0.0445 (seed 1), 0.0442 (seed 2), 0.0255 (seed 3).
     */
    const scenario = scenarioSchema.parse({
      world: { ...symmetricRings(), residents: PLACES * 1000 },
      capital: { agglomeration: 0 },
      diffusion: { marketDecay: 1000 },
      talent: { barrier: 0, serviceAccess: 1 },
      rights: { rentShare: 0, alienation: 0 },
      technology: { spillover: 0 },
    });
    for (const seed of [1, 2, 3]) {
      const world = initializeWorld(scenario, seed);
      let worst = 0;
      for (let t = 1; t <= 100; t++) {
        tick(world);
        world.events.length = 0;
        worst = Math.max(worst, Math.abs(dpd(world)));
      }
      expect(worst, `seed ${seed}: max |DPD| over 100 ticks`).toBeLessThan(0.05);
      // No ring drains into another: each keeps its residents to within 10%.
      const pop = world.scenario.world.rings.map(() => 0);
      for (let p = 0; p < world.places.count; p++) pop[world.places.ring[p]] += world.places.population[p];
      world.scenario.world.rings.forEach((r, k) => expect(pop[k] / (r.count * 1000), `seed ${seed}, ring ${r.label}`).toBeGreaterThan(0.9));
      world.scenario.world.rings.forEach((r, k) => expect(pop[k] / (r.count * 1000), `seed ${seed}, ring ${r.label}`).toBeLessThan(1.1));
    }
  });

  it('the core is one place among all: at equal utilities it receives 1/P of the choices, not the choices of every place that lists it', () => {
    // Everyone considers moving once; no moving cost, so each mover weighs every place alike.
    const scenario = scenarioSchema.parse({
      world: { ...symmetricRings(), residents: PLACES * 200 },
      talent: { moveProbability: 1, distanceCost: 0, barrier: 0, serviceAccess: 1, rightsWeight: 0, homeAttachment: 0, serviceLoss: 0 },
    });
    const world = initializeWorld(scenario, 4);
    const pl = world.places;
    for (let p = 0; p < pl.count; p++) {
      pl.expectedWage[p] = 0;
      pl.amenity[p] = 0;
    }
    CHAIN[2](world);
    const N = world.residents.count;
    const expected = N / PLACES;
    // Binomial(N, 1/P): 4 standard deviations.
    expect(Math.abs(pl.population[0] - expected)).toBeLessThan(4 * Math.sqrt(expected));
    let suburbs = 0;
    for (let p = 1; p <= 6; p++) suburbs += pl.population[p];
    expect(Math.abs(suburbs - 6 * expected)).toBeLessThan(4 * Math.sqrt(6 * expected));
  });
});

/** A world where only capital moves: no migration, technology frozen, no diffusion, no agglomeration, congestion, friction, herding, spillover or rent. */
function capitalWorld(rings: Partial<ScenarioInput['world'] & object>['rings'], capital: Record<string, number> = {}): World {
  const scenario = scenarioSchema.parse({
    world: { residents: 30_200, ...(rings ? { rings } : {}) },
    capital: { agglomeration: 0, congestion: 0, friction: 0, herding: 0, ...capital },
    talent: { moveProbability: 0 },
    technology: { spillover: 0, privateInvestment: 0, obsolescence: 0, frontierGrowth: 0 },
    rights: { rentShare: 0 },
    diffusion: { p: 0, q: 0, slip: 0 },
  });
  return initializeWorld(scenario, 1);
}

function ringCapitalPerResident(world: World): number[] {
  const pl = world.places;
  const K = world.scenario.world.rings.map(() => 0);
  const n = world.scenario.world.rings.map(() => 0);
  for (let p = 0; p < pl.count; p++) {
    K[pl.ring[p]] += pl.capital[p];
    n[pl.ring[p]] += pl.population[p];
  }
  return K.map((k, r) => k / n[r]);
}

const returns = (world: World) => Array.from({ length: world.places.count }, (_, p) => marginalReturn(world, p));
const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);

describe('capital goes where returns are higher', () => {
  it('with equal productivity, capital per resident converges across rings and returns equalise to well within 1/β', () => {
    // The default rings' capital (3, 2.2, 1.3, 0.8 per resident) with equal infrastructure,
    // rights, skills and access, so that equal capital per resident means equal returns.
    // Before the fix the core ended with 30.7 per resident against 4.8 in villages.
    const rings = base.world.rings.map((r) => ({ ...r, tech: 0.6, rights: 0.5, skill: 0.4, access: 0.5 }));
    const world = capitalWorld(rings);
    const beta = world.scenario.capital.returnSensitivity;
    const start = ringCapitalPerResident(world);
    expect(Math.max(...start) / Math.min(...start)).toBeGreaterThan(3.5);
    for (let t = 0; t < 100; t++) tick(world);
    const end = ringCapitalPerResident(world);
    // Measured: 5.63, 5.56, 5.54, 5.47 (ratio 1.03); return spread 0.009 (1/β = 0.04).
    expect(Math.max(...end) / Math.min(...end)).toBeLessThan(1.05);
    expect(spread(returns(world))).toBeLessThan(0.5 / beta);
  });

  it('with unequal productivity, capital flows toward higher returns and their spread falls toward 1/β', () => {
    const world = capitalWorld(undefined);
    const beta = world.scenario.capital.returnSensitivity;
    const before = Float64Array.from(world.places.capital);
    const r0 = returns(world);
    const initialSpread = spread(r0);
    tick(world);
    // The place with the highest return gains capital net of savings, the lowest loses: compare
    // the change of each place's capital share with its initial return (rank correlation sign).
    const pl = world.places;
    const total0 = before.reduce((a, b) => a + b, 0);
    const total1 = pl.capital.reduce((a, b) => a + b, 0);
    let covariance = 0;
    const meanR = r0.reduce((a, b) => a + b, 0) / r0.length;
    for (let p = 0; p < pl.count; p++) covariance += (pl.capital[p] / total1 - before[p] / total0) * (r0[p] - meanR);
    expect(covariance).toBeGreaterThan(0);
    for (let t = 1; t < 100; t++) tick(world);
    // Measured: 0.107 at the start, 0.026 after 100 ticks (1/β = 0.04).
    expect(initialSpread).toBeGreaterThan(2 / beta);
    expect(spread(returns(world))).toBeLessThan(1 / beta);
    // Where productivity is higher (the core, τ 0.9), capital per resident is higher.
    const kpc = ringCapitalPerResident(world);
    expect(kpc[0]).toBeGreaterThan(kpc[3]);
  });

  it('at equal returns capital does not churn: booked moves are a tiny share of the stock, not 70% of mobile capital', () => {
    // Identical places (equal stocks and sizes): returns differ only by sampling noise in talent.
    // One capital stage without savings or depreciation, so every change of capital is a move.
    const rings = base.world.rings.map((r) => ({ ...r, count: 1, popShare: 0.25, tech: 0.6, capital: 1.5, rights: 0.5, skill: 0.4, access: 0.5 }));
    const world = capitalWorld(rings, { savingsRate: 0, depreciation: 0 });
    const pl = world.places;
    const before = Float64Array.from(pl.capital);
    CHAIN[1](world);
    let moved = 0;
    for (let p = 0; p < pl.count; p++) moved += Math.abs(pl.capital[p] - before[p]) / 2;
    const total = before.reduce((a, b) => a + b, 0);
    // Mobile capital is 8% of the stock (before the fix 67-86% of it left every place every tick,
    // about 6% of the stock); measured moves now: 0.14% of the stock, from sampling noise in returns.
    expect(moved / total).toBeLessThan(0.005);
    expect(moved).toBeGreaterThan(0);
  });
});
