import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/experiments/load.ts';
import { mergeSweeps } from '../../src/experiments/merge.ts';
import { runSweep } from '../../src/experiments/sweep.ts';
import { readPlan } from '../../src/experiments/store.ts';
import { readCheckpointFile } from '../../src/io/checkpointFile.ts';
import { readRunFolder } from '../../src/report/read.ts';
import { inspectRunFolder } from '../../src/run/runScenario.ts';
import { InputError } from '../../src/scenario/load.ts';
import { tree, writeExperiment } from '../experiments/helpers.ts';
import { noStack, tempDir, urd } from './helpers.ts';

/**
 * Hand-made and hand-edited sweep folders: shards named through links, outputs that contain
 * their inputs, and sweep.json files edited by hand. Each must be refused with one line, and no
 * input may lose a file.
 */
const scratch = tempDir('urd-folders-');
let experiment = '';

beforeAll(async () => {
  const dir = join(scratch, 'exp');
  mkdirSync(dir);
  experiment = writeExperiment(
    dir,
    'name: tinysweep\nbase: tiny.yaml\nseed: 5\nreplications: 2\nperRunMetrics: true\nparameters:\n  talent.barrier: [0.3, 1.5]\nmetrics: [dpd_final]\n',
    'name: tiny\nseed: 1\nticks: 3\nworld: { residents: 200 }\n',
  );
  const plan = loadExperiment(experiment);
  for (const index of [0, 1]) await runSweep(plan, { dir: join(scratch, 'shards', `s${index}`), workers: 1, shard: { index, count: 2 } });
  await runSweep(plan, { dir: join(scratch, 'whole'), workers: 1 });
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function copyShards(name: string): string {
  const dir = join(scratch, name);
  cpSync(join(scratch, 'shards'), dir, { recursive: true });
  return dir;
}

describe('urd merge never deletes an input', () => {
  it('--out naming a shard through a link merges in place: no shard loses a file, the result equals a one-machine sweep', () => {
    const shards = copyShards('linked');
    const before = [tree(join(shards, 's0')), tree(join(shards, 's1'))];
    symlinkSync(join(shards, 's0'), join(scratch, 'link-to-s0'));
    mergeSweeps([join(shards, 's0'), join(shards, 's1')], join(scratch, 'link-to-s0'));
    for (const [k, v] of before[0]) expect(tree(join(shards, 's0')).get(k), k).toBe(v);
    expect(tree(join(shards, 's1'))).toEqual(before[1]);
    const merged = tree(join(shards, 's0'));
    for (const [k, v] of tree(join(scratch, 'whole'))) if (!k.startsWith('report')) expect(merged.get(k), k).toBe(v);
  });

  it('an --out that contains a shard, or lies inside one, is refused before anything is written', () => {
    const shards = copyShards('nested');
    const before = tree(shards);
    for (const out of [shards, join(shards, 's1', 'merged')]) {
      expect(() => mergeSweeps([join(shards, 's0'), join(shards, 's1')], out)).toThrow(InputError);
      expect(() => mergeSweeps([join(shards, 's0'), join(shards, 's1')], out)).toThrow(/(contains|lies inside) the shard folder/);
    }
    expect(tree(shards)).toEqual(before);
    expect(existsSync(join(shards, 's1', 'merged'))).toBe(false);
  });
});

/** A FIFO at `path` (a reader that opens it blocks until a writer comes: never, here). */
function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

describe('readers of run and sweep folders read regular files only, with a size cap', () => {
  const run = join(scratch, 'run');
  beforeAll(() => {
    expect(urd(['run', join(scratch, 'exp', 'tiny.yaml'), '--out', run, '--quiet']).code).toBe(0);
  }, 30_000);

  /** A copy of the finished run folder with one file replaced by `make(path)`. */
  function withFile(name: string, file: string, make: (path: string) => void): string {
    const dir = join(scratch, `run-${name}`);
    cpSync(run, dir, { recursive: true });
    rmSync(join(dir, file));
    make(join(dir, file));
    return dir;
  }

  it('a manifest.json, summary.json or metrics.csv that is a FIFO or /dev/zero is refused at once', () => {
    const cases: [string, () => unknown][] = [
      ['manifest FIFO (resume)', () => inspectRunFolder(withFile('m-fifo', 'manifest.json', fifo))],
      ['manifest /dev/zero (resume)', () => inspectRunFolder(withFile('m-zero', 'manifest.json', (p) => symlinkSync('/dev/zero', p)))],
      ['summary FIFO (report)', () => readRunFolder(withFile('s-fifo', 'summary.json', fifo))],
      ['metrics /dev/zero (report)', () => readRunFolder(withFile('c-zero', 'metrics.csv', (p) => symlinkSync('/dev/zero', p)))],
    ];
    for (const [what, read] of cases) {
      expect(read, what).toThrow(InputError);
      expect(read, what).toThrow(/not a regular file/);
    }
    expect(() => readCheckpointFile(fifo(join(scratch, 'checkpoint-fifo')))).toThrow(/not a regular file/);
  });

  it('a sweep.json that is a FIFO, /dev/zero or larger than the cap is refused at once', () => {
    const sweep = (name: string, make: (path: string) => void) => {
      const dir = join(scratch, `sweep-${name}`);
      mkdirSync(dir);
      make(join(dir, 'sweep.json'));
      return dir;
    };
    expect(() => readPlan(sweep('fifo', fifo))).toThrow(/not a regular file/);
    expect(() => readPlan(sweep('zero', (p) => symlinkSync('/dev/zero', p)))).toThrow(/not a regular file/);
    expect(() => readPlan(sweep('huge', (p) => writeFileSync(p, Buffer.alloc((64 << 20) + 1, 32))))).toThrow(/is \d+ bytes; expected at most/);
  });

  it('urd run --replay of a FIFO or /dev/zero: exit 2 at once, one line', () => {
    for (const source of [fifo(join(scratch, 'replay-fifo')), '/dev/zero']) {
      const r = urd(['run', join(scratch, 'exp', 'tiny.yaml'), '--replay', source, '--out', join(scratch, 'never'), '--quiet'], { timeout: 20_000 });
      expect(r.code, `${source}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/not a regular file/);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(noStack(r.stderr)).toBe(true);
    }
    expect(existsSync(join(scratch, 'never'))).toBe(false);
  });

  it('urd report and urd export never block on a FIFO in a folder they read (they used to read some files unchecked)', () => {
    const done = (r: ReturnType<typeof urd>, what: string) => {
      expect(r.code, `${what} did not finish: ${r.stderr}`).not.toBeNull();
      expect(noStack(r.stderr), what).toBe(true);
      return r;
    };
    // A sweep whose sweep.json is a FIFO: its report falls back to plain titles (the story is optional), at once.
    const sweep = join(scratch, 'report-fifo-sweep');
    cpSync(join(scratch, 'whole'), sweep, { recursive: true });
    rmSync(join(sweep, 'sweep.json'));
    fifo(join(sweep, 'sweep.json'));
    expect(done(urd(['report', '--quiet', sweep], { report: true, timeout: 30_000 }), 'report of a sweep').code).toBe(0);
    // A comparison whose compare.json is a FIFO: refused.
    const cmp = join(scratch, 'report-fifo-compare');
    const tiny = join(scratch, 'exp', 'tiny.yaml');
    const other = join(scratch, 'other.yaml');
    writeFileSync(other, 'name: other\nseed: 1\nticks: 3\nworld: { residents: 200 }\n');
    expect(urd(['compare', tiny, other, '--seeds', '1', '--out', cmp, '--quiet']).code).toBe(0);
    rmSync(join(cmp, 'compare.json'));
    fifo(join(cmp, 'compare.json'));
    const r = done(urd(['report', '--quiet', cmp], { report: true, timeout: 30_000 }), 'report of a comparison');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/compare\.json: is not a regular file/);
    // export of a run folder whose manifest.json is a FIFO, and export --out a FIFO: refused.
    const e = done(urd(['export', withFile('export-fifo', 'manifest.json', fifo), '--format', 'csv'], { timeout: 20_000 }), 'export');
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/manifest\.json: is not a regular file/);
    const o = done(urd(['export', run, '--format', 'csv', '--out', fifo(join(scratch, 'export-out-fifo'))], { timeout: 20_000 }), 'export --out');
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/is not a regular file/);
  }, 90_000);
});

describe('a hand-edited sweep.json is validated like any input', () => {
  /** A copy of the finished sweep with sweep.json edited by `edit`. */
  function edited(name: string, edit: (doc: Record<string, unknown>) => void): string {
    const dir = join(scratch, `edited-${name}`);
    cpSync(join(scratch, 'whole'), dir, { recursive: true });
    const doc = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    edit(doc);
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(doc));
    return dir;
  }

  it('replications 3e8 or -1, runs or seeds that disagree, points of the wrong width: refused, aggregate.csv untouched', () => {
    const cases: [string, (d: Record<string, unknown>) => void, RegExp][] = [
      ['replications: 3e8', (d) => (d.replications = 3e8), /replications: expected a value ≤ 10000/],
      ['replications: -1', (d) => (d.replications = -1), /replications: expected a value ≥ 1/],
      ['replications: 1 (runs disagree)', (d) => (d.replications = 1), /runs: expected 2 points × 1 replications = 2, got 4/],
      ['seeds edited', (d) => (d.seeds = [1, 2]), /seeds: expected the 2 seeds that seed 5 derives/],
      ['a point without values', (d) => ((d.points as { values: unknown[] }[])[1].values = []), /points\.1\.values: expected 1 values/],
      ['points: 1e9 entries claimed', (d) => (d.runs = 1e9), /runs: expected a value ≤ 1000000/],
    ];
    for (const [what, edit, expected] of cases) {
      const dir = edited(what.replace(/\W+/g, '-'), edit);
      expect(() => readPlan(dir), what).toThrow(InputError);
      expect(() => readPlan(dir), what).toThrow(expected);
    }
    // Through the CLI once: exit 2, one line, and the good aggregate.csv is not overwritten.
    const dir = edited('cli', (d) => (d.replications = -1));
    const before = readFileSync(join(dir, 'aggregate.csv'), 'utf8');
    const r = urd(['aggregate', dir]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(readFileSync(join(dir, 'aggregate.csv'), 'utf8')).toBe(before);
  }, 60_000);
});
