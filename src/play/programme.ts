import { current, type Draft } from 'immer';
import type { WorldState } from '../engine/world.ts';
import { LIMITS, type Allocation, type InterventionSpec, type Lever } from '../scenario/schema.ts';

/**
 * The classroom page's edits of the programme while a run goes on, as immer recipes for
 * src/policy/patches.ts. An edit at tick t never rewrites what already happened: an
 * intervention that acted before t ends at t − 1 and a copy with the new settings starts at t.
 * The final programme therefore lists every setting the run used, in the order the model saw
 * them, so a scenario file with these interventions reproduces the edited run exactly.
 */

/** The instrument the page gives a lever when the programme has none for it. */
export const LEVER_INSTRUMENT: Record<Lever, string> = {
  policy: 'broadband',
  capital: 'transfer',
  talent: 'training',
  industry: 'ecommerce',
  rights: 'services',
};

/** A change of the programme: a lever's budget per tick and/or allocation order, or the registration reform's intensity. */
export type InterventionChange =
  | { kind: 'lever'; lever: Lever; budget?: number; allocation?: Allocation }
  | { kind: 'registration'; intensity: number };

/**
 * A teacher's change: of the programme, or of a world parameter (a schedulable path such as
 * talent.herding), which becomes a `schedule:` entry at the next tick.
 */
export type ProgrammeChange = InterventionChange | { kind: 'parameter'; path: string; value: number };

/** The world parameters the page's sliders change while a world runs (each schedulable, see schedulableParameter). */
export const PLAY_PARAMETERS = ['capital.agglomeration', 'technology.spillover', 'talent.barrier', 'talent.herding', 'capital.herding', 'fiscal.value'] as const;
export type PlayParameter = (typeof PLAY_PARAMETERS)[number];

type Active = WorldState['interventions'][number];

/** What the controls show for a lever at a tick: its spending interventions' total budget and their allocation. */
export function leverSetting(interventions: readonly Active[], lever: Lever, tick: number): { budget: number; allocation: Allocation | null } {
  let budget = 0;
  let allocation: Allocation | null = null;
  for (const iv of interventions) {
    if (iv.lever !== lever || iv.budget <= 0 || tick < iv.start || tick > iv.end) continue;
    budget += iv.budget;
    allocation ??= iv.allocation;
  }
  return { budget, allocation };
}

/** Intensity of the registration reform in force at a tick (0 when none). */
export function registrationSetting(interventions: readonly Active[], tick: number): number {
  let level = 0;
  for (const iv of interventions) if (iv.instrument === 'registration' && tick >= iv.start && tick <= iv.end) level = Math.max(level, iv.intensity);
  return level;
}

/**
 * Gives `iv` new settings from tick t on: edited in place when it has not acted yet, otherwise
 * ended at t − 1 and continued by a copy (appended, so the model's order of summing is kept).
 * `fields` null stops it from t on.
 */
function resegment(d: Draft<WorldState>, k: number, t: number, fields: Partial<InterventionSpec> | null): void {
  const iv = d.interventions[k];
  if (iv.start >= t) {
    if (fields) Object.assign(iv, fields);
    else d.interventions.splice(k, 1);
    return;
  }
  const end = iv.end;
  iv.end = t - 1;
  if (fields) d.interventions.push({ ...current(iv), ...fields, start: t, end, ramp: 0, id: `play-${t}-${d.interventions.length}` });
}

/** The recipe of a change taking effect at tick t. */
export function programmeRecipe(change: InterventionChange, t: number): (d: Draft<WorldState>) => void {
  return (d) => {
    const isLever = change.kind === 'lever';
    const wanted = (iv: Active) => iv.end >= t && (isLever ? iv.lever === change.lever && iv.budget > 0 : iv.instrument === 'registration');
    const now = isLever ? leverSetting(d.interventions, change.lever, t).budget : registrationSetting(d.interventions, t);
    const amount = isLever ? change.budget : change.intensity;
    if (amount !== undefined && now <= 0) {
      // Nothing acts now: a new intervention starts (later ones in the programme stay as planned).
      if (amount > 0) d.interventions.push(newIntervention(change, amount, t, d.interventions.length));
      return;
    }
    const ids = d.interventions.filter(wanted).map((iv) => iv.id);
    for (const id of ids) {
      const k = d.interventions.findIndex((iv) => iv.id === id);
      if (amount !== undefined && amount <= 0) {
        resegment(d, k, t, null);
        continue;
      }
      const fields: Partial<InterventionSpec> = {};
      if (isLever && change.allocation) fields.allocation = change.allocation;
      if (!isLever) fields.intensity = change.intensity;
      // One intervention takes the budget as given; several share it in their present proportions.
      else if (amount !== undefined) fields.budget = ids.length === 1 ? amount : (d.interventions[k].budget * amount) / now;
      resegment(d, k, t, fields);
    }
  };
}

function newIntervention(change: InterventionChange, amount: number, t: number, n: number): Active {
  const lever = change.kind === 'lever' ? change.lever : 'talent';
  return {
    label: `${change.kind === 'lever' ? lever : 'registration'} (play)`,
    lever,
    instrument: change.kind === 'lever' ? LEVER_INSTRUMENT[lever] : 'registration',
    target: { class: 'all' },
    allocation: (change.kind === 'lever' && change.allocation) || 'uniform',
    start: t,
    end: LIMITS.maxTicks,
    ramp: 0,
    budget: change.kind === 'lever' ? amount : 0,
    intensity: change.kind === 'registration' ? amount : 0,
    id: `play-${t}-${n}`,
  };
}
