// Mutation testing: `npm run mutate` (docs/testing.md). Not part of `npm test` or CI: every
// folder at once takes hours on two cores. Narrow a run with --mutate 'src/metrics/**/*.ts'.
const suffix = process.env.URD_MUTATE_NAME ? `-${process.env.URD_MUTATE_NAME}` : '';
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  // Suites that check child processes cannot see a mutant; vitest.mutate.config.ts leaves them out.
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  mutate: ['src/model/**/*.ts', 'src/metrics/**/*.ts', 'src/policy/**/*.ts', 'src/experiments/**/*.ts', 'src/io/**/*.ts'],
  ignorePatterns: ['outputs', 'bench/peers', 'bench/results.json', 'reports', '.stryker-tmp'],
  // Results are kept between runs, so a rerun after a small change tests only the mutants it touches.
  // One file per folder (URD_MUTATE_NAME, e.g. policy): a run keeps only the files it mutated, so
  // measuring one folder would otherwise throw away the results of the others.
  incremental: true,
  incrementalFile: `reports/stryker-incremental${suffix}.json`,
  // The machine is shared; one test process keeps the rest of it usable.
  concurrency: 1,
  timeoutMS: 20_000,
  // The first run of the whole related suite, with coverage measured per test, is slow on a busy machine.
  dryRunTimeoutMinutes: 60,
  // A static mutant (a module-level constant) would rerun every test; they are left out and listed as ignored.
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/mutation${suffix}.html` },
  jsonReporter: { fileName: `reports/mutation/mutation${suffix}.json` },
  // With --reporters ...,event-recorder every tested mutant is written as it finishes, so a run
  // stopped before its end still says which mutants it killed (the other reports come at the end).
  eventReporter: { baseDir: `reports/mutation/events${suffix}` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
