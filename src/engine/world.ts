import type { Draft, Patch } from 'immer';
import { freeze, produce } from 'immer';
import type { InterventionSpec, Scenario } from '../scenario/schema.ts';
import type { Layout } from './geometry.ts';
import { buildLayout } from './geometry.ts';
import type { InfoField } from './infoField.ts';
import { buildInfoField } from './infoField.ts';
import { Ledger } from './ledger.ts';
import type { Streams } from './rng.ts';
export type { InfoField } from './infoField.ts';
import { createStreams } from './rng.ts';

/** Per-place state, structure of arrays indexed by place id. */
export interface Places extends Layout {
  count: number;
  /** Digital infrastructure T, absolute (compare with the frontier: τ = T / F). */
  tech: Float64Array;
  capital: Float64Array;
  /** Rights / inclusion R in [0,1]. */
  rights: Float64Array;
  /** Retained income not yet invested, saved or consumed (a ledger stock). */
  income: Float64Array;
  population: Float64Array;
  output: Float64Array;
  productivity: Float64Array;
  /** Wage per unit of effective talent. */
  wage: Float64Array;
  /** Employment probability (Harris-Todaro): jobs (capital / capitalPerJob) over labour, at most 1. */
  employment: Float64Array;
  /** Effective talent of residents (level-3 talent counts with the digital premium). */
  talent: Float64Array;
  /** The premium part of effective talent: what digital production adds, the base of platform rent. */
  digitalTalent: Float64Array;
  skillMean: Float64Array;
  /** Shares of residents at divide level ≥ 1, ≥ 2 and = 3. */
  access: Float64Array;
  use: Float64Array;
  outcome: Float64Array;
  /** Adaptive expectation of the log expected wage that movers weigh (Harris-Todaro with partial adjustment). */
  expectedWage: Float64Array;
  /** Population at the start: what a place's services were built for; the digital run counts net losses from it. */
  reference: Float64Array;
  /** Share of a place's services that its users can still pay for, σ in [0,1] (the digital run). */
  services: Float64Array;
  /** 1 while a place's services have failed (population below talent.criticalShare of its reference). */
  tipped: Uint8Array;
  /** 1 while a place not yet tipped has lost more than talent.warningLoss of its reference (early warning). */
  atRisk: Uint8Array;
  /** Rent paid (rural) or received (core) this tick. */
  rent: Float64Array;
  /** Market access: exp(−distance to the place's core / diffusion.marketDecay) at the start, then raised by the industry lever. */
  marketAccess: Float64Array;
  /** Mean resident income this tick. */
  incomePerResident: Float64Array;
}

/** Per-resident state, structure of arrays indexed by resident id. */
export interface Residents {
  count: number;
  place: Int32Array;
  /** Place where the resident started: the "home" a returnee goes back to. */
  origin: Int32Array;
  /** Registration class: 1 rural, 0 urban (the dual structure). */
  rural: Uint8Array;
  talent: Float32Array;
  skill: Float32Array;
  /** Divide level 0..3: none, access, skills and use, outcomes. */
  level: Uint8Array;
  income: Float32Array;
  /** Net loss of its place (share of the starting population) past which the resident joins a run (Granovetter). */
  threshold: Float32Array;
}

/** World-level state. Immutable: every change goes through immer, so each tick's state is a value. */
export interface WorldState {
  readonly tick: number;
  readonly frontier: number;
  /** Budget available this tick, before spending. */
  readonly budget: number;
  /** Interventions in force (scenario ones plus those added by patches), by id. */
  readonly interventions: readonly (InterventionSpec & { readonly id: string })[];
  /** Scale applied to every intervention this tick when requests exceed the budget (1 = none). */
  readonly spendingScale: number;
  /** Values in force of the parameters the scenario's schedule has changed so far, by path. */
  readonly parameters: Readonly<Record<string, number>>;
}

/** An event for events.ndjson. */
export interface SimEvent {
  tick: number;
  type: string;
  [key: string]: unknown;
}

/** Per-tick plan of the levers: spending and intensity per instrument and place. */
export interface PolicyPlan {
  /** Spending per place for `${lever}/${instrument}` this tick. */
  spend: Map<string, Float64Array>;
  /** Intensity per place for non-spending instruments. */
  intensity: Map<string, Float64Array>;
}

