import type { z } from 'zod';
import type { Scalar } from './design.ts';
import { EXPERIMENT_LIMITS, boundsSpec, describeIssue, listSpec, rangeSpec, valuesSpec } from './schema.ts';

/** A parameter as the design uses it: a list of values (factorial) or a range (lhs, morris). */
export type ParameterSpec = { kind: 'list'; values: Scalar[] } | { kind: 'bounds'; min: number; max: number; integer: boolean };

/** Reports a problem at a field path of the experiment file; never returns. */
export type Fail = (path: readonly PropertyKey[], expected: string) => never;

const FORMS = 'a list of values, { from, to, step } or { min, max }';

/**
 * Returns the values `{from, to, step}` stands for, `to` included when it falls on a step.
 * Each value is rounded to 12 significant digits so 0.1 + 2·0.1 prints as 0.3, not 0.30000000000000004.
 */
export function expandRange(from: number, to: number, step: number): number[] {
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, k) => Number((from + k * step).toPrecision(12)));
}

function check<T>(schema: z.ZodType<T>, raw: unknown, at: PropertyKey[], fail: Fail): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  const message =
    issue.code === 'invalid_union' ? `expected a number, text or true/false, got ${JSON.stringify(path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)?.[k], raw))}` : describeIssue(issue, raw);
  return fail([...at, ...path], message);
}

/**
 * Parses one entry of `parameters:` (its key a scenario field path) into the form the design
 * needs, with errors that name the entry and say which forms are accepted.
 */
export function parseParameter(name: string, raw: unknown, design: 'factorial' | 'lhs' | 'morris', fail: Fail): ParameterSpec {
  const at = ['parameters', name];
  if (!/^[A-Za-z0-9_$]+(\.[A-Za-z0-9_$]+)*$/.test(name)) fail(at, 'expected a scenario field path such as capital.alpha or interventions.0.budget');
  if (name === 'seed') fail(at, 'the seed cannot be varied: run seeds derive from the experiment seed; use replications');
  const obj = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  let spec: ParameterSpec;
  if (Array.isArray(raw)) spec = { kind: 'list', values: check(listSpec, raw, at, fail) };
  else if (obj && 'values' in obj) spec = { kind: 'list', values: check(valuesSpec, raw, at, fail).values };
  else if (obj && ('from' in obj || 'to' in obj || 'step' in obj)) {
    const r = check(rangeSpec, raw, at, fail);
    if (r.to < r.from) fail([...at, 'to'], `expected to ≥ from (${r.from}), got ${r.to}`);
    if ((r.to - r.from) / r.step + 1 > EXPERIMENT_LIMITS.maxValuesPerParameter) {
      fail([...at, 'step'], `the range has more than ${EXPERIMENT_LIMITS.maxValuesPerParameter} values; expected a larger step`);
    }
    spec = { kind: 'list', values: expandRange(r.from, r.to, r.step) };
  } else if (obj && ('min' in obj || 'max' in obj)) {
    const b = check(boundsSpec, raw, at, fail);
    if (b.max < b.min) fail([...at, 'max'], `expected max ≥ min (${b.min}), got ${b.max}`);
    spec = { kind: 'bounds', ...b };
  } else {
    return fail(at, `expected ${FORMS}, got ${JSON.stringify(raw)?.slice(0, 60)}`);
  }
  if (design === 'factorial' && spec.kind === 'bounds') {
    fail(at, 'a { min, max } range needs design lhs or morris; for the factorial design give a list or { from, to, step }');
  }
  if (design !== 'factorial' && spec.kind === 'list') {
    fail(at, `the ${design} design samples a continuous range; expected { min, max } (lists and steps are for the factorial design)`);
  }
  if (spec.kind === 'list' && new Set(spec.values.map((v) => JSON.stringify(v))).size !== spec.values.length) {
    fail(at, 'expected each value once (a repeated value would only repeat runs)');
  }
  return spec;
}
