import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { prepareOutput } from '../../src/io/outputFolder.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderDiff, noStack, tempDir, urd, urdChild } from './helpers.ts';

/**
 * Output folders: urd never loses a user's file. A folder that holds anything urd did not
 * write is refused, a complete result is replaced only with --force and then only once the new
 * one is complete, and nothing is written through a link planted in an output folder.
 */
const scratch = tempDir('urd-outputs-');
const SCENARIO = join(scratch, 'small.yaml');
const SLOW = join(scratch, 'slow.yaml');
const OTHER = join(scratch, 'other.yaml');

/** Every file under `dir` with its bytes, for "nothing changed" checks. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      if (n.isDirectory()) walk(join(d, n.name), `${prefix}${n.name}/`);
      else out[prefix + n.name] = n.isSymbolicLink() ? '<link>' : readFileSync(join(d, n.name), 'latin1');
    }
  };
  walk(dir, '');
  return out;
}

function oneLine(r: { stderr: string }): void {
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(noStack(r.stderr)).toBe(true);
}

beforeAll(() => {
  writeFileSync(SCENARIO, 'name: small\nseed: 3\nticks: 4\nworld: { residents: 300 }\n');
  writeFileSync(OTHER, 'name: other\nseed: 3\nticks: 4\nworld: { residents: 300 }\n');
  writeFileSync(SLOW, 'name: slow\nseed: 3\nticks: 300\nworld: { residents: 3000 }\n');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a folder that holds other files is refused, never overwritten', () => {
  it('urd run --out DIR with unrelated files named like urd outputs: exit 2, every file kept', () => {
    const dir = join(scratch, 'mine');
    mkdirSync(join(dir, 'charts'), { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), '{"my": "own manifest"}\n');
    writeFileSync(join(dir, 'metrics.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'report.html'), '<p>my report</p>');
    writeFileSync(join(dir, 'charts', 'dpd.png'), 'my picture');
    const before = snapshot(dir);
    const r = urd(['run', SCENARIO, '--out', dir, '--quiet']);
    expect(r.code).toBe(2);
    oneLine(r);
    expect(r.stderr).toMatch(/not the manifest of an urd run; urd never deletes files it did not write: choose a new or empty folder with --out/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a folder with a file urd does not know is refused too', () => {
    const dir = join(scratch, 'notes');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const r = urd(['run', SCENARIO, '--out', dir, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not an urd run folder: it holds notes\.txt/);
    expect(snapshot(dir)).toEqual({ 'notes.txt': 'keep me' });
  });

  it('--out ., --out / and --out "" are refused before anything is written', () => {
    for (const out of ['/', '..', ' ']) expect(() => prepareOutput(out, 'run'), out).toThrow(/--out: .*(working folder|root of the file system|empty string)/);
    const cwd = join(scratch, 'cwd');
    mkdirSync(cwd);
    writeFileSync(join(cwd, 'thesis.tex'), 'x');
    for (const out of ['.', '']) {
      const r = urd(['run', SCENARIO, '--out', out, '--quiet'], { cwd });
      expect(r.code, `--out '${out}': ${r.stderr}`).toBe(2);
      oneLine(r);
      expect(r.stderr).toMatch(/--out: .*(working folder|root of the file system|empty string)/);
    }
    expect(readdirSync(cwd)).toEqual(['thesis.tex']);
  });

  it('urd compare and urd demo refuse a folder with unrelated compare.csv and report.html', () => {
    const dir = join(scratch, 'cmp-mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'compare.csv'), 'my,table\n');
    writeFileSync(join(dir, 'report.html'), 'mine');
    writeFileSync(join(dir, 'draft.md'), 'mine');
    const before = snapshot(dir);
    for (const args of [['compare', SCENARIO, OTHER, '--seeds', '1'], ['demo', '--seeds', '1']]) {
      const r = urd([...args, '--out', dir, '--quiet']);
      expect(r.code, r.stderr).toBe(2);
      oneLine(r);
      expect(r.stderr).toMatch(/is not an urd comparison folder: it holds draft\.md/);
      expect(snapshot(dir)).toEqual(before);
    }
  });
});

describe('a complete result is replaced only with --force, and only once the new one is complete', () => {
  it('a second run into a complete run folder is refused; with --force a stopped run leaves the old result intact, and its resume swaps the new one in with no stale file', async () => {
    const dir = join(scratch, 'complete');
    expect(urd(['run', SCENARIO, '--out', dir, '--quiet']).code).toBe(0);
    // The old run's report, as urd report would leave it.
    mkdirSync(join(dir, 'charts'));
    writeFileSync(join(dir, 'report.html'), 'old report');
    writeFileSync(join(dir, 'charts', 'dpd.png'), 'old chart');
    const old = snapshot(dir);

    const refused = urd(['run', SCENARIO, '--out', dir, '--quiet', '--seed', '4']);
    expect(refused.code).toBe(2);
    oneLine(refused);
    expect(refused.stderr).toMatch(/holds a complete run; choose another --out, or add --force to replace it/);
    expect(snapshot(dir)).toEqual(old);

    // --force, stopped half-way: the old result stays as it was.
    const child = urdChild(['run', SLOW, '--out', dir, '--quiet', '--force']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const staging = `${dir}.urd-new`;
    for (let i = 0; i < 500 && !existsSync(join(staging, 'manifest.json')); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGTERM');
    expect(await exit, stderr).toBe(130);
    expect(stderr).toMatch(/continue it with urd run --resume .*complete\.urd-new \(it replaces .*complete once complete\)/);
    expect(snapshot(dir)).toEqual(old);

    const done = urd(['run', '--resume', staging, '--quiet']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout.trim()).toBe(dir);
    expect(existsSync(staging)).toBe(false);
    expect(existsSync(`${dir}.urd-old`)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['events.ndjson', 'manifest.json', 'metrics.csv', 'summary.json']);
    const reference = join(scratch, 'slow-reference');
    runScenario(loadScenario(SLOW), { dir: reference });
    expect(folderDiff(reference, dir)).toEqual([]);
  }, 120_000);

  it('a --force replacement complete but not yet swapped in (killed just before its swap) is kept, and --resume of DIR.urd-new swaps it in', () => {
    const dir = join(scratch, 'swap');
    expect(urd(['run', SCENARIO, '--out', dir, '--quiet']).code).toBe(0);
    const target = prepareOutput(dir, 'run', true);
    runScenario(loadScenario(OTHER), { dir: target.writeTo });
    const fresh = snapshot(target.writeTo);
    // A second --force now would throw the finished replacement away: refused instead.
    expect(() => prepareOutput(dir, 'run', true)).toThrow(/holds a replacement of .*swap that was stopped or not yet swapped in; finish it with urd run --resume/);
    const r = urd(['run', '--resume', target.writeTo, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(dir);
    const swapped = snapshot(dir);
    expect(swapped).toEqual(Object.fromEntries(Object.entries(fresh).filter(([k]) => k !== '.urd-staging')));
    expect(readdirSync(scratch).filter((n) => n.startsWith('swap.'))).toEqual([]);
  }, 60_000);

  it('a second comparison into a complete one is refused; --force replaces it whole', () => {
    const dir = join(scratch, 'cmp');
    expect(urd(['compare', SCENARIO, OTHER, '--seeds', '1', '--out', dir, '--quiet']).code).toBe(0);
    const old = snapshot(dir);
    const refused = urd(['compare', SCENARIO, OTHER, '--seeds', '2', '--out', dir, '--quiet']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/holds a complete comparison; choose another --out, or add --force/);
    expect(snapshot(dir)).toEqual(old);
    const forced = urd(['compare', SCENARIO, OTHER, '--seeds', '2', '--out', dir, '--quiet', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(join(dir, 'small')).sort()).toEqual(['seed-1', 'seed-2']);
    expect(readFileSync(join(dir, 'compare-runs.csv'), 'utf8')).toContain(join(dir, 'small', 'seed-2'));
    expect(readdirSync(scratch).filter((n) => n.startsWith('cmp.'))).toEqual([]);
  }, 60_000);
});

describe('SIGTERM and SIGINT stop a comparison cleanly', () => {
  // SIGINT takes the same path (one handler for both; urd run's SIGINT is tested in kill.test.ts).
  for (const signal of ['SIGTERM'] as const) {
    it(`${signal} during compare --force: exit 130, a line saying so, the old comparison as it was, no staging left`, async () => {
      const dir = join(scratch, `cmp-${signal}`);
      expect(urd(['compare', SCENARIO, OTHER, '--seeds', '1', '--out', dir, '--quiet']).code).toBe(0);
      const old = snapshot(dir);
      const slow2 = join(scratch, 'slow2.yaml');
      writeFileSync(slow2, readFileSync(SLOW, 'utf8').replace('name: slow', 'name: slow2'));
      const child = urdChild(['compare', SLOW, slow2, '--seeds', '3', '--out', dir, '--force', '--quiet']);
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      for (let i = 0; i < 500 && !existsSync(join(`${dir}.urd-new`, 'slow', 'seed-1', 'metrics.csv')); i++) await new Promise((r) => setTimeout(r, 10));
      child.kill(signal);
      expect(await exit, stderr).toBe(130);
      expect(stderr).toMatch(new RegExp(`urd: ${signal}: stopped after \\d of 6 runs; .*cmp-${signal} is as it was: run the command again`));
      expect(noStack(stderr)).toBe(true);
      expect(snapshot(dir)).toEqual(old);
      expect(existsSync(`${dir}.urd-new`)).toBe(false);
    }, 60_000);
  }
});

describe('links in an output folder are never written through', () => {
  it('a planted .partial link to a file outside: refused, the outside file untouched', () => {
    const dir = join(scratch, 'planted');
    const victim = join(scratch, 'victim.txt');
    writeFileSync(victim, 'precious');
    mkdirSync(dir);
    symlinkSync(victim, join(dir, 'metrics.csv.partial'));
    const r = urd(['run', SCENARIO, '--out', dir, '--quiet']);
    expect(r.code).toBe(2);
    oneLine(r);
    expect(r.stderr).toMatch(/metrics\.csv\.partial: is a symbolic link; urd never writes through links/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });
});
