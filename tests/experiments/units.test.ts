import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { designStream, factorial, latinHypercube, morrisDesign, morrisIndices, scale, type Bounds, type MorrisPlan } from '../../src/experiments/design.ts';
import { checkMetricName, metricValue, RUN_METRICS } from '../../src/experiments/metrics.ts';
import { expandRange, parseParameter, type Fail } from '../../src/experiments/parameters.ts';
import { describeIssue, designSchema } from '../../src/experiments/schema.ts';
import { replicationSeed, replicationSeeds } from '../../src/experiments/seeds.ts';
import { inShard, parseShard } from '../../src/experiments/shard.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { LEVERS } from '../../src/scenario/schema.ts';
import { handSummary } from './helpers.ts';

/**
 * The experiment modules that compute without running a model, each checked against values
 * worked out by hand (or by a second, naive computation in the test): seeds, shards, parameter
 * specs, schema messages, designs, Morris statistics and the metrics a sweep keeps.
 */

const sha = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0);

/** A Fail that throws what it was given, so a test reads the path and the words. */
const failWith: Fail = (path, expected) => {
  throw new Error(`${path.map(String).join('.')}: ${expected}`);
};
const param = (name: string, raw: unknown, design: 'factorial' | 'lhs' | 'morris' = 'factorial') => parseParameter(name, raw, design, failWith);
const paramError = (name: string, raw: unknown, design: 'factorial' | 'lhs' | 'morris' = 'factorial') => {
  try {
    param(name, raw, design);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('replication seeds', () => {
  it('redraw with k = 1, 2, ... until the seed is new', () => {
    const s0 = sha('urd-sweep:11:4');
    const s1 = sha('urd-sweep:11:4:1');
    const s2 = sha('urd-sweep:11:4:2');
    expect(replicationSeed(11, 4, new Set())).toBe(s0);
    expect(replicationSeed(11, 4, new Set([s0]))).toBe(s1);
    expect(replicationSeed(11, 4, new Set([s0, s1]))).toBe(s2);
    // Seeds of other replications in the set do not matter.
    expect(replicationSeed(11, 4, new Set([s1, s2]))).toBe(s0);
  });

  it('are the hashes of 0..count-1 in order, none for a count of 0', () => {
    expect(replicationSeeds(0, 3)).toEqual([sha('urd-sweep:0:0'), sha('urd-sweep:0:1'), sha('urd-sweep:0:2')]);
    expect(replicationSeeds(3, 0)).toEqual([]);
    expect(replicationSeeds(3, 1)).toEqual([sha('urd-sweep:3:0')]);
  });
});

describe('shards', () => {
  it('read spaces around the text, large counts and the last index', () => {
    expect(parseShard(' 2/3 ', {})).toEqual({ index: 2, count: 3 });
    expect(parseShard('0/1', {})).toEqual({ index: 0, count: 1 });
    expect(parseShard('9/10', {})).toEqual({ index: 9, count: 10 });
    expect(parseShard('12/20', {})).toEqual({ index: 12, count: 20 });
  });

  it('refuse with the option and exact words', () => {
    const words = (text: string, env: NodeJS.ProcessEnv = {}) => {
      try {
        parseShard(text, env);
      } catch (err) {
        return [(err as { file: string }).file, (err as { field: string }).field, (err as { expected: string }).expected];
      }
      return null;
    };
    expect(words('1/2/3')).toEqual(['urd sweep', '--shard', 'expected I/N (shard I of N, I from 0) or auto/N, got "1/2/3"']);
    expect(words('a1/2')).toEqual(['urd sweep', '--shard', 'expected I/N (shard I of N, I from 0) or auto/N, got "a1/2"']);
    expect(words('1/2x')).not.toBeNull();
    expect(words('0/0')).toEqual(['urd sweep', '--shard', 'expected N ≥ 1, got 0']);
    expect(words('3/3')).toEqual(['urd sweep', '--shard', 'shard 3 does not exist; expected 0..2 (shards count from 0)']);
    expect(words('auto/3')).toEqual(['urd sweep', '--shard', 'auto needs SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX to be set (a Slurm job array or a Kubernetes Indexed Job)']);
    expect(words('auto/3', { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '' })).toEqual(words('auto/3'));
    expect(words('auto/3', { SLURM_ARRAY_TASK_ID: 'x1' })).toEqual(['urd sweep', '--shard', 'SLURM_ARRAY_TASK_ID is "x1"; expected a whole number']);
    expect(words('auto/3', { SLURM_ARRAY_TASK_ID: '1x' })?.[2]).toBe('SLURM_ARRAY_TASK_ID is "1x"; expected a whole number');
    expect(words('auto/3', { SLURM_ARRAY_TASK_ID: '3' })).toEqual(['urd sweep', '--shard', 'SLURM_ARRAY_TASK_ID=3 but there are only 3 shards (0..2); declare the array as 0-2']);
    // An empty Slurm variable is skipped for the Kubernetes one.
    expect(parseShard('auto/3', { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 3 });
    expect(parseShard('auto/3', { SLURM_ARRAY_TASK_ID: '0' })).toEqual({ index: 0, count: 3 });
    expect(parseShard('auto/20', { JOB_COMPLETION_INDEX: '12' })).toEqual({ index: 12, count: 20 });
  });

  it('hold every run when there is no shard', () => {
    expect([0, 1, 7].every((run) => inShard(run, null))).toBe(true);
    expect(inShard(5, { index: 1, count: 2 })).toBe(true);
    expect(inShard(5, { index: 0, count: 2 })).toBe(false);
  });
});

describe('parameter specs', () => {
  it('expand ranges to the values written out by hand', () => {
    expect(expandRange(0, 1, 0.25)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(expandRange(1, 2, 0.4)).toEqual([1, 1.4, 1.8]);
    expect(expandRange(0.7, 0.9, 0.1)).toEqual([0.7, 0.8, 0.9]);
    expect(expandRange(-1, 1, 1)).toEqual([-1, 0, 1]);
    expect(expandRange(1, 0, 1)).toEqual([]);
  });

  it('read each of the four forms', () => {
    expect(param('a.b', [0.1, 'x', true])).toEqual({ kind: 'list', values: [0.1, 'x', true] });
    expect(param('a.b', { values: [2, 3] })).toEqual({ kind: 'list', values: [2, 3] });
    expect(param('a.b', { from: 0, to: 0.3, step: 0.1 })).toEqual({ kind: 'list', values: [0, 0.1, 0.2, 0.3] });
    expect(param('a.b', { min: 1, max: 4 }, 'lhs')).toEqual({ kind: 'bounds', min: 1, max: 4, integer: false });
    expect(param('w.n', { min: 1, max: 4, integer: true }, 'morris')).toEqual({ kind: 'bounds', min: 1, max: 4, integer: true });
    expect(param('x_1.$y.0', [1])).toEqual({ kind: 'list', values: [1] });
    // A range of exactly the largest number of values is accepted.
    expect((param('a', { from: 1, to: 10_000, step: 1 }) as { values: number[] }).values).toHaveLength(10_000);
    expect(param('a', { from: 1, to: 1, step: 1 })).toEqual({ kind: 'list', values: [1] });
    expect(param('a', { min: 2, max: 2 }, 'lhs')).toMatchObject({ min: 2, max: 2 });
  });

  it('refuse bad names, the seed and each bad form at its field, with the words', () => {
    expect(paramError('a..b', [1])).toBe('parameters.a..b: expected a scenario field path such as capital.alpha or interventions.0.budget');
    expect(paramError('a.b.', [1])).toMatch(/^parameters\.a\.b\.: expected a scenario field path/);
    expect(paramError('.a', [1])).toMatch(/expected a scenario field path/);
    expect(paramError('a b', [1])).toMatch(/expected a scenario field path/);
    expect(paramError('seed', [1, 2])).toBe('parameters.seed: the seed cannot be varied: run seeds derive from the experiment seed; use replications');
    expect(paramError('a', 3)).toBe('parameters.a: expected a list of values, { from, to, step } or { min, max }, got 3');
    expect(paramError('a', null)).toBe('parameters.a: expected a list of values, { from, to, step } or { min, max }, got null');
    expect(paramError('a', { lo: 1 })).toBe('parameters.a: expected a list of values, { from, to, step } or { min, max }, got {"lo":1}');
    expect(paramError('a', 'x'.repeat(100))).toBe(`parameters.a: expected a list of values, { from, to, step } or { min, max }, got "${'x'.repeat(59)}`);
    expect(paramError('a', { from: 1, to: 0, step: 0.5 })).toBe('parameters.a.to: expected to ≥ from (1), got 0');
    expect(paramError('a', { from: 0, to: 2, step: 0.0001 })).toBe('parameters.a.step: the range has more than 10000 values; expected a larger step');
    expect(paramError('a', { from: 0, to: 1 })).toBe('parameters.a.step: expected number, got nothing');
    expect(paramError('a', { step: 1 })).toMatch(/^parameters\.a\.from: /);
    expect(paramError('a', { to: 1 })).toMatch(/^parameters\.a\.from: /);
    expect(paramError('a', { from: 0 })).toBe('parameters.a.to: expected number, got nothing');
    expect(paramError('a', { from: 1, to: 10_001, step: 1 })).toBe('parameters.a.step: the range has more than 10000 values; expected a larger step');
    expect(paramError('a', { from: 0, to: 1, step: 1, extra: 2 })).toBe('parameters.a.extra: unknown field "extra"');
    expect(paramError('a', { min: 2, max: 1 }, 'lhs')).toBe('parameters.a.max: expected max ≥ min (2), got 1');
    expect(paramError('a', { max: 1 }, 'lhs')).toMatch(/^parameters\.a\.min: expected number/);
    expect(paramError('a', { min: 1 }, 'lhs')).toMatch(/^parameters\.a\.max: expected number/);
    expect(paramError('a', { min: 0, max: 1 })).toBe('parameters.a: a { min, max } range needs design lhs or morris; for the factorial design give a list or { from, to, step }');
    expect(paramError('a', [1, 2], 'lhs')).toBe('parameters.a: the lhs design samples a continuous range; expected { min, max } (lists and steps are for the factorial design)');
    expect(paramError('a', { from: 0, to: 1, step: 1 }, 'morris')).toMatch(/^parameters\.a: the morris design samples/);
    expect(paramError('a', [1, 2, 1])).toBe('parameters.a: expected each value once (a repeated value would only repeat runs)');
    expect(paramError('a', { values: ['x', 'x'] })).toMatch(/expected each value once/);
    expect(paramError('a', [])).toBe('parameters.a: expected at least 1 entries');
    expect(paramError('a', [1, [2]])).toBe('parameters.a.1: expected a number, text or true/false, got [2]');
    expect(paramError('a', { values: [{}] })).toBe('parameters.a.values.0: expected a number, text or true/false, got {}');
    expect(paramError('a', { values: 1 })).toBe('parameters.a.values: expected array, got 1');
  });
});

describe('schema messages', () => {
  const issue = (schema: z.ZodType, data: unknown) => {
    const r = schema.safeParse(data);
    if (r.success) throw new Error('expected a problem');
    return describeIssue(r.error.issues[0], data);
  };

  it('say what was expected and what was found, for each kind of problem', () => {
    const obj = z.strictObject({ a: z.number().min(1).max(5), b: z.array(z.number()).min(2).max(3).optional(), c: z.enum(['x', 'y']).optional(), d: z.number().gt(0).lt(1).optional(), e: z.string().regex(/^q/).optional() });
    expect(issue(obj, { a: 1, z: 1 })).toBe('unknown field "z"');
    expect(issue(obj, { a: 1, z: 1, w: 2 })).toBe('unknown fields "z", "w"');
    expect(issue(obj, { a: 'x' })).toBe('expected number, got "x"');
    expect(issue(obj, {})).toBe('expected number, got nothing');
    expect(issue(obj, { a: 9 })).toBe('expected a value ≤ 5, got 9');
    expect(issue(obj, { a: 0 })).toBe('expected a value ≥ 1, got 0');
    expect(issue(obj, { a: 1, d: 1 })).toBe('expected a value < 1, got 1');
    expect(issue(obj, { a: 1, d: 0 })).toBe('expected a value > 0, got 0');
    expect(issue(obj, { a: 1, b: [1, 2, 3, 4] })).toBe('expected at most 3 entries');
    expect(issue(obj, { a: 1, b: [1] })).toBe('expected at least 2 entries');
    expect(issue(obj, { a: 1, c: 'z' })).toBe('expected one of "x", "y", got "z"');
    expect(issue(obj, { a: 1, e: 'abc' })).toMatch(/^Invalid string: must match pattern .*, got "abc"$/);
    expect(issue(z.object({ a: z.number() }), { a: Infinity })).toBe('expected number, got Infinity');
    expect(issue(z.object({ a: z.number() }), { a: 'y'.repeat(80) })).toBe(`expected number, got "${'y'.repeat(59)}`);
    expect(issue(designSchema, { type: 'grid' })).toMatch(/^expected .*, got "grid"$/);
  });

  it('name a missing value "nothing" at a path through a non-object', () => {
    expect(issue(z.object({ a: z.object({ b: z.number() }) }), { a: 3 })).toBe('expected object, got 3');
    expect(issue(z.custom<number>(() => false, 'no good'), 5)).toBe('no good, got 5');
    expect(issue(z.object({ a: z.custom<number>(() => false, 'bad') }), {})).toBe('bad');
  });
});

describe('designs', () => {
  it('factorial: every combination in nested-loop order, with one value lists and three lists', () => {
    expect(factorial([[1], [2], [3]])).toEqual([[1, 2, 3]]);
    expect(factorial([['a', 'b'], [true], [1, 2]])).toEqual([
      ['a', true, 1], ['a', true, 2], ['b', true, 1], ['b', true, 2],
    ]);
    expect(factorial([[1, 2], []])).toEqual([]);
  });

  it('scale maps the unit interval onto the bounds, rounding only integer ones', () => {
    expect(scale(0.25, { min: 2, max: 6, integer: false })).toBe(3);
    expect(scale(0.3, { min: 0, max: 10, integer: true })).toBe(3);
    expect(scale(0.36, { min: 0, max: 10, integer: true })).toBe(4);
    expect(scale(0.36, { min: 0, max: 10, integer: false })).toBeCloseTo(3.6, 14);
    expect(scale(1, { min: -4, max: -2, integer: false })).toBe(-2);
  });

  it('the design stream is alea seeded with the kind and the seed', async () => {
    const seedrandom = (await import('seedrandom')).default;
    const a = designStream('lhs', 12);
    const b = seedrandom.alea('urd-design:lhs:12');
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('latin hypercube: the points a naive Fisher-Yates with the same draws gives', () => {
    const bounds: Bounds[] = [{ min: 0, max: 10, integer: false }, { min: 1, max: 2, integer: false }];
    const n = 6;
    const got = latinHypercube(bounds, n, designStream('lhs', 4));
    // Replay the draws: per parameter, a shuffle from the end (j = floor(u·(i+1))), then one draw per point.
    const rand = designStream('lhs', 4);
    const expected: number[][] = Array.from({ length: n }, () => []);
    for (const b of bounds) {
      const perm = [0, 1, 2, 3, 4, 5];
      for (let i = n - 1; i >= 1; i--) {
        const j = Math.floor(rand() * (i + 1));
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      for (let i = 0; i < n; i++) expected[i].push(b.min + ((perm[i] + rand()) / n) * (b.max - b.min));
    }
    expect(got).toEqual(expected);
    // A permutation of the strata: each used once.
    expect(got.map((p) => Math.floor(p[0])).sort()).not.toEqual([0, 0, 0, 0, 0, 0]);
    expect(latinHypercube(bounds, 1, designStream('lhs', 1))[0][0]).toBeLessThan(10);
  });

  it('morris: the trajectories a naive replay of the same draws gives, and its refusals', () => {
    const bounds: Bounds[] = [{ min: 0, max: 1, integer: false }, { min: 10, max: 20, integer: false }, { min: 0, max: 6, integer: true }];
    const levels = 4;
    const { points, plan } = morrisDesign(bounds, 3, levels, designStream('morris', 8));
    expect(plan.levels).toBe(4);
    expect(plan.delta).toBe(4 / 6);
    const rand = designStream('morris', 8);
    const expected: number[][] = [];
    for (let t = 0; t < 3; t++) {
      const base = bounds.map(() => Math.floor(rand() * 2));
      const signs = bounds.map(() => (rand() < 0.5 ? 1 : -1));
      const order = [0, 1, 2];
      for (let i = 2; i >= 1; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const level = base.map((j, i) => (signs[i] === 1 ? j : j + 2));
      const at = () => level.map((l, i) => {
        const v = bounds[i].min + (l / 3) * (bounds[i].max - bounds[i].min);
        return bounds[i].integer ? Math.round(v) : v;
      });
      expected.push(at());
      expect(plan.trajectories[t]).toEqual(order.map((i) => ({ factor: i, sign: signs[i] })));
      for (const i of order) {
        level[i] += signs[i] * 2;
        expected.push(at());
      }
    }
    expect(points).toEqual(expected);
    expect(() => morrisDesign(bounds, 1, 3, designStream('morris', 1))).toThrow('levels must be an even number ≥ 2, got 3');
    expect(() => morrisDesign(bounds, 1, 0, designStream('morris', 1))).toThrow('levels must be an even number ≥ 2, got 0');
    expect(morrisDesign(bounds, 1, 2, designStream('morris', 1)).plan.delta).toBe(1);
  });

  it('morris indices: μ, μ*, σ and n of effects worked out by hand', () => {
    // Two factors, two trajectories: points 0-2 and 3-5; Δ = 0.5.
    const plan: MorrisPlan = {
      levels: 2,
      delta: 0.5,
      trajectories: [
        [{ factor: 1, sign: 1 }, { factor: 0, sign: -1 }],
        [{ factor: 0, sign: 1 }, { factor: 1, sign: -1 }],
      ],
    };
    const y = [1, 3, 2, 10, 14, 13];
    // factor 1: +(3−1)/0.5 = 4 and −(13−14)/0.5 = 2; factor 0: −(2−3)/0.5 = 2 and +(14−10)/0.5 = 8.
    const idx = morrisIndices(plan, 2, y);
    expect(idx[0]).toEqual({ factor: 0, mu: 5, muStar: 5, sigma: Math.sqrt(18), n: 2 });
    expect(idx[1]).toEqual({ factor: 1, mu: 3, muStar: 3, sigma: Math.SQRT2, n: 2 });
    // Signs cancel in μ, not in μ*; one effect leaves σ undefined; none leaves μ undefined.
    const idx2 = morrisIndices(plan, 2, [0, -1, 0, NaN, 1, 1]);
    // factor 1: −2 and −(1−1)/0.5 = 0; factor 0: −(0−(−1))/0.5 = −2 only (the other uses the NaN).
    expect(idx2[1]).toEqual({ factor: 1, mu: -1, muStar: 1, sigma: Math.SQRT2, n: 2 });
    expect(idx2[0]).toMatchObject({ mu: -2, muStar: 2, n: 1 });
    expect(idx2[0].sigma).toBeNaN();
    const idx3 = morrisIndices(plan, 2, [0, 1, 0, 5, 6, 5]);
    expect(idx3[0]).toEqual({ factor: 0, mu: 2, muStar: 2, sigma: 0, n: 2 });
    expect(idx3[1]).toEqual({ factor: 1, mu: 2, muStar: 2, sigma: 0, n: 2 });
    const mixed = morrisIndices(plan, 2, [0, 1, 0, 0, 0, 1]);
    // factor 1: +2 and −2: μ 0, μ* 2, σ = √8.
    expect(mixed[1]).toEqual({ factor: 1, mu: 0, muStar: 2, sigma: Math.sqrt(8), n: 2 });
    // Three effects 1, 2, 6 of one factor: μ = 3, σ = √((4 + 1 + 9) / 2) = √7 (n − 1 = 2).
    const three: MorrisPlan = { levels: 2, delta: 1, trajectories: [[{ factor: 0, sign: 1 }], [{ factor: 0, sign: 1 }], [{ factor: 0, sign: -1 }]] };
    expect(morrisIndices(three, 1, [0, 1, 0, 2, 6, 0])).toEqual([{ factor: 0, mu: 3, muStar: 3, sigma: Math.sqrt(7), n: 3 }]);
    const none = morrisIndices(plan, 3, [NaN, NaN, NaN, NaN, NaN, NaN]);
    expect(none[2].n).toBe(0);
    expect(none[2].mu).toBeNaN();
    expect(none[2].muStar).toBeNaN();
  });
});

describe('kept metrics', () => {
  it('read each field of a summary, missing and non-finite values as null', () => {
    const s = handSummary();
    const expected: Record<string, number | string | null> = {
      verdict: 'narrowed',
      recent: 'flat',
      gap_final: 1.25,
      gap_change: -0.25,
      overshoot: 0,
      hollowing: 1,
      beta_disagrees: 0,
      sigma_disagrees: 1,
      stages_against: 2,
      dpd_start_weighted_final: 1.1,
      waste_share: 0.125,
      budget_cut: 7,
      dpd_initial: 1.5,
      dpd_final: 1.25,
      dpd_change: -0.25,
      dpd_peak: 1.75,
      dpd_peak_tick: 2,
      halving_tick: null,
      trend_slope: -0.03,
      trend_slope_se: 0.01,
      beta: -0.2,
      beta_se: 0.05,
      beta_half_life: null,
      rural_share: 0.42,
      tipping_events: 5,
      overspend_events: 2,
      spending_total: 7.5,
    };
    expect(Object.keys(RUN_METRICS).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, v] of Object.entries(expected)) expect(metricValue(s, name), name).toBe(v);
    expect(metricValue(s, 'final.gini')).toBe(0.31);
    expect(metricValue(s, 'final.theil')).toBeNull();
    expect(metricValue(s, 'final.nothing')).toBeNull();
    expect(metricValue(s, 'spending.talent')).toBe(4.5);
    expect(metricValue(s, 'spending.rights')).toBeNull();
    expect(metricValue(s, 'gini')).toBeNull();
    expect(metricValue(s, 'xfinal.gini')).toBeNull();
    const other = { ...s, gap: { ...s.gap, qualifiers: [{ id: 'overshoot' }, { id: 'beta-disagrees' }] } } as RunSummary;
    expect([metricValue(other, 'overshoot'), metricValue(other, 'beta_disagrees'), metricValue(other, 'hollowing'), metricValue(other, 'stages_against')]).toEqual([1, 1, 0, 0]);
  });

  it('accept known names and explain unknown ones', () => {
    const finals = ['gini', 'theil'];
    expect(checkMetricName('dpd_final', finals)).toBeNull();
    expect(checkMetricName('final.gini', finals)).toBeNull();
    expect(checkMetricName(`spending.${LEVERS[0]}`, finals)).toBeNull();
    expect(checkMetricName('spending.nothing', finals)).not.toBeNull();
    expect(checkMetricName('final.rent', finals)).not.toBeNull();
    expect(checkMetricName('xfinal.gini', finals)).not.toBeNull();
    expect(checkMetricName('xspending.capital', finals)).not.toBeNull();
    expect(checkMetricName('final.', finals)).not.toBeNull();
    // Six characters that are not "final." before a final metric's name do not make one.
    expect(checkMetricName('notes.gini', finals)).not.toBeNull();
    expect(checkMetricName('dpd', finals)).toBe(
      `unknown metric "dpd"; expected one of ${Object.keys(RUN_METRICS).join(', ')}, spending.<${LEVERS.join('|')}> or final.<gini|theil>`,
    );
  });
});
