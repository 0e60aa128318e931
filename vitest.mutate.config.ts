import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The test set of `npm run mutate` (stryker.config.mjs). Stryker activates a mutant only in its
 * own test process, so suites whose checks run in child processes (the CLI, headless chromium,
 * Slurm, kills and full disks) cannot kill one and would only slow every mutant down. The report
 * suites are left out too: Stryker runs tests in worker threads, where the native canvas module
 * crashes the process (SIGSEGV); src/report is not among the mutated folders.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'tests/report/browser.test.ts',
        'tests/experiments/slurm.test.ts',
        'tests/reliability/kill.test.ts',
        'tests/reliability/faults.test.ts',
        'tests/cli/**',
        'tests/report/**',
        'node_modules/**',
      ],
      // Every surviving mutant reruns all tests that reach it: fewer random cases keep that bearable.
      env: { URD_PROPERTY_RUNS: '5', URD_FUZZ_CASES: '30' },
    },
  }),
);
