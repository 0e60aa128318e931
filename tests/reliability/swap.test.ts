import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openSweepDir } from '../../src/experiments/sweep.ts';
import { loadExperiment } from '../../src/experiments/load.ts';
import { commitStaged, prepareOutput, settleSwap, SWAP_STEPS, type SwapStep } from '../../src/io/outputFolder.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { SMALL, writeExperiment } from '../experiments/helpers.ts';
import { tempDir, urd } from './helpers.ts';

/**
 * The --force swap is a sequence of renames (Node has no atomic exchange of folders). A crash
 * is played after every step of it, and in the middle of deleting the old result; then the
 * next command that touches the folder must find exactly the old or exactly the new result at
 * its path, with nothing left beside it, and say in one line what it did.
 */
const scratch = tempDir('urd-swap-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const scenario = (seed: number) => scenarioSchema.parse({ name: 'swap', seed, ticks: 3, world: { residents: 120 } });

/** Every file under `dir` with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      if (n.isDirectory()) walk(join(d, n.name), `${prefix}${n.name}/`);
      else out[prefix + n.name] = readFileSync(join(d, n.name), 'latin1');
    }
  };
  walk(dir, '');
  return out;
}

/** A complete old run at `dir` and a complete replacement staged beside it; their snapshots. */
function stage(dir: string, withOld = true): { old: Record<string, string> | null; fresh: Record<string, string>; staging: string } {
  if (withOld) runScenario(scenario(1), { dir });
  const old = withOld ? snapshot(dir) : null;
  // A comparison is always staged, even into a new folder.
  const target = prepareOutput(dir, withOld ? 'run' : 'comparison', true);
  expect(target.staged).toBe(true);
  runScenario(scenario(2), { dir: target.writeTo });
  const fresh = snapshot(target.writeTo);
  delete fresh['.urd-staging'];
  return { old, fresh, staging: target.writeTo };
}

/** Plays a crash right after `step` of the swap (at 'in', also half-way through deleting the old result). */
function crashAfter(staging: string, at: SwapStep, halfDeleted = false): void {
  expect(() =>
    commitStaged(staging, (step) => {
      if (step !== at) return;
      if (halfDeleted) rmSync(join(`${staging.replace(/\.urd-new$/, '')}.urd-old`, 'metrics.csv'));
      throw new Error(`crash after ${step}`);
    }),
  ).toThrow(`crash after ${at}`);
}

/** Only the folder itself is left: no DIR.urd-old, no DIR.urd-new. */
function alone(dir: string): void {
  expect(readdirSync(scratch).filter((n) => n.startsWith(`${dir.split('/').pop()}.`))).toEqual([]);
}

/** Settles `dir` as the next command would; returns what it said on stderr, line by line. */
function settled(dir: string): string[] {
  let text = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  try {
    settleSwap(dir);
  } finally {
    spy.mockRestore();
  }
  return text.split('\n').filter(Boolean);
}

describe('a --force swap crashed at any step leaves the old or the new result, never neither, never both mixed', () => {
  for (const at of SWAP_STEPS) {
    for (const halfDeleted of at === 'in' ? [false, true] : [false]) {
      it(`crash after "${at}"${halfDeleted ? ' with the old result half-deleted' : ''}: the next command finds the new result whole`, () => {
        const dir = join(scratch, `after-${at}${halfDeleted ? '-half' : ''}`);
        const { fresh, staging } = stage(dir);
        crashAfter(staging, at, halfDeleted);
        // Only between "aside" and "in" is the path empty; at every other moment it holds a complete result.
        if (at !== 'aside') expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
        const said = settled(dir);
        expect(snapshot(dir)).toEqual(fresh);
        alone(dir);
        // One line when something was put right; nothing when the crash came after the old result was gone.
        expect(said).toEqual(at === 'old-removed' || at === 'done' ? [] : [`urd: ${dir}: finished its interrupted replacement: it holds the new result (the old one is deleted)`]);
      });
    }
  }

  it('a crash before the swap begins (the replacement complete, not yet marked ready) leaves the old result, and the replacement is kept', () => {
    const dir = join(scratch, 'before');
    const { old, staging } = stage(dir);
    expect(settleSwap(dir)).toBe(false);
    expect(snapshot(dir)).toEqual(old);
    expect(existsSync(join(staging, 'summary.json'))).toBe(true);
    expect(() => prepareOutput(dir, 'run', true)).toThrow(/holds a replacement of .* not yet swapped in; finish it with urd run --resume/);
  });

  it('an old result set aside with no ready replacement (removed by hand) is put back, with one line', () => {
    const dir = join(scratch, 'restore');
    const { old, staging } = stage(dir);
    crashAfter(staging, 'aside');
    rmSync(staging, { recursive: true });
    const said = settled(dir);
    expect(snapshot(dir)).toEqual(old);
    alone(dir);
    expect(said).toEqual([`urd: ${dir}: restored the previous result (its replacement had been interrupted before it was complete)`]);
  });

  it('a replacement of a folder that did not exist (a first comparison) crashed before it moved in is moved in', () => {
    const dir = join(scratch, 'first');
    const { fresh, staging } = stage(dir, false);
    crashAfter(staging, 'ready');
    expect(existsSync(dir)).toBe(false);
    expect(settled(dir)).toEqual([`urd: ${dir}: finished its interrupted replacement: it holds the new result`]);
    expect(snapshot(dir)).toEqual(fresh);
    alone(dir);
  });

  it('folders beside DIR changed by hand since the crash are refused, not guessed at', () => {
    const dir = join(scratch, 'edited');
    const { old, staging } = stage(dir);
    crashAfter(staging, 'aside');
    runScenario(scenario(3), { dir }); // the user made a new DIR meanwhile
    const mine = snapshot(dir);
    expect(() => settleSwap(dir)).toThrow(/a replacement of it was interrupted and the folders beside it .* were changed since/);
    expect(snapshot(dir)).toEqual(mine);
    expect(snapshot(`${dir}.urd-old`)).toEqual(old);
  });
});

describe('every command that touches the folder settles an interrupted swap first', () => {
  /** The worst moment: the old result renamed aside, the new one not yet in. */
  function worst(name: string): { dir: string; fresh: Record<string, string> } {
    const dir = join(scratch, name);
    const { fresh, staging } = stage(dir);
    crashAfter(staging, 'aside');
    expect(existsSync(dir)).toBe(false);
    return { dir, fresh };
  }

  it('urd run --out DIR (and compare, demo: prepareOutput), urd sweep --out DIR (openSweepDir)', () => {
    const run = worst('entry-run');
    // As the user may type it: with a trailing slash.
    expect(() => prepareOutput(`${run.dir}/`, 'run')).toThrow(/holds a complete run/);
    expect(snapshot(run.dir)).toEqual(run.fresh);
    alone(run.dir);
    const cmp = worst('entry-compare');
    expect(() => prepareOutput(cmp.dir, 'comparison')).toThrow(/not an urd comparison folder/);
    expect(snapshot(cmp.dir)).toEqual(cmp.fresh);
    const sweep = worst('entry-sweep');
    const plan = loadExperiment(writeExperiment(scratch, SMALL));
    expect(() => openSweepDir(sweep.dir, plan)).toThrow(/is not a sweep folder/);
    expect(snapshot(sweep.dir)).toEqual(sweep.fresh);
  });

  it('urd report DIR and urd run --resume DIR.urd-new, through the CLI: one line, exit codes as for a finished folder', () => {
    const report = worst('entry-report');
    const r = urd(['report', '--quiet', report.dir], { report: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toEqual([`urd: ${report.dir}: finished its interrupted replacement: it holds the new result (the old one is deleted)`]);
    expect(existsSync(join(report.dir, 'report.html'))).toBe(true);
    alone(report.dir);
    const resume = worst('entry-resume');
    const s = urd(['run', '--resume', `${resume.dir}.urd-new`, '--quiet']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout.trim()).toBe(resume.dir);
    expect(s.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(snapshot(resume.dir)).toEqual(resume.fresh);
    alone(resume.dir);
  }, 60_000);
});
