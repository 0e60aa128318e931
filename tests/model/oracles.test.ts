import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { allocateSnapshot, checkBooks, snapshotStocks } from '../../src/engine/books.ts';
import type { Stream } from '../../src/engine/rng.ts';
import { FLOWS, STOCKS } from '../../src/engine/ledger.ts';
import { normal } from '../../src/engine/rng.ts';
import { createSizeSampler, drawIndex, loadWeights } from '../../src/engine/sizeSampler.ts';
import type { Places, Residents, World } from '../../src/engine/world.ts';
import { updateState } from '../../src/engine/world.ts';
import { climbChance } from '../../src/model/diffusion.ts';
import { aggregateResidents } from '../../src/model/economy.ts';
import { initializeWorld, ringPopulations } from '../../src/model/initialize.ts';
import { CHAIN, tick } from '../../src/model/tick.ts';
import { applyDueEdits } from '../../src/policy/patches.ts';
import { planPolicy } from '../../src/policy/plan.ts';
import { applySchedule } from '../../src/policy/schedule.ts';
import { scenarioSchema, type Lever, type Scenario, type ScenarioInput } from '../../src/scenario/schema.ts';

/**
 * Each stage of the chain against a naive implementation written here from docs/ODD.md: small
 * worlds (a few hundred residents, eight places), a few ticks of the whole chain to make their
 * state uneven, then one stage run by the model and by the oracle from the same state. Where a
 * stage draws random numbers the oracle replays the stage's own stream (a copy of its state), so
 * every resident's move, climb and slip must be the same. Stocks are reconciled with the ledger
 * at the end of every tick. The worlds are small so that the file runs in about a second (it is
 * the model's test set for mutation testing, docs/testing.md).
 */

const RINGS = [
  { label: 'core', count: 1, radius: 0, class: 'urban', popShare: 0.35, tech: 1.3, capital: 3, rights: 0.8, skill: 0.7, access: 0.9, amenity: 0.2 },
  { label: 'suburbs', count: 2, radius: 1, class: 'urban', popShare: 0.25, tech: 0.7, capital: 2, rights: 0.6, skill: 0.5, access: 0.8, amenity: 0.1 },
  { label: 'villages', count: 4, radius: 3, class: 'rural', popShare: 0.4, tech: 0.15, capital: 0.4, rights: 0.3, skill: 0.3, access: 0.5, amenity: 0 },
  { label: 'empty', count: 1, radius: 6, class: 'rural', popShare: 0, tech: 0, capital: 0, rights: 0.2, skill: 0.2, access: 0.3, amenity: -0.5 },
] as const;

/** Every lever's instruments at once, on a fixed appropriation. */
const INTERVENTIONS: NonNullable<ScenarioInput['interventions']> = [
  { lever: 'policy', instrument: 'broadband', budget: 8, allocation: 'uniform', target: { class: 'all' } },
  { lever: 'policy', instrument: 'upgrade', budget: 6, allocation: 'uniform', target: { class: 'all' } },
  { lever: 'capital', instrument: 'transfer', budget: 5, allocation: 'uniform', target: { class: 'rural' } },
  { lever: 'capital', instrument: 'credit', budget: 3, allocation: 'uniform', target: { class: 'rural' } },
  { lever: 'talent', instrument: 'training', budget: 40, allocation: 'uniform', target: { class: 'rural' } },
  { lever: 'talent', instrument: 'returnee', budget: 30, allocation: 'uniform', target: { rings: [2] } },
  { lever: 'talent', instrument: 'registration', intensity: 0.4, target: { rings: [1] } },
  { lever: 'industry', instrument: 'ecommerce', budget: 20, allocation: 'uniform', target: { class: 'rural' } },
  // Logistics: a little for the villages (part of their gap), far too much for the suburbs (waste).
  { lever: 'industry', instrument: 'logistics', budget: 20, allocation: 'uniform', target: { rings: [2] } },
  { lever: 'industry', instrument: 'logistics', budget: 300, allocation: 'uniform', target: { rings: [1] } },
  { lever: 'rights', instrument: 'services', budget: 40, allocation: 'uniform', target: { rings: [2] } },
  { lever: 'rights', instrument: 'benefit-sharing', intensity: 0.5, target: { rings: [2] } },
];

function build(extra: Omit<ScenarioInput, 'world'> = {}, seed = 3, residents = 240): World {
  return initializeWorld(scenarioSchema.parse({ world: { residents, rings: RINGS }, ...extra }), seed);
}

/**
 * One tick as tick() runs it, with `around` called just before stage `k`: what it returns is
 * called just after. The books are reconciled at the end (throws LedgerMismatch).
 */
function tickAround(world: World, k: number, around: (world: World) => () => void): void {
  const before = allocateSnapshot(world);
  world.ledger.clearTick();
  snapshotStocks(world, before);
  updateState(world, (d) => void (d.tick += 1));
  applySchedule(world);
  applyDueEdits(world);
  planPolicy(world);
  for (let s = 0; s < CHAIN.length; s++) {
    const after = s === k ? around(world) : null;
    CHAIN[s](world);
    after?.();
  }
  checkBooks(world, before);
  // Nothing booked outside the places and the treasury: every flow, on every ring and in all, is a number.
  const bad: string[] = [];
  for (const stock of STOCKS) {
    for (const flow of FLOWS) {
      if (!Number.isFinite(world.ledger.total(stock, flow))) bad.push(`${stock}/${flow}`);
      for (let r = 0; r < world.ledger.rings; r++) if (!Number.isFinite(world.ledger.ringFlow(stock, flow, r))) bad.push(`${stock}/${flow} on ring ${r}`);
    }
  }
  expect(bad).toEqual([]);
}

/** Runs `warm` + `ticks` ticks with stage k checked against `oracle` in each (the first ones make the world uneven). */
function checkStage(world: World, k: number, ticks: number, oracle: (world: World) => () => void, warm = 2): void {
  for (let t = 0; t < warm + ticks; t++) tickAround(world, k, oracle);
}

type PlacesCopy = Places;
function copyPlaces(pl: Places): PlacesCopy {
  const out = { ...pl };
  for (const [k, v] of Object.entries(pl)) if (ArrayBuffer.isView(v)) (out as Record<string, unknown>)[k] = (v as Float64Array).slice();
  return out;
}
function copyResidents(rs: Residents): Residents {
  const out = { ...rs };
  for (const [k, v] of Object.entries(rs)) if (ArrayBuffer.isView(v)) (out as Record<string, unknown>)[k] = (v as Float64Array).slice();
  return out;
}

/** A copy of a stream at its present state: the oracle replays the stage's draws with it. */
const replay = (s: Stream): Stream => seedrandom.alea('', { state: s.state() }) as unknown as Stream;

