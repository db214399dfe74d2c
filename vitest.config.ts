import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic, no services) and `integration` (the real local stack, see
// stack/stack.sh). Integration files run one at a time per worker: they share one broker.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['core/**/*.test.ts', 'ingest/**/*.test.ts', 'processors/**/*.test.ts', 'api/**/*.test.ts', 'dashboards/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
