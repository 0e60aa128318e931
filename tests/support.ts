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
  const r = spawnSync(process.execPath, [URD, ...args], { cwd: options.cwd ?? ROOT, encoding: 'utf8', timeout: options.timeout ?? 60_000, env: childEnv(options.report ?? false) });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `node bin/urd.mjs ARGS` and returns the child (for killing it). */
export function urdChild(args: string[]) {
  return spawn(process.execPath, [URD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(false) });
}
