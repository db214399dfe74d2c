import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CallwatchError } from '../errors.ts';
import { closingParen, translateForCluster, type ClusterCatalog } from './cluster-ddl.ts';
import { plannedStatements, readMigrations } from './migrate.ts';

const FIXTURE = fileURLToPath(new URL('../../test/cluster/migrations-fixture/', import.meta.url));

function refusal(statement: string, catalog: ClusterCatalog = new Map()): string {
  try {
    translateForCluster(statement, 'cw', catalog);
  } catch (err) {
    expect(err).toBeInstanceOf(CallwatchError);
    expect((err as CallwatchError).code).toBe('CW_ERR_MIGRATION');
    return (err as CallwatchError).message;
  }
  throw new Error('not refused');
}

describe('cluster translation of the real migrations', () => {
  const migrations = readMigrations();
  const single = plannedStatements(migrations, '');
  const cluster = plannedStatements(migrations, 'callwatch');

  it('leaves every statement as written on one server', () => {
    expect(single).toEqual(migrations.map((m) => m.statements));
  });

  it('runs every statement ON CLUSTER (or, for INSERT … SELECT, once through the Distributed tables)', () => {
    for (const s of cluster.flat()) {
      if (/^INSERT\b/i.test(s)) expect(s).not.toMatch(/ON CLUSTER/);
      else expect(s).toMatch(/ ON CLUSTER callwatch\b/);
    }
  });

  it('turns each table of 0001/0100/0200 into a replicated local table and a Distributed table with its built-in key', () => {
    const all = cluster.flat().join('\n');
    const expected: [string, string, string][] = [
      ['cdrs', 'ReplicatedReplacingMergeTree', 'cityHash64(platform, cdr_id)'],
      ['report_calls', 'ReplicatedReplacingMergeTree', 'cityHash64(report_id)'],
      ['spike_verdicts', 'ReplicatedReplacingMergeTree', 'cityHash64(week, scope, key)'],
      ['audit_log', 'ReplicatedMergeTree', 'cityHash64(request_id)'],
    ];
    for (const [table, engine, key] of expected) {
      expect(all).toContain(`CREATE TABLE IF NOT EXISTS {db}.${table}_local ON CLUSTER callwatch (`);
      expect(all).toContain(`ENGINE = ${engine}('/clickhouse/tables/{shard}/{db}/${table}_local', '{replica}'`);
      expect(all).toContain(`CREATE TABLE IF NOT EXISTS {db}.${table} ON CLUSTER callwatch AS {db}.${table}_local ENGINE = Distributed(callwatch, {db}, ${table}_local, ${key})`);
    }
    // ReplacingMergeTree keeps its version column after the replication arguments.
    expect(all).toContain(`ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{db}/cdrs_local', '{replica}', version) ORDER BY (platform, cdr_id)`);
    // The spikes view reads the Distributed table, unchanged.
    expect(all).toMatch(/CREATE VIEW IF NOT EXISTS \{db\}\.spikes ON CLUSTER callwatch AS SELECT[\s\S]*FROM \{db\}\.spike_verdicts FINAL/);
  });
});

describe('cluster translation of the number-first shape (fixture)', () => {
  const [first, , third] = plannedStatements(readMigrations(FIXTURE), 'cw');

  it('takes the sharding key from the -- shard_by: line before each CREATE TABLE', () => {
    expect(first).toContain('CREATE TABLE IF NOT EXISTS {db}.calls ON CLUSTER cw AS {db}.calls_local ENGINE = Distributed(cw, {db}, calls_local, cityHash64(caller))');
    expect(first).toContain('CREATE TABLE IF NOT EXISTS {db}.number_weeks ON CLUSTER cw AS {db}.number_weeks_local ENGINE = Distributed(cw, {db}, number_weeks_local, cityHash64(number))');
    expect(first?.join('\n')).toContain(`ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{db}/number_weeks_local', '{replica}') PARTITION BY week`);
  });

  it('creates materialized views on every node from the local source to the local target', () => {
    const mv = first?.find((s) => s.includes('number_weeks_mv')) ?? '';
    expect(mv).toMatch(/^CREATE MATERIALIZED VIEW IF NOT EXISTS \{db\}\.number_weeks_mv ON CLUSTER cw TO \{db\}\.number_weeks_local AS SELECT/);
    expect(mv).toContain('FROM {db}.calls_local');
    expect(mv).not.toMatch(/FROM \{db\}\.calls\b(?!_local)/);
  });

  it('back-fills once through the Distributed tables and drops both tables of a sharded one', () => {
    expect(third).toContain('INSERT INTO {db}.calls (caller, platform, cdr_id, week_start, channel, version)\nSELECT caller, platform, cdr_id, week_start, channel, version FROM {db}.old_calls');
    expect(third?.slice(-2)).toEqual(['DROP TABLE IF EXISTS {db}.old_calls ON CLUSTER cw', 'DROP TABLE IF EXISTS {db}.old_calls_local ON CLUSTER cw']);
  });
});

