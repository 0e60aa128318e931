import type { Lang } from '../../i18n/terms.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { PlayParameter } from '../programme.ts';
import { word, type Word } from './strings.ts';

/** A set-up control: the scenario field it sets and the range a class explores (stretched to hold the preset's value). */
interface SetupField {
  key: string;
  label: (lang: Lang) => string;
  input: 'number' | 'range';
  get: (s: Scenario) => number;
  set: (s: Scenario, v: number) => void;
  range: (s: Scenario) => { min: number; max: number; step: number };
  /** The schedulable parameter it sets: moved while a world runs, it applies at the next tick. */
  path?: PlayParameter;
}

function field(key: string, name: Word, input: SetupField['input'], get: SetupField['get'], set: SetupField['set'], max: number, step: number, min = 0): SetupField {
  return { key, label: (l) => word(name, l), input, get, set, range: (s) => ({ min, max: Math.max(max, 2 * get(s)), step }) };
}

/**
 * The world's set-up a class plays with. Seed, ticks and residents build the world, so a change
 * of them starts it again (Reset); the others are per-tick parameters, so moved while the world
 * runs they apply at the next tick as a schedule entry (src/play/programme.ts).
 */
export const SETUP = [
  field('seed', 'seed', 'number', (s) => s.seed, (s, v) => void (s.seed = v), 2 ** 32 - 1, 1),
  field('ticks', 'ticks', 'number', (s) => s.ticks, (s, v) => void (s.ticks = v), 200, 1, 1),
  field('residents', 'residents', 'number', (s) => s.world.residents, (s, v) => void (s.world.residents = v), 1_000_000, 1000, 1000),
  { ...field('agglomeration', 'agglomeration', 'range', (s) => s.capital.agglomeration, (s, v) => void (s.capital.agglomeration = v), 0.3, 0.01), path: 'capital.agglomeration' },
  { ...field('spillover', 'spillover', 'range', (s) => s.technology.spillover, (s, v) => void (s.technology.spillover = v), 0.5, 0.01), path: 'technology.spillover' },
  { ...field('barrier', 'barrier', 'range', (s) => s.talent.barrier, (s, v) => void (s.talent.barrier = v), 5, 0.1), path: 'talent.barrier' },
  { ...field('herdingPeople', 'herdingPeople', 'range', (s) => s.talent.herding, (s, v) => void (s.talent.herding = v), 1, 0.01), path: 'talent.herding' },
  { ...field('herdingCapital', 'herdingCapital', 'range', (s) => s.capital.herding, (s, v) => void (s.capital.herding = v), 100, 1), path: 'capital.herding' },
  {
    // A share of output or a fixed amount per tick, as the scenario's fiscal.mode says.
    ...field('fiscal', 'fiscal', 'range', (s) => s.fiscal.value, (s, v) => void (s.fiscal.value = v), 0.1, 0.005),
    path: 'fiscal.value',
    range: (s: Scenario) => (s.fiscal.mode === 'share' ? { min: 0, max: Math.max(0.1, 2 * s.fiscal.value), step: 0.005 } : { min: 0, max: Math.max(10_000, 2 * s.fiscal.value), step: 100 }),
  },
] as const satisfies readonly SetupField[];

export type SetupKey = (typeof SETUP)[number]['key'];
