import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urd, urdChild } from '../support.ts';
import { tempDir, treeDiff, writeExperiment } from './helpers.ts';

/** 6 points × 2 replications of runs slow enough (~0.1 s each) to be killed in the middle. */
const EXPERIMENT = `name: killable
base: tiny.yaml
seed: 3
replications: 2
parameters:
  talent.barrier: [0.2, 0.8, 1.4]
  diffusion.q: [0.2, 0.5]
metrics: [verdict, dpd_final, beta, final.gini]
`;
const BASE = 'name: tiny\nticks: 15\nworld: { residents: 4000 }\n';

let work: string;
let experiment: string;
let reference: string;

const records = (dir: string) => (existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')).filter((f) => /^\d+\.json$/.test(f)).length : 0);

/** Starts a sweep in a child process and sends it `signal` once `after` runs are recorded; resolves with its exit. */
function interrupt(dir: string, workers: number, signal: NodeJS.Signals, after: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; recorded: number }> {
  return new Promise((resolve, reject) => {
    const child = urdChild(['sweep', experiment, '--workers', String(workers), '--out', dir, '--quiet']);
    let recorded = 0;
    const poll = setInterval(() => {
      recorded = records(dir);
      if (recorded >= after) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      resolve({ code, signal: sig, recorded });
    });
  });
}

beforeAll(() => {
  work = tempDir();
  experiment = writeExperiment(work, EXPERIMENT, BASE);
  reference = join(work, 'uninterrupted');
  const r = urd(['sweep', experiment, '--workers', '1', '--out', reference, '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim()).toBe(reference);
}, 30_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('an interrupted sweep', () => {
  it('killed with SIGKILL mid-way and resumed, equals the uninterrupted sweep', async () => {
    const dir = join(work, 'killed');
    const killed = await interrupt(dir, 1, 'SIGKILL', 3);
    expect(killed.signal).toBe('SIGKILL');
    // Killed in the middle: some runs recorded, not all, and no finished runs.csv.
    expect(records(dir)).toBeGreaterThanOrEqual(3);
    expect(records(dir)).toBeLessThan(12);
    expect(existsSync(join(dir, 'runs.csv'))).toBe(false);
    const resumed = urd(['sweep', '--resume', dir, '--workers', '2', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/already done/);
    expect(treeDiff(reference, dir)).toEqual([]);
  }, 30_000);

  it('stopped with Ctrl-C exits 130, keeps its finished runs and resumes to the same files', async () => {
    const dir = join(work, 'interrupted');
    const stopped = await interrupt(dir, 2, 'SIGINT', 2);
    expect(stopped.code).toBe(130);
    expect(records(dir)).toBeLessThan(12);
    expect(existsSync(join(dir, 'runs.csv'))).toBe(false);
    const resumed = urd(['sweep', '--resume', dir, '--workers', '1', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(treeDiff(reference, dir)).toEqual([]);
  }, 30_000);

  it('resumed when already complete, does nothing and keeps the files', () => {
    const again = urd(['sweep', experiment, '--out', reference, '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0 run now, 12 already done/);
  }, 30_000);
});

describe('the sweep, merge and aggregate commands', () => {
  it('exit 2 with the file, field and line on bad input', () => {
    const dir = tempDir();
    const bad = writeExperiment(dir, 'base: tiny.yaml\nparameters:\n  talent.barrier: [0.5, -1]\n');
    const r = urd(['sweep', bad, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/experiment\.yaml:3: parameters\.talent\.barrier: expected a value ≥ 0, got -1/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(urd(['sweep', experiment, '--shard', '3/3']).code).toBe(2);
    expect(urd(['merge', reference, join(dir, 'x')]).stderr).toMatch(/--out/);
  }, 30_000);

  it('merge copies a complete folder to the same files, and aggregate rewrites the same aggregate.csv', () => {
    const dir = join(work, 'copy');
    expect(urd(['merge', reference, '--out', dir]).code).toBe(0);
    expect(urd(['aggregate', dir]).code).toBe(0);
    expect(treeDiff(reference, dir)).toEqual([]);
  }, 30_000);
});