/** Everything one run owns. */
export interface World {
  scenario: Scenario;
  places: Places;
  residents: Residents;
  state: WorldState;
  ledger: Ledger;
  streams: Streams;
  plan: PolicyPlan;
  /** Structural edits of the world-level state waiting for the start of their tick (see policy/patches.ts). */
  pendingEdits: { tick: number; recipe?: (draft: Draft<WorldState>) => void; patches?: Patch[]; label?: string }[];
  /** Inverse patches of applied edits, newest last, for undo. */
  undo: Patch[][];
  /** Events raised during the current tick; the runner drains them. */
  events: SimEvent[];
  /** Per-place scratch buffers reused across ticks so hot loops never allocate. */
  scratch: { a: Float64Array; b: Float64Array; c: Float64Array; d: Float64Array; e: Float64Array; f: Float64Array };
  /** Mean information field: sparse rows of distance-decay weights between places (self excluded). */
  infoField: InfoField;
  /**
   * How people and capital choose among all places: `exact` sums each origin's row over every
   * place (O(P²) a tick), `sampled` draws destinations by size and applies the distance discount
   * to the draw (O(P + choosers), docs/ODD.md 7.3). Sampled above {@link SAMPLED_CHOICE_PLACES}.
   */
  choice: 'exact' | 'sampled';
}

/** Largest world whose choices are computed exactly over all pairs of places (16.8 M pairs). */
export const SAMPLED_CHOICE_PLACES = 4096;

/** Applies an immer recipe to the world-level state. */
export function updateState(world: World, recipe: (draft: Draft<WorldState>) => void): void {
  world.state = produce(world.state, recipe);
}

/** Allocates the stores of a world for a scenario; values are set by the model's initialization. */
export function allocateWorld(scenario: Scenario, seed: number): World {
  const layout = buildLayout(scenario.world);
  const P = layout.ring.length;
  const N = scenario.world.residents;
  const f = () => new Float64Array(P);
  // Every field named, not `...layout`: a spread's result changed its hidden class once V8
  // optimized this function (about the ninth world of a process), which deoptimized every stage
  // and made three or four runs of a sweep's worker take 3× as long.
  const places: Places = {
    ring: layout.ring,
    urban: layout.urban,
    parent: layout.parent,
    root: layout.root,
    x: layout.x,
    y: layout.y,
    amenity: layout.amenity,
    weight: layout.weight,
    initial: layout.initial,
    ringStart: layout.ringStart,
    count: P,
    tech: f(),
    capital: f(),
    rights: f(),
    income: f(),
    population: f(),
    output: f(),
    productivity: f(),
    wage: f(),
    employment: f(),
    talent: f(),
    digitalTalent: f(),
    skillMean: f(),
    access: f(),
    use: f(),
    outcome: f(),
    expectedWage: f(),
    reference: f(),
    services: f(),
    tipped: new Uint8Array(P),
    atRisk: new Uint8Array(P),
    rent: f(),
    marketAccess: f(),
    incomePerResident: f(),
  };
  const residents: Residents = {
    count: N,
    place: new Int32Array(N),
    origin: new Int32Array(N),
    rural: new Uint8Array(N),
    talent: new Float32Array(N),
    skill: new Float32Array(N),
    level: new Uint8Array(N),
    income: new Float32Array(N),
    threshold: new Float32Array(N),
  };
  const state: WorldState = freeze(
    {
      tick: 0,
      frontier: 1,
      budget: 0,
      interventions: scenario.interventions.map((iv, i) => ({ ...iv, id: `s${i}` })),
      spendingScale: 1,
      parameters: {},
    },
    true,
  );
  return {
    scenario,
    places,
    residents,
    state,
    ledger: new Ledger(layout.ring, layout.urban, scenario.world.rings.length),
    streams: createStreams(seed),
    plan: { spend: new Map(), intensity: new Map() },
    pendingEdits: [],
    undo: [],
    events: [],
    scratch: { a: f(), b: f(), c: f(), d: f(), e: f(), f: f() },
    infoField: buildInfoField(layout, scenario.diffusion.infoDecay, scenario.diffusion.infoNeighbours),
    choice: P > SAMPLED_CHOICE_PLACES ? 'sampled' : 'exact',
  };
}
