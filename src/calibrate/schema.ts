import { z } from 'zod';
import { intParam, param } from '../scenario/param.ts';

/** Hard limits of a calibration, checked before any run starts. */
export const CALIBRATION_LIMITS = {
  maxParameters: 20,
  maxSeeds: 1000,
  maxBudget: 10_000_000,
  maxParticles: 100_000,
  maxObservedRows: 1_000_000,
} as const;

/** Priors a parameter may have; each is truncated to the parameter's bounds. */
export const PRIORS = ['uniform', 'log-uniform', 'normal'] as const;
/** One of {@link PRIORS}. */
export type PriorKind = (typeof PRIORS)[number];

/** One free parameter: a scenario field path's bounds and prior. */
export const parameterSpec = z.strictObject({
  min: z.number().meta({ description: 'Lower bound (inclusive)' }),
  max: z.number().meta({ description: 'Upper bound (inclusive)' }),
  prior: z.enum(PRIORS).default('uniform').meta({ description: 'uniform, log-uniform (needs min > 0) or normal (needs mean and sd), truncated to [min, max]' }),
  mean: z.number().optional().meta({ description: 'Mean of a normal prior' }),
  sd: z.number().positive().optional().meta({ description: 'Standard deviation of a normal prior' }),
  integer: z.boolean().default(false).meta({ description: 'Round to a whole number before the run (ticks, counts)' }),
});

/** How an observed metric is read from the model: `level>=k` or a metric of metrics.csv, times `scale`. */
const mappingSpec = z.union([
  z.string().min(1),
  z.strictObject({
    model: z.string().min(1).meta({ description: 'A metric of metrics.csv, or level>=k: the share of residents at divide level k or above' }),
    scale: z.number().positive().default(1).meta({ description: 'Observed value = scale × model value (100 for percentages)' }),
  }),
]);

const seriesSpec = z.strictObject({
  scope: z.string().min(1).meta({ description: 'Scope as in the observed file (urban, rural, all, ring:k, or a name mapped under observed.scopes)' }),
  metric: z.string().min(1).meta({ description: 'Metric as named in the observed file' }),
  weight: param(1, 0, 1e6, 'weight', 'Weight of the series in the distance'),
});

const methodSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('abc-smc'),
    particles: intParam(100, 4, CALIBRATION_LIMITS.maxParticles, 'particles', 'Particles kept in each population'),
    acceptance: param(0.5, 0.01, 1, 'share', 'Share of each population\'s candidates kept (the tolerance is the distance of the last one kept)'),
  }),
  z.strictObject({
    type: z.literal('optimize'),
    algorithm: z.enum(['nelder-mead']).default('nelder-mead'),
  }),
]);

/** The calibration file (after `extends`). Parameters and observed names are checked one by one afterwards. */
export const calibrationSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore').optional(),
  title: z.string().default(''),
  description: z.string().default(''),
  scenario: z.string().min(1).meta({ description: 'Base scenario, relative to the calibration file' }),
  set: z.record(z.string().min(1), z.unknown()).default({}).meta({ description: 'Fixed overrides of the base scenario, like --set' }),
  seed: intParam(1, 0, 2 ** 32 - 1, 'integer', 'Calibration seed: the run seeds and the sampler\'s stream derive from it'),
  seeds: intParam(2, 1, CALIBRATION_LIMITS.maxSeeds, 'runs per evaluation', 'Seeds per evaluation, the same for every candidate (common random numbers)'),
  observed: z.strictObject({
    file: z.string().min(1).meta({ description: 'Tidy CSV tick,scope,metric,value[,sd][,year], relative to the calibration file' }),
    metrics: z.record(z.string().min(1), mappingSpec).default({}).meta({ description: 'Observed metric name: model metric (or level>=k), when names differ' }),
    scopes: z.record(z.string().min(1), z.string().min(1)).default({}).meta({ description: 'Observed scope name: model scope (urban, rural, all, ring:k)' }),
  }),
  parameters: z.record(z.string().min(1), z.unknown()).meta({ description: 'Scenario field paths to fit: { min, max, prior }' }),
  fit: z
    .strictObject({
      series: z.array(seriesSpec).min(1).optional().meta({ description: 'Series that count (default: every scope and metric of the observed file)' }),
      distance: z.enum(['rmse', 'sd-weighted']).optional().meta({ description: 'rmse, or sd-weighted (residuals divided by the observed sd); default sd-weighted when the file has sd' }),
      holdOut: intParam(0, 0, 10_000, 'ticks', 'The last K observed ticks are kept out of the fit, for validation'),
    })
    .default({ holdOut: 0 }),
  method: methodSchema.default({ type: 'abc-smc', particles: 100, acceptance: 0.5 }),
  budget: intParam(2000, 1, CALIBRATION_LIMITS.maxBudget, 'model runs', 'Model runs the calibration may use (evaluations × seeds)'),
});

/** The method block, resolved: abc-smc with its particles and acceptance, or optimize. */
export type Method = z.infer<typeof calibrationSchema>['method'];