/** Fails with the first element of `actual` further than `rel` (relative, absolute below 1) from `expected`. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 1e-9): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = actual[i] === expected[i] || Math.abs(actual[i] - expected[i]) <= rel * Math.max(1, Math.abs(expected[i]));
    if (!ok) expect(actual[i], `${what}[${i}]`).toBe(expected[i]);
  }
}

const dist = (pl: Places, p: number, j: number) => Math.sqrt((pl.x[p] - pl.x[j]) ** 2 + (pl.y[p] - pl.y[j]) ** 2);
const planned = (world: World, lever: Lever, instrument: string) => world.plan.spend.get(`${lever}/${instrument}`) ?? null;
const wasted = (world: World, lever: Lever) => {
  let sum = 0;
  for (let r = 0; r < world.ledger.rings; r++) sum += world.ledger.wastedOnRing(lever, r, 'tick');
  return sum;
};

// ---- The economy (docs/ODD.md 7.6), written out plainly: the oracles of the stages share it.

function aggregate(sc: Scenario, pl: Places, rs: Residents): void {
  const premium = sc.diffusion.digitalPremium;
  for (const a of [pl.population, pl.talent, pl.digitalTalent, pl.skillMean, pl.access, pl.use, pl.outcome]) a.fill(0);
  for (let i = 0; i < rs.count; i++) {
    const p = rs.place[i];
    pl.population[p]++;
    pl.talent[p] += rs.talent[i];
    if (rs.level[i] === 3) pl.digitalTalent[p] += rs.talent[i] * premium;
    pl.skillMean[p] += rs.skill[i];
    pl.access[p] += rs.level[i] >= 1 ? 1 : 0;
    pl.use[p] += rs.level[i] >= 2 ? 1 : 0;
    pl.outcome[p] += rs.level[i] === 3 ? 1 : 0;
  }
  for (let p = 0; p < pl.count; p++) {
    pl.talent[p] += pl.digitalTalent[p];
    const n = pl.population[p];
    if (n === 0) continue;
    for (const a of [pl.skillMean, pl.access, pl.use, pl.outcome]) a[p] /= n;
  }
}

function productivity(sc: Scenario, pl: Places, residents: number, frontier: number): void {
  const c = sc.capital;
  for (let p = 0; p < pl.count; p++) {
    const tau = Math.min(1, Math.max(0.01, pl.tech[p] / frontier));
    const rel = Math.max(1e-9, pl.population[p] / (residents / pl.count));
    pl.productivity[p] = (c.productivity * tau ** c.techElasticity * rel ** c.agglomeration * (1 + c.adoptionEffect * pl.outcome[p])) / (1 + c.congestion * rel);
  }
}

function employment(sc: Scenario, pl: Places): void {
  for (let p = 0; p < pl.count; p++) pl.employment[p] = pl.population[p] > 0 ? Math.min(1, pl.capital[p] / sc.capital.capitalPerJob / pl.population[p]) : 1;
}

function output(sc: Scenario, pl: Places): void {
  const a = sc.capital.alpha;
  for (let p = 0; p < pl.count; p++) {
    const K = Math.max(1e-9, pl.capital[p]);
    if (pl.population[p] === 0) {
      pl.output[p] = 0;
      pl.wage[p] = (1 - a) * pl.productivity[p] * K ** a;
      continue;
    }
    const H = Math.max(1e-9, pl.talent[p] * pl.employment[p]);
    pl.output[p] = pl.productivity[p] * K ** a * H ** (1 - a);
    pl.wage[p] = ((1 - a) * pl.output[p]) / H;
  }
}

const capitalReturn = (sc: Scenario, pl: Places, p: number) => {
  const a = sc.capital.alpha;
  const K = Math.max(1e-9, pl.capital[p]);
  const H = Math.max(1e-9, pl.talent[p] * pl.employment[p]);
  return a * pl.productivity[p] * K ** (a - 1) * H ** (1 - a);
};

/** Residents' incomes (stored as float32, like the model's) and each place's mean. */
function incomes(sc: Scenario, pl: Places, rs: Residents): void {
  const premium = sc.diffusion.digitalPremium;
  const mean = new Float64Array(pl.count);
  for (let i = 0; i < rs.count; i++) {
    const p = rs.place[i];
    const e = pl.employment[p];
    // The mean is of the double-precision incomes, before they are stored as float32.
    const y = pl.wage[p] * (e + (1 - e) * sc.talent.informalIncome) * rs.talent[i] * (rs.level[i] === 3 ? 1 + premium : 1);
    rs.income[i] = y;
    mean[p] += y;
  }
  for (let p = 0; p < pl.count; p++) pl.incomePerResident[p] = pl.population[p] > 0 ? mean[p] / pl.population[p] : 0;
}

function expectPlaces(world: World, want: Places, fields: (keyof Places)[]): void {
  for (const f of fields) expectClose(world.places[f] as Float64Array, want[f] as Float64Array, `places.${f}`);
}

// ---- Stage 1: technology foundation (7.2)

function technologyOracle(world: World): () => void {
  const sc = world.scenario;
  const t = sc.technology;
  const pl = copyPlaces(world.places);
  const F = world.state.frontier * (1 + t.frontierGrowth);
  let sum = 0;
  let people = 0;
  for (let p = 0; p < pl.count; p++) {
    sum += pl.productivity[p] * pl.population[p];
    people += pl.population[p];
  }
  const mean = sum / people;
  const tech = pl.tech.slice();
  const bound = { frontier: 0, income: 0, share: 0, cap: 0, spillover: 0, above: 0, nearThreshold: 0 };
  for (let p = 0; p < pl.count; p++) {
    const n = pl.population[p];
    const uncapped = pl.productivity[p] / mean;
    if (uncapped > t.productivityCap) bound.cap++;
    const rel = Math.min(t.productivityCap, uncapped);
    const toFrontier = Math.max(0, ((F - pl.tech[p]) * t.unitCost * n) / F);
    const wanted = pl.income[p] * t.privateInvestment * Math.max(rel, 1e-6) ** t.productivitySensitivity;
    const invest = Math.min(toFrontier, pl.income[p], wanted);
    if (n > 0 && invest > 0) {
      bound[invest === toFrontier ? 'frontier' : invest === wanted ? 'share' : 'income']++;
      pl.income[p] -= invest;
      tech[p] += (invest / (t.unitCost * n)) * F;
    }
    const parent = pl.parent[p];
    if (parent >= 0 && pl.tech[parent] <= pl.tech[p]) bound.above++;
    if (parent >= 0 && pl.tech[parent] > pl.tech[p]) {
      bound.spillover++;
      tech[p] += t.spillover * Math.exp(-dist(pl, p, parent) / t.spilloverDecay) * (pl.tech[parent] - pl.tech[p]);
    }
    tech[p] -= t.obsolescence * pl.tech[p];
  }
  let waste = 0;
  const po = sc.policy;
  for (const [name, below, above] of [
    ['broadband', 1, po.broadbandAbove],
    ['upgrade', po.upgradeBelow, po.upgradeAbove],
  ] as const) {
    const spend = planned(world, 'policy', name);
    for (let p = 0; spend && p < pl.count; p++) {
      if (spend[p] <= 0) continue;
      const eff = tech[p] / F < sc.diffusion.accessThreshold ? below : above;
      // Below the threshold in units of the frontier, above it in absolute terms: F must divide.
      if (tech[p] / F < sc.diffusion.accessThreshold && tech[p] * F >= sc.diffusion.accessThreshold) bound.nearThreshold++;
      const bought = ((spend[p] * eff) / (t.unitCost * pl.population[p])) * F;
      const gain = Math.min(Math.max(0, F - tech[p]), bought);
      tech[p] += gain;
      waste += bought > 0 ? spend[p] * (1 - gain / bought) : spend[p];
    }
  }
  pl.tech = tech;
  return () => {
    expect(world.state.frontier).toBeCloseTo(F, 12);
    expectPlaces(world, pl, ['tech', 'income']);
    expect(wasted(world, 'policy')).toBeCloseTo(waste, 9);
    bounds.push(bound);
  };
}

