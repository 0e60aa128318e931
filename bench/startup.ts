/**
 * Start-up of the CLI against bare node: each command runs `reps` times in a fresh process and
 * its fastest wall time counts (the fastest run is the one least disturbed by other jobs on the
 * machine). The reference, `node -e 0`, alternates with the commands so both see the same load.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The commands the start-up target names, with their arguments. */
export const STARTUP_COMMANDS: Record<string, string[]> = {
  '--version': ['--version'],
  '--help': ['--help'],
  list: ['list'],
  validate: ['validate', 'scenarios/baseline.yaml'],
};

/** What the start-up measurement found: fastest wall ms of bare node and of each command. */
export interface StartupResult {
  nodeMs: number;
  commandMs: Record<string, number>;
  /** false when the build was missing or stale, so the CLI ran its sources through tsx. */
  fromBuild: boolean;
}

function wallMs(args: string[], cwd: string): { ms: number; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, URD_FROM_SOURCE: '' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return { ms, stderr: r.stderr };
}

/** Times bare node and each CLI command under `root`, keeping the fastest of `reps` runs. */
export function measureStartup(root: string, reps = 7): StartupResult {
  const bin = join(root, 'bin', 'urd.mjs');
  let nodeMs = Infinity;
  const commandMs: Record<string, number> = {};
  let fromBuild = true;
  for (let k = 0; k < reps; k++) {
    for (const [name, args] of Object.entries(STARTUP_COMMANDS)) {
      nodeMs = Math.min(nodeMs, wallMs(['-e', '0'], root).ms);
      const r = wallMs([bin, ...args], root);
      if (/running the sources through tsx/.test(r.stderr)) fromBuild = false;
      commandMs[name] = Math.min(commandMs[name] ?? Infinity, r.ms);
    }
  }
  return { nodeMs, commandMs, fromBuild };
}
