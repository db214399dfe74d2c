import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic, no services) and `integration` (the real local stack, see
// stack/stack.sh). Unit tests run first (group 0); integration files then run two at a time on the
// two cores, each isolated by its own topics and database (test/support/env.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['core/**/*.test.ts', 'ingest/**/*.test.ts', 'processors/**/*.test.ts', 'api/**/*.test.ts', 'dashboards/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
