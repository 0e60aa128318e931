import { createHash } from 'node:crypto';

/**
 * How a run's seed is derived, written into sweep.json so a results folder documents itself.
 * The point index is deliberately not an input: every point uses the same seed for replication
 * r (common random numbers), so differences between points are not blurred by seed noise.
 */
export const SEED_FUNCTION =
  'seed(r) = first 4 bytes, big-endian, of sha256("urd-sweep:<experiment seed>:<r>"), or of ' +
  'sha256("urd-sweep:<experiment seed>:<r>:<k>") with the smallest k ≥ 1 that differs from the seeds of replications 0..r-1';

function hashSeed(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/**
 * Returns the seed of replication `r` of an experiment, given the seeds of replications 0..r-1.
 * Hashing (rather than seed + r) puts replications on unrelated alea streams; the rare 32-bit
 * collision is re-drawn so no two replications ever share a stream.
 */
export function replicationSeed(experimentSeed: number, r: number, earlier: ReadonlySet<number>): number {
  let seed = hashSeed(`urd-sweep:${experimentSeed}:${r}`);
  for (let k = 1; earlier.has(seed); k++) seed = hashSeed(`urd-sweep:${experimentSeed}:${r}:${k}`);
  return seed;
}

/** Returns the seeds of replications 0..count-1, in order (the same at every point). */
export function replicationSeeds(experimentSeed: number, count: number): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let r = 0; r < count; r++) {
    const s = replicationSeed(experimentSeed, r, seen);
    seen.add(s);
    out.push(s);
  }
  return out;
}

/** Run index of (point, replication): point-major, so a point's replications are adjacent in runs.csv. */
export function runIndex(point: number, replication: number, replications: number): number {
  return point * replications + replication;
}
