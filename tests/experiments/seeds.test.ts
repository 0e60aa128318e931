import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { replicationSeed, replicationSeeds, runIndex } from '../../src/experiments/seeds.ts';
import { inShard, parseShard } from '../../src/experiments/shard.ts';

describe('run seeds', () => {
  it('follow the documented function: first 4 bytes of sha256("urd-sweep:<seed>:<r>"), big-endian', () => {
    const expected = (s: number, r: number) => parseInt(createHash('sha256').update(`urd-sweep:${s}:${r}`).digest('hex').slice(0, 8), 16);
    expect(replicationSeeds(2023, 4)).toEqual([0, 1, 2, 3].map((r) => expected(2023, r)));
  });

  it('are distinct across replications and re-drawn on a collision', () => {
    const seeds = replicationSeeds(1, 2000);
    expect(new Set(seeds).size).toBe(2000);
    const first = replicationSeed(7, 3, new Set());
    const redrawn = replicationSeed(7, 3, new Set([first]));
    expect(redrawn).not.toBe(first);
    expect(redrawn).toBe(createHash('sha256').update('urd-sweep:7:3:1').digest().readUInt32BE(0));
  });

  it('depend on the replication only, so every point shares them (common random numbers)', () => {
    // runIndex is point-major; the seed of run (p, r) is seeds[r] whatever p is.
    expect(runIndex(0, 2, 3)).toBe(2);
    expect(runIndex(4, 2, 3)).toBe(14);
    expect(replicationSeeds(9, 3)).toEqual(replicationSeeds(9, 5).slice(0, 3));
  });
});

describe('shards', () => {
  it('parse I/N from 0 and auto/N from the cluster variables', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '3' })).toEqual({ index: 3, count: 4 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '1' })).toEqual({ index: 1, count: 4 });
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '2', JOB_COMPLETION_INDEX: '1' })).toEqual({ index: 2, count: 4 });
  });

  it('refuse indices out of range, missing variables and bad syntax', () => {
    expect(() => parseShard('4/4')).toThrow(/expected 0\.\.3/);
    expect(() => parseShard('auto/4', {})).toThrow(/SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX/);
    expect(() => parseShard('auto/2', { SLURM_ARRAY_TASK_ID: '2' })).toThrow(/only 2 shards/);
    expect(() => parseShard('1-4')).toThrow(/expected I\/N/);
    expect(() => parseShard('0/0')).toThrow(/N ≥ 1/);
  });

  it('deal runs round-robin so the shards partition the runs', () => {
    const owners = Array.from({ length: 10 }, (_, run) => [0, 1, 2].filter((i) => inShard(run, { index: i, count: 3 })));
    expect(owners.every((o) => o.length === 1)).toBe(true);
    expect(owners.map((o) => o[0])).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  });
});
