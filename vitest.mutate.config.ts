import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The test set of `npm run mutate` (stryker.config.mjs): the in-process suites. Left out:
 * - suites whose checks run in child processes (the CLI, headless chromium, Slurm, kills, full
 *   disks): Stryker activates a mutant only in its own test process, so they cannot kill one;
 * - the report suites: Stryker runs tests in worker threads, where the native canvas module
 *   crashes the process (SIGSEGV); src/report is not among the mutated folders;
 * - the reliability suites that run hundreds of random scenarios, checkpoints and fuzz cases
 *   (properties, checkpoint, hostile): every surviving mutant reruns all tests that reach it,
 *   and these would make each such rerun take minutes on two shared cores.
 * - tests/experiments/examples.test.ts, which times a sweep against a fixed 20 s: on a machine
 *   busy with a mutation run it fails before any mutant is tried.
 * The scores are therefore lower bounds: a mutant only those suites kill counts as survived.
 */
const config = mergeConfig(
  base,
  defineConfig({
    test: {
      // Instrumented code on a busy machine runs many times slower; Stryker sets its own
      // per-mutant timeouts from the first run's times.
      testTimeout: 900_000,
      hookTimeout: 900_000,
      exclude: [
        'node_modules/**',
        'tests/cli/**',
        'tests/report/**',
        'tests/experiments/slurm.test.ts',
        'tests/reliability/kill.test.ts',
        'tests/reliability/faults.test.ts',
        'tests/reliability/properties.test.ts',
        'tests/reliability/checkpoint.test.ts',
        'tests/reliability/hostile.test.ts',
        'tests/experiments/examples.test.ts',
      ],
    },
  }),
);
// URD_MUTATE_TESTS narrows the set to the suites of one folder (comma-separated globs), e.g.
// tests/metrics/**/*.test.ts for src/metrics, so a survivor reruns seconds of tests, not minutes.
// Set after mergeConfig, which would append it to the base list rather than replace it.
if (process.env.URD_MUTATE_TESTS) config.test = { ...config.test, include: process.env.URD_MUTATE_TESTS.split(',') };
export default config;