const bounds: Record<string, number>[] = [];

describe('stage 1, technology foundation, against its oracle', () => {
  it('default settings, every instrument: frontier, infrastructure, retained income and waste', () => {
    bounds.length = 0;
    const world = build({ interventions: INTERVENTIONS, fiscal: { mode: 'fixed', value: 600 } });
    // A village better equipped than its parent: no spillover flows down to it.
    world.places.tech[4] = 1.2;
    checkStage(world, 0, 3, technologyOracle);
    expect(bounds.reduce((s, b) => s + b.above, 0)).toBeGreaterThan(0);
    const reached = bounds.reduce((s, b) => s + b.spillover, 0);
    expect(reached).toBeGreaterThan(0);
  });

  it('at the first tick, before anyone moves, a place without residents invests nothing', () => {
    const world = build({ interventions: INTERVENTIONS, fiscal: { mode: 'fixed', value: 600 } });
    expect(world.places.population[7]).toBe(0);
    checkStage(world, 0, 1, technologyOracle, 0);
  });

  it('public investment at τ exactly at the access threshold buys at the efficiency above it', () => {
    const still = { obsolescence: 0, privateInvestment: 0, spillover: 0, frontierGrowth: 0 };
    const world = build({ technology: still, interventions: INTERVENTIONS.slice(0, 1), fiscal: { mode: 'fixed', value: 600 }, policy: { broadbandAbove: 0.25 } });
    world.places.tech.fill(world.scenario.diffusion.accessThreshold);
    const n = world.places.population[3];
    checkStage(world, 0, 1, technologyOracle, 0);
    // What broadband spent there bought infrastructure at efficiency 0.25, not 1.
    const spent = (planned(world, 'policy', 'broadband') as Float64Array)[3];
    expect(spent).toBeGreaterThan(0);
    expect(world.places.tech[3]).toBeCloseTo(0.6 + (0.25 * spent) / (world.scenario.technology.unitCost * n), 12);
  });

  it('investment bound by each of its three limits, and by the productivity cap', () => {
    bounds.length = 0;
    const cases: Omit<ScenarioInput, 'world'>[] = [
      // Cheap infrastructure: investment stops at the frontier.
      { technology: { unitCost: 0.02, privateInvestment: 0.5, frontierGrowth: 0.3 }, interventions: INTERVENTIONS, fiscal: { mode: 'fixed', value: 600 } },
      // Dear infrastructure and a share above 1 at high relative returns: the retained income binds.
      { technology: { unitCost: 200, privateInvestment: 1, productivitySensitivity: 3, productivityCap: 1.2, spillover: 0.6, spilloverDecay: 30 }, capital: { agglomeration: 0.6 } },
      { technology: { unitCost: 50, privateInvestment: 0.3, productivitySensitivity: 0.5, productivityCap: 100, obsolescence: 0.1, frontierGrowth: 0.3 }, policy: { upgradeBelow: 0, broadbandAbove: 3 }, interventions: INTERVENTIONS },
    ];
    for (const c of cases) checkStage(build(c), 0, 2, technologyOracle);
    const total = (k: string) => bounds.reduce((s, b) => s + b[k], 0);
    for (const k of ['frontier', 'income', 'share', 'cap', 'spillover', 'nearThreshold']) expect(total(k), k).toBeGreaterThan(0);
  });
});

// ---- Stage 2: capital momentum (7.3)

function capitalOracle(world: World): () => void {
  const sc = world.scenario;
  const c = sc.capital;
  const pl = copyPlaces(world.places);
  for (let p = 0; p < pl.count; p++) {
    const saved = c.savingsRate * pl.income[p];
    pl.capital[p] = pl.capital[p] * (1 - c.depreciation) + saved;
    pl.income[p] = 0;
  }
  const transfer = planned(world, 'capital', 'transfer');
  const credit = planned(world, 'capital', 'credit');
  for (let p = 0; p < pl.count; p++) {
    if (transfer && transfer[p] > 0) pl.capital[p] += transfer[p];
    if (credit && credit[p] > 0) pl.capital[p] += credit[p] * sc.policy.creditLeverage;
  }
  productivity(sc, pl, world.residents.count, world.state.frontier);
  employment(sc, pl);
  const P = pl.count;
  const r = Array.from({ length: P }, (_, p) => capitalReturn(sc, pl, p));
  const top = Math.max(...r);
  const weight = r.map((x, p) => Math.exp(Math.max(-700, c.returnSensitivity * (x - top))) * (pl.population[p] + 1));
  const pull = r.map((_, p) => {
    const loss = pl.reference[p] > 0 ? Math.max(0, 1 - pl.population[p] / pl.reference[p]) : 0;
    return Math.exp(Math.min(200, c.herding * loss));
  });
  const total = weight.reduce((a, b) => a + b, 0);
  const share = weight.map((w, p) => (c.mobility * pl.capital[p]) / (w + pull[p] * (total - w)));
  const K = pl.capital;
  const cross = [0, 0];
  for (let p = 0; p < P; p++) {
    for (let j = p + 1; j < P; j++) {
      const net = Math.exp(-c.returnSensitivity * c.friction * dist(pl, p, j)) * (share[p] * weight[j] * pull[p] - share[j] * weight[p] * pull[j]);
      const amount = net > 0 ? Math.min(net, K[p]) : Math.min(-net, K[j]);
      const [from, to] = net > 0 ? [p, j] : [j, p];
      K[from] -= amount;
      K[to] += amount;
      if (pl.urban[from] !== pl.urban[to]) cross[pl.urban[from] ? 0 : 1] += amount;
    }
  }
  const crossBefore = [0, 1].map((d) => world.ledger.crossFlow('capital', 'capital-move', d as 0 | 1));
  return () => {
    expectPlaces(world, pl, ['capital', 'income', 'productivity', 'employment']);
    // Capital moved between classes, urban to rural and rural to urban, as the ledger counts it.
    for (const d of [0, 1] as const) expect(world.ledger.crossFlow('capital', 'capital-move', d) - crossBefore[d]).toBeCloseTo(cross[d], 9);
  };
}

