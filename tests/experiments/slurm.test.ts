import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipUnavailable } from '../support.ts';
import { ROOT, tempDir, treeDiff, writeExperiment } from './helpers.ts';

/**
 * A real Slurm job array, submitted with the very script docs/cluster.md shows. It needs a
 * running cluster (.ci/run starts one with scripts/slurm-up.sh); without one the test says why
 * and is skipped locally, and fails under CI=true — it never pretends to have run.
 */
function clusterState(): { up: boolean; reason: string } {
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return { up: false, reason: `sinfo cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}): Slurm is not installed` };
  if (r.status !== 0) return { up: false, reason: `sinfo failed (${r.stderr.trim().split('\n')[0] || `exit ${r.status}`}): no Slurm controller answers` };
  const states = r.stdout.trim().split(/\s+/).filter(Boolean);
  if (!states.some((s) => /^(idle|mixed|allocated)/.test(s))) return { up: false, reason: `no usable Slurm node (states: ${states.join(', ') || 'none'})` };
  return { up: true, reason: '' };
}

const cluster = clusterState();
const noCluster = skipUnavailable('the Slurm integration test', cluster.up ? null : `${cluster.reason}; start a cluster with: sudo bash scripts/slurm-up.sh`);

/** The job script of docs/cluster.md: the first bash block after its slurm-job-script marker. */
function documentedScript(): string {
  const doc = readFileSync(join(ROOT, 'docs/cluster.md'), 'utf8');
  const at = doc.indexOf('<!-- slurm-job-script');
  const m = /```bash\n([\s\S]*?)```/.exec(doc.slice(at));
  if (at < 0 || !m) throw new Error('docs/cluster.md has no slurm-job-script block');
  return m[1];
}

function run(cmd: string, args: string[], timeout = 120_000) {
  return spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout });
}

const EXPERIMENT = `name: slurm-small
base: tiny.yaml
seed: 99
replications: 3
perRunMetrics: true
parameters:
  talent.barrier: [0.3, 1.1]
  capital.agglomeration: [0.02, 0.08]
metrics: [verdict, dpd_final, dpd_change, rural_share, final.gini]
`;

describe.skipIf(noCluster)('a sweep on a Slurm cluster', () => {
  it('runs as a job array, merges in a dependent job, and equals the one-machine sweep byte for byte', () => {
    const work = tempDir('urd-slurm-');
    const experiment = writeExperiment(work, EXPERIMENT, 'name: tiny\nticks: 8\nworld: { residents: 2000 }\n');
    const script = join(work, 'urd-sweep.sbatch');
    writeFileSync(script, documentedScript());
    const local = join(work, 'one-machine');
    const one = run('node', ['bin/urd.mjs', 'sweep', experiment, '--workers', '2', '--out', local, '--quiet']);
    expect(one.status, one.stderr).toBe(0);

    const shards = join(work, 'shards');
    const merged = join(work, 'merged');
    const logs = join(work, 'slurm-%A_%a.log');
    const array = run('sbatch', [
      '--parsable', `--chdir=${ROOT}`, '--array=0-1', '--cpus-per-task=1', `--output=${logs}`,
      `--export=ALL,SHARDS=2,EXPERIMENT=${experiment},OUT=${shards}`, script,
    ]);
    expect(array.status, array.stderr).toBe(0);
    const jobId = array.stdout.trim().split(';')[0];
    expect(jobId).toMatch(/^\d+$/);
    const merge = run('sbatch', [
      '--parsable', '--wait', `--chdir=${ROOT}`, `--dependency=afterok:${jobId}`, '--kill-on-invalid-dep=yes',
      `--output=${join(work, 'merge-%j.log')}`, '--wrap', `node bin/urd.mjs merge ${shards}/shard-* --out ${merged}`,
    ], 100_000);
    if (merge.status !== 0) {
      run('scancel', [jobId]);
      const logText = readdirSync(work).filter((f) => f.endsWith('.log')).map((f) => `--- ${f}\n${readFileSync(join(work, f), 'utf8')}`).join('\n');
      throw new Error(`the Slurm jobs failed (sbatch --wait exit ${merge.status}${merge.error ? `, ${merge.error.message}` : ''}):\n${merge.stderr}\n${logText}`);
    }
    // Each array task ran its own shard (0 and 1 of 2) into its own folder.
    expect(readdirSync(shards).sort()).toEqual(['shard-0', 'shard-1']);
    expect(readdirSync(join(shards, 'shard-1', 'runs')).filter((f) => f.endsWith('.json'))).toEqual(['0001.json', '0003.json', '0005.json', '0007.json', '0009.json', '0011.json']);
    expect(treeDiff(local, merged)).toEqual([]);
    rmSync(work, { recursive: true, force: true });
  }, 180_000);
});
