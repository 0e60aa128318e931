import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { shellQuote } from '../experiments/load.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { csvLine } from '../io/csv.ts';
import { setPath } from '../scenario/load.ts';
import { effectiveSize } from './abc.ts';
import { candidateArgs, candidateScenario, type CalibrationPlan } from './load.ts';
import { toValue } from './priors.ts';
import { correlations, parameterSummaries, readingFacts, readingText, seriesFits, type ParameterSummary, type ReadingFact, type SeriesFit } from './reading.ts';
import type { Outcome } from './run.ts';
import { CALIBRATION_FILES } from './store.ts';

/** calibration.json: what a researcher reads first (and what report.html draws from, with the CSVs). */
export interface CalibrationResult {
  format: 'urd-calibration-result/1';
  name: string;
  title: string;
  method: CalibrationPlan['method'];
  distance: CalibrationPlan['distance'];
  budget: number;
  runsUsed: number;
  seeds: number[];
  holdOut: number;
  heldOutTicks: number[];
  best: { distance: number; values: Record<string, number> };
  parameters: ParameterSummary[];
  correlations: { a: string; b: string; r: number }[];
  series: Omit<SeriesFit, 'median' | 'lo90' | 'hi90' | 'best'>[];
  populations: { population: number; epsilon: number; candidates: number; ess: number }[];
  /** The reading in English, one sentence a finding. */
  reading: string[];
  /** The same findings as numbers, for the report in any language. */
  readingFacts: ReadingFact[];
  /** Reruns this calibration (from the folder it was started in). */
  rerun: string;
  /** Runs the best point alone, with the calibration's first seed. */
  runBest: string;
}

function bestValues(plan: CalibrationPlan, outcome: Outcome): number[] {
  return plan.parameters.map((p, i) => toValue(p, outcome.best.u[i]));
}

/**
 * The scenario that extends the base with the calibration's fixed overrides and the best
 * parameters. A path through a list (world.rings.2.access) writes the whole list as resolved,
 * since `extends` replaces lists rather than merging them.
 */
export function calibratedYaml(plan: CalibrationPlan, outcome: Outcome, dir: string): string {
  const values = bestValues(plan, outcome);
  const resolved = candidateScenario(plan, values) as unknown as Record<string, unknown>;
  const doc: Record<string, unknown> = { extends: relative(resolve(dir), resolve(plan.base)) };
  for (const arg of candidateArgs(plan, values)) {
    const keys = arg.slice(0, arg.indexOf('=')).split('.');
    const list = keys.findIndex((k) => /^\d+$/.test(k));
    const upTo = list >= 0 ? keys.slice(0, list) : keys;
    const value = upTo.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], resolved);
    setPath(doc, upTo.join('.'), structuredClone(value));
  }
  const header = `# Written by urd calibrate (${plan.name}): the base scenario with the calibration's fixed\n# overrides and its best parameters (distance ${outcome.best.distance}). Run it with: urd run ${join(dir, CALIBRATION_FILES.calibrated)}\n`;
  return header + stringify(doc);
}

/** Writes calibration.json, posterior.csv, fit.csv and calibrated.yaml (each atomically); returns the result. */
export function writeOutputs(plan: CalibrationPlan, outcome: Outcome, dir: string): CalibrationResult {
  const params = parameterSummaries(plan, outcome);
  const corr = correlations(plan, outcome);
  const fits = seriesFits(plan, outcome);
  const facts = readingFacts(plan, params, corr, fits);
  const values = bestValues(plan, outcome);
  const heldOutTicks = [...new Set(plan.series.flatMap((s) => s.ticks.filter((_, k) => s.heldOut[k])))].sort((a, b) => a - b);
  const result: CalibrationResult = {
    format: 'urd-calibration-result/1',
    name: plan.name,
    title: plan.title,
    method: plan.method,
    distance: plan.distance,
    budget: plan.budget,
    runsUsed: outcome.runsUsed,
    seeds: plan.seeds,
    holdOut: plan.holdOut,
    heldOutTicks,
    best: { distance: outcome.best.distance, values: Object.fromEntries(plan.parameters.map((p, i) => [p.path, values[i]])) },
    parameters: params,
    correlations: corr,
    series: fits.map(({ scope, metric, fitRmse, heldOutRmse, heldOutInBand }) => ({ scope, metric, fitRmse, heldOutRmse, heldOutInBand })),
    populations: outcome.populations.map((p) => ({ population: p.t, epsilon: p.epsilon, candidates: p.candidates, ess: effectiveSize(p.particles.map((q) => q.weight)) })),
    reading: readingText(facts),
    readingFacts: facts,
    rerun: ['urd', 'calibrate', plan.file, ...plan.commandSet.flatMap((a) => ['--set', a]), '--out', dir].map(shellQuote).join(' '),
    runBest: ['urd', 'run', plan.base, '--seed', String(plan.seeds[0]), ...candidateArgs(plan, values).flatMap((a) => ['--set', a])].map(shellQuote).join(' '),
  };
  writeFileAtomic(join(dir, CALIBRATION_FILES.result), JSON.stringify(result, null, 1) + '\n');
  writeFileAtomic(join(dir, CALIBRATION_FILES.posterior), posteriorCsv(plan, outcome));
  writeFileAtomic(join(dir, CALIBRATION_FILES.fit), fitCsv(plan, fits));
  writeFileAtomic(join(dir, CALIBRATION_FILES.calibrated), calibratedYaml(plan, outcome, dir));
  return result;
}

/**
 * posterior.csv: ABC-SMC, one row per particle of every population (`population` counts from 0;
 * the posterior is the last one), with its weight and distance; optimize, one row per
 * evaluation in the order the search made them.
 */
function posteriorCsv(plan: CalibrationPlan, outcome: Outcome): string {
  const names = plan.parameters.map((p) => p.path);
  const vals = (u: readonly number[]) => plan.parameters.map((p, i) => toValue(p, u[i]));
  if (outcome.populations.length > 0) {
    const rows = outcome.populations.flatMap((pop) => pop.particles.map((q, i) => csvLine([pop.t, i, ...vals(q.u), q.weight, q.distance])));
    return csvLine(['population', 'particle', ...names, 'weight', 'distance']) + rows.join('');
  }
  return csvLine(['step', ...names, 'distance']) + outcome.steps.map((s) => csvLine([s.step, ...vals(s.u), s.distance])).join('');
}

/** fit.csv: per series and observed tick, observed against the best point and the 90% predictive band. */
function fitCsv(plan: CalibrationPlan, fits: readonly SeriesFit[]): string {
  const rows = plan.series.flatMap((s, i) =>
    s.ticks.map((tick, k) => csvLine([s.scope, s.metric, tick, s.years[k] ?? 'NA', s.values[k], s.sds[k] ?? 'NA', s.heldOut[k], fits[i].best[k], fits[i].median[k], fits[i].lo90[k], fits[i].hi90[k]])),
  );
  return csvLine(['scope', 'metric', 'tick', 'year', 'observed', 'sd', 'held_out', 'best', 'median', 'lo90', 'hi90']) + rows.join('');
}
