import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../core/config/load.ts';
import type { Config } from '../../core/config/schema.ts';
import type { Engine } from '../../core/clickhouse/client.ts';

/** Both ClickHouse engines: every ClickHouse test runs on each (describe.each(ENGINES)). */
export const ENGINES: readonly Engine[] = ['server', 'chdb'];

/** A short random tag that keeps one test's topics, groups and database apart from another's. */
export function uniqueTag(label: string): string {
  return `${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/**
 * The stack's configuration, isolated for one test: its own topic prefix and its own ClickHouse
 * database. chdb allows one data path per process, so every chdb test in a worker shares ':memory:'
 * and is kept apart by database name.
 */
export function testConfig(tag: string, engine: Engine = 'server', overrides: Record<string, Record<string, unknown>> = {}): Config {
  const base = loadConfig();
  return loadConfig({
    overrides: {
      ...overrides,
      log: { level: 'silent', ...overrides.log },
      kafka: { ...base.kafka, topicPrefix: `t.${tag}.`, ...overrides.kafka },
      clickhouse: { ...base.clickhouse, engine, database: `t_${tag}`, chdbPath: ':memory:', ...overrides.clickhouse },
    },
  });
}
