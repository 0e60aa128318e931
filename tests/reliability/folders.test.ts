import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/experiments/load.ts';
import { mergeSweeps } from '../../src/experiments/merge.ts';
import { runSweep } from '../../src/experiments/sweep.ts';
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
