import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { ensureDir, OutputError, PARTIAL_SUFFIX, writeFileAtomic } from '../io/atomic.ts';
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
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    if (doc.format === 'urd-calibration/1' && typeof doc.file === 'string' && Array.isArray(doc.commandSet)) return { file: doc.file, set: doc.commandSet };
  } catch {
    // reported below
  }
  throw new InputError(path, null, null, 'expected the plan.json urd calibrate writes');
}

/**
 * Writes a file that several shards may write at the same moment with the same bytes: each
 * writes its own temporary file and renames it over the target, so no rename breaks another.
 */
function writeShared(path: string, text: string): void {
  ensureDir(dirname(path));
  const temp = `${path}.${process.pid}-${threadId}${PARTIAL_SUFFIX}`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new OutputError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/**
 * Creates the calibration folder with its plan.json, or checks that an existing one holds this
 * very calibration. A folder holding anything else is refused, never overwritten.
 */
export function openCalibrationDir(dir: string, plan: CalibrationPlan): void {
  const path = join(dir, CALIBRATION_FILES.plan);
  const text = planText(plan);
  if (existsSync(path)) {
    if (readFileSync(path, 'utf8') !== text) {
      throw new InputError(dir, null, null, `holds a different calibration: its ${CALIBRATION_FILES.plan} does not match what ${plan.file} resolves to now (the calibration, its scenario or its observed data changed); use another --out, or remove the folder`);
    }
    return;
  }
  const foreign = existsSync(dir) ? readdirSync(dir).filter((f) => f !== CALIBRATION_FILES.evaluations && !f.startsWith(CALIBRATION_FILES.plan)) : [];
  if (foreign.length > 0) {
    throw new InputError(dir, null, null, `is not a calibration folder (no ${CALIBRATION_FILES.plan}) and holds other files (${foreign.slice(0, 3).join(', ')}); expected a new or empty folder`);
  }
  writeShared(path, text);
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
    const rec = JSON.parse(readFileSync(path, 'utf8'), revive) as { u: number[]; sims: Sims };
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
    const pop = JSON.parse(readFileSync(populationPath(dir, t), 'utf8'), revive) as Population;
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