describe('stage 2, capital momentum, against its oracle', () => {
  it('default settings with transfers and credit: savings, depreciation, the logit and friction', () => {
    checkStage(build({ interventions: INTERVENTIONS, fiscal: { mode: 'fixed', value: 600 } }), 1, 3, capitalOracle);
  });

  it('strong herding after a run, high mobility, no friction, and strong agglomeration', () => {
    const world = build({ capital: { herding: 50, mobility: 0.9, friction: 0, agglomeration: 0.5, congestion: 0.2, returnSensitivity: 3, adoptionEffect: 2 } });
    // A village loses most of its residents to the core: its net loss pulls its capital away.
    for (let i = 0; i < world.residents.count; i++) if (world.residents.place[i] === 4 && i % 4) world.residents.place[i] = 0;
    aggregateResidents(world);
    checkStage(world, 1, 2, capitalOracle, 0);
  });

  it('a logit steep enough that exp(β·r) would overflow without the largest return taken out first', () => {
    const world = build({ capital: { returnSensitivity: 1000, productivity: 5 } });
    checkStage(world, 1, 1, capitalOracle, 0);
    const r = Array.from({ length: world.places.count }, (_, p) => capitalReturn(world.scenario, world.places, p));
    expect(Math.exp(1000 * Math.max(...r))).toBe(Infinity);
  });

  it('sampled choice (as in worlds above 4,096 places): capital moves, but not as the exact choice moves it', () => {
    const world = build({ capital: { mobility: 0.5 } });
    world.choice = 'sampled';
    tickAround(world, 1, (w) => {
      const exactly = capitalOracle(w);
      const c = w.scenario.capital;
      // Where savings and depreciation alone would leave each place's capital (no instruments here).
      const stay = Array.from(w.places.capital, (k, p) => k * (1 - c.depreciation) + c.savingsRate * w.places.income[p]);
      return () => {
        expect(() => exactly()).toThrow();
        const after = Array.from(w.places.capital);
        const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
        expect(sum(after)).toBeCloseTo(sum(stay), 9);
        expect(after.some((k, p) => Math.abs(k - stay[p]) > 1e-3 * stay[p])).toBe(true);
      };
    });
  });

  it('friction far stronger than returns, and a steep logit', () => {
    checkStage(build({ capital: { friction: 3, returnSensitivity: 400, techElasticity: 2, savingsRate: 0.9, depreciation: 0.5 } }), 1, 2, capitalOracle);
  });
});

// ---- Stage 3: talent application (7.4)

function talentOracle(world: World): () => void {
  const sc = world.scenario;
  const t = sc.talent;
  const pl = copyPlaces(world.places);
  const rs = copyResidents(world.residents);
  const rand = replay(world.streams.talent);
  const P = pl.count;
  employment(sc, pl);
  for (let p = 0; p < P; p++) {
    const e = pl.employment[p];
    const x = Math.log(Math.max(1e-12, pl.wage[p] * (e + (1 - e) * t.informalIncome)));
    pl.expectedWage[p] += t.expectationWeight * (x - pl.expectedWage[p]);
  }
  const reform = world.plan.intensity.get('talent/registration');
  const returneeSpend = planned(world, 'talent', 'returnee');
  const returnee = (p: number) => (returneeSpend && returneeSpend[p] > 0 ? returneeSpend[p] / (sc.policy.returneeCost * Math.max(1, pl.reference[p])) : 0);
  const u = [new Float64Array(P), new Float64Array(P)];
  for (let p = 0; p < P; p++) {
    const common = pl.expectedWage[p] + pl.amenity[p] - t.serviceLoss * (1 - pl.services[p]);
    u[0][p] = common + t.rightsWeight * pl.rights[p];
    u[1][p] = pl.urban[p] ? common + t.rightsWeight * pl.rights[p] * t.serviceAccess - t.barrier * (1 - Math.min(1, reform ? reform[p] : 0)) : u[0][p];
  }
  // Weights relative to the best utility overall, or to the registration's own best when all of
  // its weights would otherwise underflow (β·gap > 700).
  const top = Math.max(...u[0], ...u[1]);
  const shift = u.map((row) => (t.choiceScale * (top - Math.max(...row)) > 700 ? Math.max(...row) : top));
  if (shift.some((s) => s !== top)) underflow.registrations++;
  const W = u.map((row, k) => row.map((x, p) => Math.exp(t.choiceScale * (x - shift[k])) * (pl.reference[p] + 1)));
  const totals = W.map((row) => row.reduce((a, b) => a + b, 0));
  const pull = Array.from({ length: P }, (_, p) => Math.exp(Math.min(200, t.choiceScale * t.homeAttachment)) * Math.exp(Math.min(200, t.choiceScale * returnee(p))));
  const loss = Array.from({ length: P }, (_, p) => (pl.reference[p] > 0 ? Math.max(0, 1 - pl.population[p] / pl.reference[p]) : 0));
  const joined = 1 - (1 - t.moveProbability) * (1 - t.herding);
  const decay = t.choiceScale * t.distanceCost;
  const near = (c: number, j: number) => (j === c || decay === 0 ? 1 : Math.exp(-decay * dist(pl, c, j)));
  const move = (i: number, to: number) => {
    pl.population[rs.place[i]]--;
    pl.population[to]++;
    rs.place[i] = to;
  };
  const prob = (i: number) => (rs.threshold[i] < loss[rs.place[i]] ? joined : t.moveProbability);
  if (world.choice === 'exact') {
    // Every resident decides first; then movers choose in groups by (place, registration), in resident order within a group.
    const movers: number[] = [];
    for (let i = 0; i < rs.count; i++) if (rand() < prob(i)) movers.push(i);
    const key = (i: number) => 2 * rs.place[i] + rs.rural[i];
    movers.sort((a, b) => key(a) - key(b) || a - b);
    for (const i of movers) {
      const cur = rs.place[i];
      const o = rs.origin[i];
      const w = W[rs.rural[i]];
      const mass = Array.from({ length: P }, (_, j) => w[j] * near(cur, j));
      const all = mass.reduce((a, b) => a + b, 0);
      // Stay: the own place's weight plus what moving costs discount from the others.
      const stay = mass[cur] + Math.max(0, totals[rs.rural[i]] - all);
      const own = o === cur ? stay + mass[cur] * (pull[o] - 1) : stay;
      const home = o === cur ? 0 : mass[o] * pull[o];
      const rest = Math.max(0, all - mass[cur] - (o === cur ? 0 : mass[o]));
      let y = rand() * (own + home + rest);
      if (y < own) continue;
      if (y < own + home) {
        move(i, o);
        continue;
      }
      y -= own + home;
      let dest = -1;
      for (let j = 0; j < P; j++) {
        if (j === cur || j === o) continue;
        dest = j;
        if (y < mass[j]) break;
        y -= mass[j];
      }
      move(i, dest);
    }
  } else {
    // Each resident in turn decides and, if moving, draws a point of Σ W + the origin's extra pull.
    const samplers = W.map((row) => {
      const s = createSizeSampler(P);
      loadWeights(s, row);
      return s;
    });
    for (let i = 0; i < rs.count; i++) {
      if (!(rand() < prob(i))) continue;
      const cur = rs.place[i];
      const o = rs.origin[i];
      const r = rs.rural[i];
      const toOrigin = near(cur, o);
      const y = rand() * (totals[r] + (pull[o] - 1) * W[r][o] * toOrigin);
      let dest = o;
      if (y < totals[r]) {
        dest = drawIndex(samplers[r], y);
        if (dest === cur || rand() >= (dest === o ? toOrigin : near(cur, dest))) continue;
      }
      if (dest !== cur) move(i, dest);
    }
  }
  // The digital run: service levels and tipping from the new populations.
  for (let p = 0; p < P; p++) {
    const fill = pl.reference[p] > 0 ? pl.population[p] / pl.reference[p] : 1;
    pl.services[p] = t.criticalShare > 0 ? Math.min(1, fill / t.criticalShare) : 1;
  }
  // Skills: learning by use toward the access gate, decay without access, peers, training.
  const F = world.state.frontier;
  const training = planned(world, 'talent', 'training');
  let waste = 0;
  const trained = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    if (!training || !(training[p] > 0)) continue;
    const full = sc.policy.trainingCost * Math.max(1, pl.population[p]);
    trained[p] = Math.min(1, training[p] / full);
    waste += Math.max(0, training[p] - full);
  }
  for (let i = 0; i < rs.count; i++) {
    const p = rs.place[i];
    const reach = Math.min(1, pl.tech[p] / F / sc.diffusion.accessThreshold);
    let s = rs.skill[i];
    s = rs.level[i] >= 1 ? s + t.learning * (reach - s) : s - t.skillDecay * s;
    s += t.peerLearning * (pl.skillMean[p] - s);
    s += trained[p] * (1 - s);
    rs.skill[i] = Math.min(1, Math.max(0, s));
  }
  return () => {
    expect(Array.from(world.residents.place)).toEqual(Array.from(rs.place));
    expectClose(world.residents.skill, rs.skill, 'residents.skill', 1e-6);
    expectPlaces(world, pl, ['population', 'expectedWage', 'employment', 'services']);
    expect(wasted(world, 'talent')).toBeCloseTo(waste, 9);
    // The same number of draws: both streams are at the same point.
    expect(world.streams.talent.state()).toEqual(rand.state());
  };
}

