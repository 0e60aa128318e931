import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PARTIAL_SUFFIX, writeFileAtomic, writeShared } from '../io/atomic.ts';
import { MAX_META_BYTES, openPlannedFolder, readFolderJson } from '../io/outputFolder.ts';
import { readRegularFile } from '../io/readFile.ts';
import { InputError } from '../scenario/load.ts';
import type { Population } from './abc.ts';
import type { Sims } from './fit.ts';
import type { CalibrationPlan } from './load.ts';

/** The files of a calibration folder. */
export const CALIBRATION_FILES = {
  plan: 'plan.json',
  evaluations: 'evaluations',
  populations: 'populations',
  result: 'calibration.json',
  posterior: 'posterior.csv',
  fit: 'fit.csv',
  calibrated: 'calibrated.yaml',
} as const;

/**
 * plan.json's text: the resolved calibration (no clock, host, worker count or shard), so every
 * way of running it writes the same bytes and a folder is recognised as holding this very
 * calibration before it is continued.
 */
export function planText(plan: CalibrationPlan): string {
  return JSON.stringify({ format: 'urd-calibration/1', ...plan }, null, 1) + '\n';
}

/** Reads the calibration file path and the command line's --set arguments back from a folder's plan.json (for --resume). */
export function readPlanFile(dir: string): { file: string; set: string[] } {
  const path = join(dir, CALIBRATION_FILES.plan);
  if (!existsSync(path)) throw new InputError(dir, null, null, `not a calibration folder (no ${CALIBRATION_FILES.plan})`);
  const doc = readFolderJson(path, CALIBRATION_FILES.plan) as { format?: unknown; file?: unknown; commandSet?: unknown } | null;
  if (doc?.format === 'urd-calibration/1' && typeof doc.file === 'string' && Array.isArray(doc.commandSet) && doc.commandSet.every((a) => typeof a === 'string')) {
    return { file: doc.file, set: doc.commandSet };
  }
  throw new InputError(path, null, null, 'expected the plan.json urd calibrate writes');
}

/**
 * Creates the calibration folder with its plan.json, or checks that an existing one holds this
 * very calibration: a sweep folder's guarantees (links, `--out .`, foreign files refused).
 */
export function openCalibrationDir(dir: string, plan: CalibrationPlan): void {
  openPlannedFolder(dir, {
    kind: 'calibration',
    plan: CALIBRATION_FILES.plan,
    text: planText(plan),
    records: CALIBRATION_FILES.evaluations,
    mismatch: `does not match what ${plan.file} resolves to now (the calibration, its scenario or its observed data changed)`,
  });
}

/** Path of one evaluation's record: evaluations/<batch>/<index>.json. */
export function evaluationPath(dir: string, batch: string, index: number): string {
  return join(dir, CALIBRATION_FILES.evaluations, batch, `${String(index).padStart(5, '0')}.json`);
}

/** Non-finite numbers are written as null by JSON; read back as NaN. */
const revive = (_: string, v: unknown) => (v === null ? NaN : v);

/** Writes an evaluation's record atomically: once it exists, the evaluation counts as done. */
export function writeEvaluation(path: string, u: readonly number[], sims: Sims): void {
  writeFileAtomic(path, JSON.stringify({ u, sims }) + '\n');
}

/** Reads an evaluation's record, or null when it is missing, unreadable or of another candidate. */
export function readEvaluation(path: string, u: readonly number[]): Sims | null {
  try {
    const rec = JSON.parse(readRegularFile(path, MAX_META_BYTES).toString('utf8'), revive) as { u: number[]; sims: Sims };
    return JSON.stringify(rec.u) === JSON.stringify(u) && Array.isArray(rec.sims) ? rec.sims : null;
  } catch {
    return null;
  }
}

function populationPath(dir: string, t: number): string {
  return join(dir, CALIBRATION_FILES.populations, `${String(t).padStart(3, '0')}.json`);
}

/** Writes a finished population (the per-population checkpoint), atomically. */
export function writePopulation(dir: string, pop: Population): void {
  writeShared(populationPath(dir, pop.t), JSON.stringify(pop) + '\n');
}

/** Reads a population checkpoint, or null when there is none (or it is unreadable: it is then recomputed from the records). */
export function readPopulation(dir: string, t: number): Population | null {
  try {
    const pop = JSON.parse(readRegularFile(populationPath(dir, t), MAX_META_BYTES).toString('utf8'), revive) as Population;
    if (pop.t !== t || !Array.isArray(pop.particles)) return null;
    const inf = (d: number) => (Number.isNaN(d) ? Infinity : d);
    pop.epsilon = inf(pop.epsilon);
    for (const p of pop.particles) p.distance = inf(p.distance);
    return pop;
  } catch {
    return null;
  }
}

/** Deletes leftover partial files of interrupted writers. */
export function removePartials(dir: string): void {
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(PARTIAL_SUFFIX)) rmSync(join(d, e.name), { force: true });
    }
  };
  walk(dir);
}
