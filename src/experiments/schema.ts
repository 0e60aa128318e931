import { z } from 'zod';
import { intParam } from '../scenario/param.ts';
import { SAFE_NAME, SAFE_NAME_TEXT } from '../scenario/schema.ts';
import { DEFAULT_METRICS } from './metrics.ts';

/** Hard limits of an experiment, checked before any run starts. */
export const EXPERIMENT_LIMITS = {
  maxPoints: 100_000,
  maxRuns: 1_000_000,
  maxReplications: 10_000,
  maxValuesPerParameter: 10_000,
} as const;

export const scalar = z.union([z.number(), z.string(), z.boolean()]);

/** `talent.barrier: [0.4, 0.8]` or `{ values: [...] }`: the values a factorial design uses. */
export const listSpec = z.array(scalar).min(1).max(EXPERIMENT_LIMITS.maxValuesPerParameter);
export const valuesSpec = z.strictObject({ values: listSpec });

/** `{ from: 0.2, to: 1, step: 0.2 }`: an evenly spaced list, `to` included when it falls on a step. */
export const rangeSpec = z.strictObject({
  from: z.number(),
  to: z.number(),
  step: z.number().positive(),
});

/** `{ min: 0.2, max: 1 }`: a continuous range, for the lhs and morris designs. */
export const boundsSpec = z.strictObject({
  min: z.number(),
  max: z.number(),
  integer: z.boolean().default(false).meta({ description: 'Round values to whole numbers' }),
});

export const designSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('factorial') }),
  z.strictObject({
    type: z.literal('lhs'),
    samples: intParam(10, 1, EXPERIMENT_LIMITS.maxPoints, 'points', 'Points of the Latin hypercube'),
  }),
  z.strictObject({
    type: z.literal('morris'),
    trajectories: intParam(10, 2, 10_000, 'trajectories', 'Morris trajectories r (each has one point more than there are parameters)'),
    levels: intParam(4, 2, 1000, 'levels', 'Grid levels p per parameter (even); the jump is Δ = p/(2(p−1))'),
  }),
]);

/**
 * The experiment file (after `extends`). Parameter specs are checked one by one afterwards
 * (their form depends on the design), so they are left open here.
 */
export const experimentSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().max(80).regex(SAFE_NAME, SAFE_NAME_TEXT).optional(),
  title: z.string().default(''),
  description: z.string().default(''),
  title_zh: z.string().min(1).optional().meta({ description: 'The title in Chinese (the sweep report with --lang zh); title: {en, zh} also works' }),
  description_zh: z.string().min(1).optional().meta({ description: 'The story in Chinese; description: {en, zh} also works' }),
  base: z.string().min(1).meta({ description: 'Scenario file every point starts from, relative to the experiment file' }),
  set: z
    .record(z.string().min(1), z.unknown())
    .default({})
    .meta({ description: 'Fixed overrides of the base scenario (field path: value), applied at every point like --set' }),
  seed: intParam(1, 0, 2 ** 32 - 1, 'integer', 'Experiment seed; run seeds derive from it and the replication index'),
  replications: intParam(1, 1, EXPERIMENT_LIMITS.maxReplications, 'runs per point', 'Replications per point'),
  design: designSchema.default({ type: 'factorial' }),
  parameters: z
    .record(z.string().min(1), z.unknown())
    .default({})
    .meta({ description: 'Scenario field paths to vary: a list, {from, to, step} or {min, max}' }),
  metrics: z.array(z.string().min(1)).min(1).default([...DEFAULT_METRICS]).meta({ description: 'Summary metrics kept in runs.csv' }),
  perRunMetrics: z.boolean().default(false).meta({ description: 'Also keep each run folder (metrics.csv, events) under runs/' }),
});

export type ExperimentFile = z.infer<typeof experimentSchema>;
export type Design = ExperimentFile['design'];

/** Describes a zod issue in the project's style: what was expected and what was found. */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const got = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), data);
  const shown = got === undefined ? 'nothing' : typeof got === 'number' && !Number.isFinite(got) ? String(got) : JSON.stringify(got)?.slice(0, 60);
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      return `expected ${issue.expected}, got ${shown}`;
    case 'too_big':
      return issue.origin === 'array' ? `expected at most ${String(issue.maximum)} entries` : `expected a value ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}, got ${shown}`;
    case 'too_small':
      return issue.origin === 'array' ? `expected at least ${String(issue.minimum)} entries` : `expected a value ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}, got ${shown}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${shown}`;
    case 'invalid_union':
      return `expected a design type: factorial, lhs or morris, got ${shown}`;
    default:
      return `${issue.message}${got !== undefined ? `, got ${shown}` : ''}`;
  }
}