/** Ticks in which the talent oracle saw a registration whose weights would all underflow. */
const underflow = { registrations: 0 };

describe('stage 3, talent application, against its oracle (the talent stream replayed)', () => {
  it('a logit so steep that every weight of rural registrants would underflow: they still choose among their own places', () => {
    // Regression: with one reference for both registrations, exp(β·(u − top)) was 0 at every place
    // for rural registrants (barrier 1 and amenity 5 in the core, β = 1000), and every one of them
    // who reconsidered moved to the last place.
    underflow.registrations = 0;
    const rings = RINGS.map((r, k) => ({ ...r, amenity: k === 0 ? 5 : 1 }));
    const world = initializeWorld(scenarioSchema.parse({ world: { residents: 240, rings }, talent: { choiceScale: 1000, moveProbability: 0.5 } }), 8);
    checkStage(world, 2, 3, talentOracle, 0);
    expect(underflow.registrations).toBeGreaterThan(0);
    // The last place (a village, no better than the others for rural registrants) gets none of them.
    const last = world.places.count - 1;
    let there = 0;
    for (let i = 0; i < world.residents.count; i++) if (world.residents.rural[i] === 1 && world.residents.place[i] === last) there++;
    expect(there).toBe(0);
  });

  it('exact choice, every instrument: expectations, moves resident by resident, services and skills', () => {
    const world = build({ interventions: INTERVENTIONS, fiscal: { mode: 'fixed', value: 600 }, talent: { moveProbability: 0.4, herding: 0.5, runThreshold: 0.05, choiceScale: 2 } });
    checkStage(world, 2, 3, talentOracle);
  });

  it('exact choice without moving costs, with a wide barrier and strong attachment', () => {
    checkStage(build({ talent: { moveProbability: 0.5, distanceCost: 0, barrier: 3, homeAttachment: 2, serviceLoss: 4, criticalShare: 0.9, learning: 0.6, skillDecay: 0.3, peerLearning: 0.4 } }), 2, 2, talentOracle);
  });

  it('exact choice where the last place has residents (its movers are the last groups)', () => {
    const world = initializeWorld(scenarioSchema.parse({ world: { residents: 240, rings: RINGS.slice(0, 3) }, talent: { moveProbability: 0.5 } }), 6);
    expect(world.places.population[world.places.count - 1]).toBeGreaterThan(0);
    checkStage(world, 2, 2, talentOracle, 0);
  });

  it('sampled choice (as in worlds above 4,096 places) on the same world', () => {
    const world = build({ interventions: INTERVENTIONS, fiscal: { mode: 'fixed', value: 600 }, talent: { moveProbability: 0.6, choiceScale: 1 } });
    world.choice = 'sampled';
    checkStage(world, 2, 3, talentOracle);
  });
});

// ---- Stage 4: production diffusion (7.5)

function room(reached: number, below: number, m: number): number {
  if (m >= 1) return 1;
  if (below - reached <= 0) return reached < m ? 1 : 0;
  return Math.min(1, Math.max(0, (m - reached) / (below - reached)));
}

