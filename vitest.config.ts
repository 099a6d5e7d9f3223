import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Both cores: one worker (vitest's default here) made the suite about 11 minutes long, most of it
    // waiting on the slow property files while the other core idled.
    maxWorkers: 2,
    // End-to-end tests spawn the built CLI against a real simulator; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/main.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: { lines: 80, statements: 80, functions: 80, branches: 75 },
    },
  },
});
