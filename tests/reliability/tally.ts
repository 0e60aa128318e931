import { join } from 'node:path';
import { ensureDir, writeFileAtomic } from '../../src/io/atomic.ts';

/**
 * What one reliability suite counted and the sizes it ran with. With URD_RELIABILITY_REPORT set
 * to a folder, each suite writes its report there as SUITE.json (`npm run reliability` reads them
 * into docs/reliability.md); unset, nothing is written and the suites behave as before.
 */
export interface SuiteReport<T = unknown> {
  suite: string;
  knobs: Record<string, number>;
  tally: T;
}

/** Writes the suite's report into $URD_RELIABILITY_REPORT/SUITE.json (written atomically); a no-op when the variable is unset. */
export function reportTally(suite: string, knobs: Record<string, number>, tally: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const folder = env.URD_RELIABILITY_REPORT;
  if (!folder) return;
  ensureDir(folder);
  const path = join(folder, `${suite}.json`);
  writeFileAtomic(path, `${JSON.stringify({ suite, knobs, tally } satisfies SuiteReport, null, 2)}\n`);
}
