import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; tests and child processes run from it. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** The CLI entry point. */
export const URD = join(ROOT, 'bin', 'urd.mjs');

/** A fresh temporary folder. */
export function tempDir(prefix = 'urd-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Result of one CLI call. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of CLI children: no colour, and no report.html unless a test asks for one
 * (`report: true`), since rendering charts would triple the time of most end-to-end tests.
 */
function childEnv(report: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  if (report) delete env.URD_NO_REPORT;
  else env.URD_NO_REPORT = '1';
  return env;
}

/** Runs `node bin/urd.mjs ARGS` to completion, as a user would. */
export function urd(args: string[], options: { cwd?: string; timeout?: number; report?: boolean } = {}): CliResult {
  // SIGKILL at the timeout: a child blocked in a synchronous read (the hang a test is there to catch) may hold a SIGTERM handler that never runs.
  const r = spawnSync(process.execPath, [URD, ...args], { cwd: options.cwd ?? ROOT, encoding: 'utf8', timeout: options.timeout ?? 60_000, killSignal: 'SIGKILL', env: childEnv(options.report ?? false) });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `node bin/urd.mjs ARGS` and returns the child (for killing it). */
export function urdChild(args: string[], options: { report?: boolean } = {}) {
  return spawn(process.execPath, [URD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(options.report ?? false) });
}

/** Whether this is a CI run (CI=true, as .ci/run sets), where no environment-dependent test may skip. */
export const STRICT = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/**
 * Whether the tests that need `what` must be skipped because `reason` (null: it is available).
 * Locally a missing facility skips its tests, saying why; under CI it is an error, so a runner
 * without chromium, Slurm or tmpfs cannot turn those tests green by not running them.
 */
export function skipUnavailable(what: string, reason: string | null, strict = STRICT): boolean {
  if (reason === null) return false;
  if (strict) throw new Error(`${what} cannot run (${reason}), and CI=true forbids skipping it`);
  console.warn(`${what} skipped: ${reason}`);
  return true;
}

/**
 * A test-size knob read from the environment (URD_KILLS, URD_PROPERTY_RUNS, ...): a whole number
 * of at least 1, or `fallback` when unset. Zero, negatives, fractions and words are refused,
 * since a knob at zero would let a test pass without checking anything.
 */
export function envCount(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < 1) {
    throw new Error(`${name}=${JSON.stringify(raw)}: expected a whole number of at least 1 (unset, it is ${fallback})`);
  }
  return Number(raw);
}

/** mulberry32: a small reproducible generator for tests that draw their own data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Four rings of 1, 2, 3 and 4 places (urban, urban, rural, rural): the small geography of hand-built metric worlds. */
export const TEN_PLACE_RINGS = [
  { label: 'core', count: 1, radius: 0, class: 'urban' },
  { label: 'suburbs', count: 2, radius: 1, class: 'urban' },
  { label: 'towns', count: 3, radius: 2, class: 'rural' },
  { label: 'villages', count: 4, radius: 3, class: 'rural' },
] as const;
