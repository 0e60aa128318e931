/**
 * Runs a command in a fresh node process and reports its wall time and the CPU time of the whole
 * process (all threads, through bench/cpuAtExit.mjs) and its peak memory. On a machine that other jobs share, CPU
 * time says what the command cost; wall time says what a user waited.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ChildCost {
  wallMs: number;
  cpuMs: number;
  /** Peak resident set size of the process, bytes. */
  peakRss: number;
  stderr: string;
}

/** `node ARGS` in `cwd`; throws with the command's last stderr line when it fails. */
export function childCost(root: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildCost {
  const hook = pathToFileURL(join(root, 'bench', 'cpuAtExit.mjs')).href;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', hook, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const wallMs = performance.now() - t0;
  const m = /@@urd-cpu-ms ([\d.]+)/.exec(r.stderr ?? '');
  const rss = /@@urd-peak-rss (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m || !rss) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`);
  return { wallMs, cpuMs: Number(m[1]), peakRss: Number(rss[1]), stderr: r.stderr.replace(m[0], '').replace(rss[0], '').trim() };
}