function diffusionOracle(world: World): () => void {
  const sc = world.scenario;
  const d = sc.diffusion;
  const pl = copyPlaces(world.places);
  const rs = copyResidents(world.residents);
  const rand = replay(world.streams.diffusion);
  const F = world.state.frontier;
  const P = pl.count;
  const push = new Float64Array(P);
  const ecommerce = planned(world, 'industry', 'ecommerce');
  const logistics = planned(world, 'industry', 'logistics');
  let waste = 0;
  for (let p = 0; p < P; p++) {
    if (ecommerce && ecommerce[p] > 0) push[p] = ecommerce[p] / (sc.policy.ecommerceCost * Math.max(1, pl.population[p]));
    if (logistics && logistics[p] > 0) {
      const full = sc.policy.logisticsCost * Math.max(1, pl.population[p]);
      const gap = 1 - pl.marketAccess[p];
      pl.marketAccess[p] += Math.min(1, logistics[p] / full) * gap;
      waste += gap <= 0 ? logistics[p] : Math.max(0, logistics[p] - full);
    }
  }
  // The seen shares: own place and, with weight ω, the neighbours' by field weight × residents.
  const f = world.infoField;
  const omega = d.infoField;
  const seen = [pl.access, pl.use, pl.outcome].map((share) =>
    Array.from({ length: P }, (_, p) => {
      let num = 0;
      let den = 0;
      for (let k = f.start[p]; k < f.start[p + 1]; k++) {
        num += f.weight[k] * pl.population[f.index[k]] * share[f.index[k]];
        den += f.weight[k] * pl.population[f.index[k]];
      }
      return (1 - omega) * share[p] + omega * (den > 0 ? num / den : share[p]);
    }),
  );
  const continuous = d.time === 'continuous';
  const hazard = (gate: number, base: number, x: number, roomLeft: number) => {
    if (!continuous) return gate * (base + d.q * x) * roomLeft;
    const s = Math.min(1, x);
    if (!(gate > 0) || !(base + d.q * s > 0)) return 0;
    // Bass's closed form over one tick from the seen share s: x1 = 1 − e^(−r)(1 + C)/(1 + C·e^(−r)).
    const e = Math.exp(-gate * (base + d.q));
    const C = (d.q * (1 - s)) / (base + d.q * s);
    return (1 - (e * (1 + C)) / (1 + C * e)) * roomLeft;
  };
  const gate1 = Array.from({ length: P }, (_, p) => Math.min(1, pl.tech[p] / F / d.accessThreshold));
  const gate3 = Array.from({ length: P }, (_, p) => pl.rights[p] * pl.marketAccess[p]);
  const ceiling = (p: number) => sc.world.rings[pl.ring[p]].ceiling;
  for (let i = 0; i < rs.count; i++) {
    const p = rs.place[i];
    const a = rs.level[i];
    if (a > 0) {
      const gate = a === 1 ? gate1[p] : a === 2 ? rs.skill[i] : gate3[p];
      if (rand() < d.slip * (1 - gate)) {
        rs.level[i] = a - 1;
        continue;
      }
    }
    if (a === 3) continue;
    const m = ceiling(p);
    const base = d.p + push[p];
    const h =
      a === 0
        ? hazard(gate1[p], base, seen[0][p] / m.access, room(pl.access[p], 1, m.access))
        : a === 1
          ? hazard(rs.skill[i], base, Math.min(1, seen[1][p] / m.use), room(pl.use[p], pl.access[p], m.use))
          : hazard(gate3[p], base, seen[2][p] / m.outcome, room(pl.outcome[p], pl.use[p], m.outcome));
    // Residents who arrived since the last aggregation where nobody was left one level below.
    const [reached, below, ceil] = a === 0 ? [pl.access[p], 1, m.access] : a === 1 ? [pl.use[p], pl.access[p], m.use] : [pl.outcome[p], pl.use[p], m.outcome];
    if (below - reached <= 0) arrivals[ceil >= 1 ? 'noCeiling' : reached < ceil ? 'underCeiling' : 'atCeiling']++;
    if (rand() < h) rs.level[i] = a + 1;
  }
  aggregate(sc, pl, rs);
  productivity(sc, pl, rs.count, F);
  employment(sc, pl);
  output(sc, pl);
  incomes(sc, pl, rs);
  for (let p = 0; p < P; p++) pl.income[p] += pl.output[p];
  return () => {
    expect(Array.from(world.residents.level)).toEqual(Array.from(rs.level));
    expectPlaces(world, pl, ['marketAccess', 'population', 'talent', 'digitalTalent', 'skillMean', 'access', 'use', 'outcome', 'productivity', 'employment', 'output', 'wage', 'incomePerResident', 'income']);
    expectClose(world.residents.income, rs.income, 'residents.income', 1e-6);
    expect(wasted(world, 'industry')).toBeCloseTo(waste, 9);
    expect(world.streams.diffusion.state()).toEqual(rand.state());
  };
}

describe('stage 4, production diffusion, against its oracle (the diffusion stream replayed)', () => {
  it('per-tick Bass, every instrument: climbs and slips resident by resident, then output, wages and incomes', () => {
    const world = build({ interventions: INTERVENTIONS, fiscal: { mode: 'fixed', value: 600 }, diffusion: { slip: 0.5, infoField: 0.6, p: 0.05, q: 0.6 }, technology: { frontierGrowth: 0.2 } });
    checkStage(world, 3, 3, diffusionOracle);
  });

  it('continuous-time Bass under ceilings, with a wide information field', () => {
    const rings = RINGS.map((r, k) => ({ ...r, ceiling: { access: k === 0 ? 1 : 0.7, use: 0.5, outcome: k === 2 ? 0.2 : 0.9 } }));
    const world = initializeWorld(
      scenarioSchema.parse({ world: { residents: 300, rings }, diffusion: { time: 'continuous', p: 0.1, q: 1.2, infoField: 0.8, infoDecay: 4, slip: 0.2 }, capital: { congestion: 0.3 } }),
      5,
    );
    checkStage(world, 3, 3, diffusionOracle, 1);
  });
});

/** Residents the diffusion oracle saw climb from a level nobody of their place held at the last aggregation. */
const arrivals = { noCeiling: 0, underCeiling: 0, atCeiling: 0 };

describe('stage 4 for migrants who arrived since the last aggregation', () => {
  it('where nobody was left below their level: room under the ceiling, or none at or above it', () => {
    const rings = [
      { ...RINGS[0] },
      { ...RINGS[1], ceiling: { access: 0.6, use: 1, outcome: 1 } },
      { ...RINGS[2], ceiling: { access: 1, use: 0.8, outcome: 1 } },
      { ...RINGS[3] },
    ];
    const world = initializeWorld(
      scenarioSchema.parse({
        world: { residents: 300, rings },
        talent: { moveProbability: 1, choiceScale: 0.01, distanceCost: 0, homeAttachment: 0, barrier: 0 },
        diffusion: { p: 0.6, slip: 0 },
      }),
      2,
    );
    const { places: pl, residents: rs } = world;
    // The core all at level 3 (access share 1 = its ceiling 1), the suburbs all at level 1 (access
    // share 1, above their ceiling 0.6), the villages at levels 0 and 2 only (use share 0.5 = access
    // share, under their ceiling 0.8). Then everyone reconsiders where to live before diffusion.
    for (let i = 0; i < rs.count; i++) rs.level[i] = pl.ring[rs.place[i]] === 0 ? 3 : pl.ring[rs.place[i]] === 1 ? 1 : i % 2 ? 2 : 0;
    rs.skill.fill(1);
    pl.tech.fill(2);
    aggregateResidents(world);
    arrivals.noCeiling = arrivals.underCeiling = arrivals.atCeiling = 0;
    checkStage(world, 3, 1, diffusionOracle, 0);
    expect(arrivals.noCeiling).toBeGreaterThan(0);
    expect(arrivals.underCeiling).toBeGreaterThan(0);
    expect(arrivals.atCeiling).toBeGreaterThan(0);
  });
});

describe('stage 4 where the information field reaches nobody', () => {
  it('a place without neighbours in reach sees its own shares only', () => {
    // Rings 1 apart and a field that decays by e every 0.1: every weight is below the cutoff.
    const world = build({ diffusion: { infoDecay: 0.1, infoField: 0.7, p: 0.05 } });
    expect(world.infoField.index.length).toBe(0);
    checkStage(world, 3, 2, diffusionOracle);
  });
});

