import { configDefaults, defineConfig } from 'vitest/config';

// Projects: `unit` (pure logic, no services) and `integration` (the real local stack, see
// stack/stack.sh); unit tests run first (group 0); integration files then run two at a time on the
// two cores, each isolated by its own topics and database (test/support/env.ts). `cluster` (the
// cluster stack, stack.sh up --cluster) exists only when asked for (scripts/test-cluster.sh sets
// TEST_CLUSTER=1), so that a plain `vitest run` never needs the cluster.
const clusterProject = {
  test: {
    name: 'cluster',
    include: ['test/cluster/**/*.test.ts'],
    // One file at a time: the failures these tests inject hit the whole cluster.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    fileParallelism: false,
    sequence: { groupOrder: 2 },
    env: { CALLWATCH_STACK_PORTS_FILE: 'stack/cluster-ports.env' },
    globalSetup: ['test/cluster/global-setup.ts'],
  },
};

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
          exclude: [...configDefaults.exclude, 'test/cluster/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      ...(process.env.TEST_CLUSTER === '1' ? [clusterProject] : []),
    ],
  },
});
