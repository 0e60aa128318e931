import { InputError } from '../scenario/load.ts';

/** Which part of a sweep a process runs: shard `index` (from 0) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Environment variables that carry a cluster task's index, in the order they are looked at. */
export const SHARD_INDEX_VARIABLES = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX'] as const;

/**
 * Parses `--shard I/N` (I from 0 to N−1) or `--shard auto/N`, where the index comes from
 * SLURM_ARRAY_TASK_ID (a Slurm job array, `--array=0-(N-1)`) or JOB_COMPLETION_INDEX (a
 * Kubernetes Indexed Job). Indices start at 0 because both schedulers' indices can: a Slurm
 * array is declared from 0 and Kubernetes completion indices always are.
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const m = /^(\d+|auto)\/(\d+)$/.exec(text.trim());
  const bad = (why: string): never => {
    throw new InputError('urd sweep', '--shard', null, why);
  };
  if (!m) return bad(`expected I/N (shard I of N, I from 0) or auto/N, got "${text}"`);
  const count = Number(m[2]);
  if (count < 1) bad(`expected N ≥ 1, got ${count}`);
  let index: number;
  if (m[1] === 'auto') {
    const name = SHARD_INDEX_VARIABLES.find((v) => env[v] !== undefined && env[v] !== '');
    if (!name) return bad(`auto needs ${SHARD_INDEX_VARIABLES.join(' or ')} to be set (a Slurm job array or a Kubernetes Indexed Job)`);
    const value = env[name] as string;
    if (!/^\d+$/.test(value)) return bad(`${name} is "${value}"; expected a whole number`);
    index = Number(value);
    if (index >= count) bad(`${name}=${index} but there are only ${count} shards (0..${count - 1}); declare the array as 0-${count - 1}`);
  } else {
    index = Number(m[1]);
    if (index >= count) bad(`shard ${index} does not exist; expected 0..${count - 1} (shards count from 0)`);
  }
  return { index, count };
}

/** True when run `run` belongs to the shard: runs are dealt round-robin, so every shard gets a mix of points. */
export function inShard(run: number, shard: Shard | null): boolean {
  return shard === null || run % shard.count === shard.index;
}