describe('climbChance against Bass', () => {
  it('per tick: gate × (p + q·x) × room', () => {
    expect(climbChance(false, 0.5, 0.1, 0.4, 0.25, 0.8)).toBeCloseTo(0.5 * (0.1 + 0.4 * 0.25) * 0.8, 15);
  });
  it('continuous: without imitation 1 − e^(−gate·p); with it, the closed form started at x', () => {
    expect(climbChance(true, 0.7, 0.2, 0, 0.3, 1)).toBeCloseTo(1 - Math.exp(-0.14), 14);
    // Bass from x0 = 0.2 over r = gate(p + q) = 0.5·1.1: F(t) closed form shifted to start at x0.
    const [g, p, q, x] = [0.5, 0.1, 1, 0.2];
    const solve = (t: number) => {
      // Integrate dF/dt = (p + qF)(1 − F) with fine Euler steps.
      let F = x;
      for (let k = 0; k < 200_000; k++) F += (t / 200_000) * g * (p + q * F) * (1 - F);
      return F;
    };
    expect(climbChance(true, g, p, q, x, 1)).toBeCloseTo((solve(1) - x) / (1 - x), 5);
    expect(climbChance(true, g, p, q, x, 0.5)).toBeCloseTo((0.5 * (solve(1) - x)) / (1 - x), 5);
    // A seen share above 1 counts as 1; a closed gate or no pull gives 0.
    expect(climbChance(true, g, p, q, 1.5, 1)).toBe(climbChance(true, g, p, q, 1, 1));
    expect(climbChance(true, 0, p, q, x, 1)).toBe(0);
    expect(climbChance(true, g, 0, q, 0, 1)).toBe(0);
  });
});

// ---- Stage 5: right core (7.7), with the fiscal year

function rightsOracle(world: World): () => void {
  const sc = world.scenario;
  const r = sc.rights;
  const pl = copyPlaces(world.places);
  const rs = copyResidents(world.residents);
  const P = pl.count;
  const sharing = world.plan.intensity.get('rights/benefit-sharing');
  const captured = new Float64Array(P);
  pl.rent.fill(0);
  for (let p = 0; p < P; p++) {
    if (pl.urban[p] || !(pl.talent[p] > 0)) continue;
    const surplus = (pl.output[p] * pl.digitalTalent[p]) / pl.talent[p];
    const rent = Math.min(pl.income[p], r.rentShare * (1 - pl.rights[p]) * (1 - Math.min(1, sharing ? sharing[p] : 0)) * Math.max(0, surplus));
    if (!(rent > 0)) continue;
    captured[p] = rent / surplus;
    const core = pl.root[p];
    pl.income[p] -= rent;
    pl.income[core] += rent;
    pl.rent[p] -= rent;
    pl.rent[core] += rent;
  }
  // Level-3 residents keep (1 + premium·(1 − captured)) / (1 + premium) of their income.
  const premium = sc.diffusion.digitalPremium;
  const mean = new Float64Array(P);
  for (let i = 0; i < rs.count; i++) {
    const p = rs.place[i];
    if (rs.level[i] === 3 && captured[p] > 0) rs.income[i] *= (1 + premium * (1 - captured[p])) / (1 + premium);
    mean[p] += rs.income[i];
  }
  for (let p = 0; p < P; p++) pl.incomePerResident[p] = pl.population[p] > 0 ? mean[p] / pl.population[p] : 0;
  const services = planned(world, 'rights', 'services');
  let waste = 0;
  let spent = 0;
  for (let p = 0; p < P; p++) {
    const full = sc.policy.servicesCost * Math.max(1, pl.population[p]);
    const amount = services && services[p] > 0 ? services[p] : 0;
    const s = Math.min(1, amount / full);
    if (amount > 0) {
      spent += amount;
      waste += 1 - pl.rights[p] <= 0 ? amount : Math.max(0, amount - full);
    }
    const core = pl.root[p];
    const gap = pl.incomePerResident[p] > 0 && pl.incomePerResident[core] > 0 ? Math.max(0, Math.log(pl.incomePerResident[core] / pl.incomePerResident[p])) : 0;
    const R = pl.rights[p];
    const next = R + s * (1 - R) + r.voice * pl.outcome[p] * (1 - R) - r.alienation * gap * R;
    if (next < 0) clamped.low++;
    if (next > 1) clamped.high++;
    pl.rights[p] = Math.min(1, Math.max(0, next));
  }
  const left = world.state.budget + world.ledger.booked('budget', world.ledger.treasury) - spent;
  const fiscal = sc.fiscal;
  let next = fiscal.value;
  if (fiscal.mode === 'share') {
    next = 0;
    for (let p = 0; p < P; p++) {
      const tax = Math.min(pl.income[p], fiscal.value * pl.output[p]);
      pl.income[p] -= tax;
      next += tax;
    }
  }
  return () => {
    expectPlaces(world, pl, ['rent', 'income', 'incomePerResident', 'rights']);
    expectClose(world.residents.income, rs.income, 'residents.income', 1e-6);
    expect(wasted(world, 'rights')).toBeCloseTo(waste, 9);
    expect(world.ledger.flowTotal('budget', 'lapse')).toBeCloseTo(-left, 9);
    expect(world.state.budget).toBeCloseTo(next, 9);
  };
}

/** How often the oracle of rights clamped them at 0 and at 1. */
const clamped = { low: 0, high: 0 };

describe('stage 5, right core, against its oracle', () => {
  it('fixed appropriation, every instrument: rent to the core, rights, lapse and the next budget', () => {
    const world = build({ interventions: INTERVENTIONS, fiscal: { mode: 'fixed', value: 600 }, rights: { rentShare: 0.8, alienation: 0.5, voice: 0.3 } });
    world.residents.level.fill(3);
    checkStage(world, 4, 3, rightsOracle);
  });

  it('services bought for a place whose rights are already full are all wasted', () => {
    const world = build({ interventions: INTERVENTIONS, fiscal: { mode: 'fixed', value: 600 } });
    const pl = world.places;
    for (let p = 0; p < pl.count; p++) if (pl.ring[p] === 2) pl.rights[p] = 1;
    checkStage(world, 4, 1, rightsOracle, 0);
    expect(wasted(world, 'rights')).toBeCloseTo(40, 9);
  });

  it('a tax share of output, strong alienation (rights clamped at 0) and voice with services (at 1)', () => {
    clamped.low = clamped.high = 0;
    const services: NonNullable<ScenarioInput['interventions']>[number] = { lever: 'rights', instrument: 'services', budget: 1e4, allocation: 'uniform', target: { rings: [1, 2] } };
    const world = build({ fiscal: { mode: 'share', value: 0.3 }, rights: { rentShare: 1, alienation: 1, voice: 1 }, diffusion: { digitalPremium: 4 }, interventions: [services] });
    world.residents.level.fill(3);
    checkStage(world, 4, 3, rightsOracle);
    expect(clamped.low).toBeGreaterThan(0);
    expect(clamped.high).toBeGreaterThan(0);
  });
});

// ---- Set-up (initialize.ts) and the digital run's thresholds (run.ts)

