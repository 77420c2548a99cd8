import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/loopback-env.ts'],
    // Looks once whether the local test world is up: its tier runs, or skips with one line.
    globalSetup: ['test/world-probe.ts'],
  },
});
