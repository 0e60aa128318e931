import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/build.setup.ts'],
    // End-to-end tests spawn the CLI and run small simulations; none should come near this.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Both cores: most suites are CPU-bound simulations or CLI children, not I/O.
    maxWorkers: 2,
  },
});