function initializeOracle(sc: Scenario, seed: number, world: World): void {
  const rand = seedrandom.alea(`urd:${seed}:init`, { state: true }) as unknown as Stream;
  const pl = copyPlaces(world.places);
  const N = sc.world.residents;
  const rs = copyResidents(world.residents);
  const sigma = sc.world.talentSigma;
  for (let p = 0; p < pl.count; p++) {
    const spec = sc.world.rings[pl.ring[p]];
    pl.marketAccess[p] = Math.exp(-dist(pl, p, pl.root[p]) / sc.diffusion.marketDecay);
    pl.tech[p] = pl.initial.tech ? pl.initial.tech[p] : spec.tech;
    pl.rights[p] = pl.initial.rights ? pl.initial.rights[p] : spec.rights;
  }
  const counts = ringPopulations(sc);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
  let i = 0;
  sc.world.rings.forEach((spec, r) => {
    const first = pl.ringStart[r];
    const places = pl.ringStart[r + 1] - first;
    // Each place's residents: its weight's share of the ring, the remainder by largest remainders
    // (ties to the earlier place); without weights, resident k of n lives in place ⌊k·places/n⌋.
    const w = pl.weight ? Array.from(pl.weight.subarray(first, first + places)) : [];
    const sum = w.reduce((x, y) => x + y, 0);
    const quota = w.map((x) => (counts[r] * x) / sum);
    const share = quota.map(Math.floor);
    const order = share.map((_, j) => j).sort((x, y) => quota[y] - share[y] - (quota[x] - share[x]) || x - y);
    for (let j = 0, rest = counts[r] - share.reduce((x, y) => x + y, 0); rest > 0; j++, rest--) share[order[j]]++;
    const weightedPlace: number[] = share.flatMap((n, j) => Array.from({ length: n }, () => first + j));
    for (let k = 0; k < counts[r]; k++, i++) {
      const p = pl.weight ? weightedPlace[k] : first + Math.floor((k * places) / counts[r]);
      rs.place[i] = p;
      rs.origin[i] = p;
      rs.rural[i] = pl.urban[p] ? 0 : 1;
      rs.talent[i] = Math.exp(sigma * normal(rand) - (sigma * sigma) / 2);
      rs.skill[i] = Math.min(1, Math.max(0, spec.skill + sc.world.skillSpread * normal(rand)));
      let level = 0;
      if (rand() < spec.access) {
        level = 1;
        if (rand() < rs.skill[i]) {
          level = 2;
          if (rand() < sc.world.initialOutcome * pl.rights[p] * pl.marketAccess[p]) level = 3;
        }
      }
      rs.level[i] = level;
    }
  });
  aggregate(sc, pl, rs);
  for (let p = 0; p < pl.count; p++) pl.capital[p] = (pl.initial.capital ? pl.initial.capital[p] : sc.world.rings[pl.ring[p]].capital) * pl.population[p];
  productivity(sc, pl, N, 1);
  employment(sc, pl);
  output(sc, pl);
  incomes(sc, pl, rs);
  let budget = 0;
  for (let p = 0; p < pl.count; p++) {
    const e = pl.employment[p];
    pl.expectedWage[p] = Math.log(Math.max(1e-12, pl.wage[p] * (e + (1 - e) * sc.talent.informalIncome)));
    const tax = sc.fiscal.mode === 'share' ? sc.fiscal.value * pl.output[p] : 0;
    pl.income[p] = pl.output[p] - tax;
    budget += tax;
  }
  // Thresholds last, lognormal around runThreshold.
  for (let k = 0; k < N; k++) rs.threshold[k] = sc.talent.runThreshold * Math.exp(sc.talent.thresholdSpread * normal(rand));
  for (const f of ['place', 'origin', 'rural', 'level'] as const) expect(Array.from(world.residents[f]), f).toEqual(Array.from(rs[f]));
  for (const f of ['talent', 'skill', 'income', 'threshold'] as const) expectClose(world.residents[f], rs[f], `residents.${f}`, 1e-6);
  expectPlaces(world, pl, ['marketAccess', 'tech', 'rights', 'population', 'capital', 'productivity', 'employment', 'output', 'wage', 'expectedWage', 'income', 'incomePerResident']);
  expect(Array.from(world.places.reference)).toEqual(Array.from(pl.population));
  expect(Array.from(world.places.services)).toEqual(Array.from({ length: pl.count }, () => 1));
  expect(world.state.budget).toBeCloseTo(sc.fiscal.mode === 'share' ? budget : sc.fiscal.value, 9);
  expect(world.events).toEqual([]);
  // Everything the set-up draws comes from the init stream, and nothing more.
  expect(world.streams.init.state()).toEqual(rand.state());
}

describe('the initial world against its oracle (the init stream replayed)', () => {
  it('rings split evenly, a tax share', () => {
    const sc = scenarioSchema.parse({ world: { residents: 237, rings: RINGS, talentSigma: 0.8, skillSpread: 0.4, initialOutcome: 0.9 }, fiscal: { mode: 'share', value: 0.2 } });
    initializeOracle(sc, 9, initializeWorld(sc, 9));
  });

  it('a places table with weights and per-place stocks, a fixed appropriation', () => {
    const table = {
      id: ['c', 'a', 'b', 'v1', 'v2', 'v3'],
      name: ['c', 'a', 'b', 'v1', 'v2', 'v3'],
      parent: [-1, 0, 0, 1, 1, 2],
      level: [0, 1, 1, 2, 2, 2],
      // The core away from the origin: market access is measured from it.
      x: [3, 4, 2, 5, 4.5, 0.5],
      y: [-1, -0.5, -1, 0, -2, -0.5],
      population: [1, 3, 1, 0.2, 0.5, 0.3],
      tech: [1.1, 0.4, 0.8, 0.1, 0.3, 0.05],
      capital: [4, 1, 2, 0.5, 0.2, 0.1],
      rights: [0.9, 0.5, 0.6, 0.2, 0.4, 0.3],
    };
    const sc = scenarioSchema.parse({ world: { residents: 211, rings: RINGS.slice(0, 3), places: { table } }, fiscal: { mode: 'fixed', value: 7 } });
    const world = initializeWorld(sc, 4);
    expect(world.places.weight).not.toBeNull();
    initializeOracle(sc, 4, world);
  });
});

describe('the whole tick', () => {
  it('runs the five stages in order, timing each only when asked, with the same results either way', () => {
    const input = { interventions: INTERVENTIONS, fiscal: { mode: 'fixed' as const, value: 600 } };
    const timed = build(input);
    const plain = build(input);
    const calls: [number, number][] = [];
    for (let t = 0; t < 2; t++) {
      const start = performance.now();
      tick(timed, (k, ms) => calls.push([k, ms]));
      const elapsed = performance.now() - start;
      for (const [, ms] of calls.slice(-5)) {
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThanOrEqual(elapsed);
      }
      tick(plain);
    }
    expect(calls.map(([k]) => k)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(timed.state.tick).toBe(2);
    for (const f of ['capital', 'tech', 'rights', 'income', 'population'] as const) expect(Array.from(timed.places[f]), f).toEqual(Array.from(plain.places[f]));
    expect(Array.from(timed.residents.level)).toEqual(Array.from(plain.residents.level));
  });
});

