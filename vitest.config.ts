import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    // The first file to need the seeded demo seeds it while the others wait for it (src/testing/demo-db.ts).
    hookTimeout: 120_000,
    // Two cores: more workers only add PGlite start-ups that compete for them.
    maxWorkers: 2,
    env: { NODE_ENV: 'test' },
    // A directory for the run, where databases made once (a migrated one, the seeded demo) are kept for every file.
    globalSetup: ['./src/testing/global-setup.ts'],
    reporters: ['default', './src/testing/summary-reporter.ts'],
  },
});
