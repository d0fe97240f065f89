import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only add PGlite start-ups that compete for them.
    maxWorkers: 2,
    env: { NODE_ENV: 'test' },
    reporters: ['default', './src/testing/summary-reporter.ts'],
  },
});