describe('cluster translation refuses what it cannot do right', () => {
  it('a table with neither a -- shard_by: line nor a built-in key', () => {
    expect(refusal('CREATE TABLE {db}.t (x UInt8) ENGINE = MergeTree ORDER BY x')).toContain('no sharding key for t: put a line "-- shard_by: <expression>"');
  });
  it('an engine without a replicated form', () => {
    expect(refusal('-- shard_by: x\nCREATE TABLE {db}.t (x UInt8) ENGINE = Memory')).toContain('engine Memory has no replicated form');
  });
  it('a materialized view without TO, or from a table no migration created', () => {
    expect(refusal('CREATE MATERIALIZED VIEW {db}.v ENGINE = MergeTree ORDER BY x AS SELECT x FROM {db}.t')).toContain('needs TO {db}.target');
    const catalog: ClusterCatalog = new Map([['target', { kind: 'sharded' as const, shardBy: 'cityHash64(k)' }]]);
    expect(refusal('CREATE MATERIALIZED VIEW {db}.v TO {db}.target AS SELECT x FROM {db}.elsewhere', catalog)).toContain('must select FROM a {db} table');
  });
  it('statements it has no translation for', () => {
    expect(refusal('OPTIMIZE TABLE {db}.t FINAL')).toContain('no cluster translation for this kind of statement');
  });
});

describe('ALTER and DROP on a cluster', () => {
  it('adds a column to the replicas and remakes the Distributed table from them; a mutation goes to the replicas only', () => {
    const catalog: ClusterCatalog = new Map([['t', { kind: 'sharded' as const, shardBy: 'cityHash64(k)' }]]);
    expect(translateForCluster('ALTER TABLE {db}.t ADD COLUMN y UInt8', 'cw', catalog)).toEqual([
      'ALTER TABLE {db}.t_local ON CLUSTER cw ADD COLUMN y UInt8',
      // 18.16 refuses ALTER … ON CLUSTER on the (unreplicated) Distributed table: it is made again.
      'DROP TABLE IF EXISTS {db}.t ON CLUSTER cw',
      'CREATE TABLE IF NOT EXISTS {db}.t ON CLUSTER cw AS {db}.t_local ENGINE = Distributed(cw, {db}, t_local, cityHash64(k))',
    ]);
    expect(translateForCluster('ALTER TABLE {db}.t DELETE WHERE x = 1', 'cw', catalog)).toEqual(['ALTER TABLE {db}.t_local ON CLUSTER cw DELETE WHERE x = 1']);
  });
  it('drops a view once and forgets it', () => {
    const catalog: ClusterCatalog = new Map([['v', { kind: 'materialized' as const }]]);
    expect(translateForCluster('DROP TABLE IF EXISTS {db}.v', 'cw', catalog)).toEqual(['DROP TABLE IF EXISTS {db}.v ON CLUSTER cw']);
    expect(catalog.has('v')).toBe(false);
  });
});

describe('closingParen', () => {
  it('skips parentheses inside quoted strings', () => {
    const text = "(a Enum8('x)' = 1), b String DEFAULT '\\'(')";
    expect(closingParen(text, 0)).toBe(text.length - 1);
    expect(closingParen('((x)', 0)).toBe(-1);
  });
});
