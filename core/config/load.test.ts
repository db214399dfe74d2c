import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkConfig, loadConfig, loadServiceConfig, envNameFor } from './load.ts';
import { ingestServiceSchema } from './schema.ts';
import { CallwatchError } from '../errors.ts';

function failure(fn: () => unknown): CallwatchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CallwatchError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('gives the local stack defaults with no environment', () => {
    const c = loadConfig({ env: {} });
    expect(c.kafka.brokers).toBe('127.0.0.1:19092');
    expect(c.registry.url).toBe('http://127.0.0.1:18081/apis/ccompat/v7');
    expect(c.clickhouse).toMatchObject({ engine: 'server', url: 'http://127.0.0.1:18123', database: 'callwatch', cluster: '' });
    expect(c.kafka).toMatchObject({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('takes a ClickHouse cluster only for the server engine (chdb cannot be a cluster node)', () => {
    expect(loadConfig({ env: { CALLWATCH_CLICKHOUSE__CLUSTER: 'callwatch' } }).clickhouse.cluster).toBe('callwatch');
    expect(failure(() => loadConfig({ env: { CALLWATCH_CLICKHOUSE__CLUSTER: 'callwatch', CALLWATCH_CLICKHOUSE__ENGINE: 'chdb' } })).message).toContain('clickhouse.cluster');
    expect(failure(() => loadConfig({ env: { CALLWATCH_CLICKHOUSE__CLUSTER: 'a b' } })).message).toContain('clickhouse.cluster');
  });

  it('reads the stack ports file when a default is needed, not at import: a file named afterwards counts', () => {
    const dir = mkdtempSync(`${tmpdir()}/callwatch-ports-`);
    const file = `${dir}/ports.env`;
    writeFileSync(file, 'KAFKA_PORT=28001\nREGISTRY_PORT=28002\nCLICKHOUSE_HTTP_PORT=28003\nCLICKHOUSE_WRITER_USER=w\nCLICKHOUSE_WRITER_PASSWORD=wp\nCLICKHOUSE_READER_USER=r\nCLICKHOUSE_READER_PASSWORD=rp\n');
    const before = process.env.CALLWATCH_STACK_PORTS_FILE;
    process.env.CALLWATCH_STACK_PORTS_FILE = file;
    try {
      const c = loadConfig({ env: {} });
      expect([c.kafka.brokers, c.registry.url, c.clickhouse.url, c.clickhouse.user, c.clickhouse.readerPassword]).toEqual([
        '127.0.0.1:28001',
        'http://127.0.0.1:28002/apis/ccompat/v7',
        'http://127.0.0.1:28003',
        'w',
        'rp',
      ]);
    } finally {
      if (before === undefined) delete process.env.CALLWATCH_STACK_PORTS_FILE;
      else process.env.CALLWATCH_STACK_PORTS_FILE = before;
    }
    expect(loadConfig({ env: {} }).kafka.brokers).not.toBe('127.0.0.1:28001');
  });

  it('checks a service schema once: the collector names the missing HMAC key, the shared schema does not need it', () => {
    const e = failure(() => loadServiceConfig(ingestServiceSchema, { env: {} }));
    expect([e.code, e.details.keys]).toEqual(['CW_ERR_CONFIG_INVALID', ['ingest.hmacKey']]);
    expect(e.message).toContain('ingest.hmacKey (env CALLWATCH_INGEST__HMAC_KEY): is required');
    expect(failure(() => loadServiceConfig(ingestServiceSchema, { env: { CALLWATCH_INGEST__HMAC_KEY: 'short' } })).message).toContain('at least 16 characters');
    expect(loadConfig({ env: {} }).ingest.hmacKey).toBeUndefined();
    const shared = loadConfig({ env: { CALLWATCH_INGEST__HMAC_KEY: '0123456789abcdef' } });
    expect(checkConfig(ingestServiceSchema, shared).ingest).toEqual(shared.ingest);
  });

  it('reads CALLWATCH_<SECTION>__<KEY> and coerces numbers and booleans', () => {
    const c = loadConfig({
      env: { CALLWATCH_KAFKA__BROKERS: 'k1:9092,k2:9092', CALLWATCH_KAFKA__LINGER_MS: '25', CALLWATCH_KAFKA__CREATE_TOPICS: 'false', CALLWATCH_CLICKHOUSE__READER_PASSWORD: 's3cret' },
    });
    expect(c.kafka.brokers).toBe('k1:9092,k2:9092');
    expect(c.kafka.lingerMs).toBe(25);
    expect(c.kafka.createTopics).toBe(false);
    expect(c.clickhouse.readerPassword).toBe('s3cret');
  });

  it("bounds the processors' batches by time: a linger of 250 ms by default, 0 = size only, validated once", () => {
    expect(loadConfig({ env: {} }).processors.lingerMs).toBe(250);
    expect(loadConfig({ env: { CALLWATCH_PROCESSORS__LINGER_MS: '0' } }).processors.lingerMs).toBe(0);
    for (const bad of ['-1', '60001', '2.5', 'soon']) {
      const err = failure(() => loadConfig({ env: { CALLWATCH_PROCESSORS__LINGER_MS: bad } }));
      expect(err.code, bad).toBe('CW_ERR_CONFIG_INVALID');
      expect(err.message, bad).toContain('processors.lingerMs');
    }
  });

  it('names an unknown environment key and lists the known ones', () => {
    const err = failure(() => loadConfig({ env: { CALLWATCH_KAFKA__BROKRES: 'x' } }));
    expect(err.code).toBe('CW_ERR_CONFIG_UNKNOWN_KEY');
    expect(err.message).toContain('CALLWATCH_KAFKA__BROKRES');
    expect(err.message).toContain('CALLWATCH_KAFKA__BROKERS');
    expect(failure(() => loadConfig({ env: { CALLWATCH_KAFAK__BROKERS: 'x' } })).message).toContain('CALLWATCH_KAFAK__BROKERS');
    expect(failure(() => loadConfig({ env: { CALLWATCH_LOG: 'x' } })).code).toBe('CW_ERR_CONFIG_UNKNOWN_KEY');
  });

  it('names an invalid value with its key and environment name', () => {
    const err = failure(() => loadConfig({ env: { CALLWATCH_KAFKA__LINGER_MS: 'soon' } }));
    expect(err.code).toBe('CW_ERR_CONFIG_INVALID');
    expect(err.message).toContain('kafka.lingerMs');
    expect(err.message).toContain('CALLWATCH_KAFKA__LINGER_MS');
    expect(failure(() => loadConfig({ env: { CALLWATCH_CLICKHOUSE__ENGINE: 'duckdb' } })).message).toContain('clickhouse.engine');
    expect(failure(() => loadConfig({ env: { CALLWATCH_CLICKHOUSE__DATABASE: 'x; DROP' } })).message).toContain('clickhouse.database');
  });

  it('reads a JSON file, rejects its unknown keys by path, and lets the environment win', () => {
    const dir = mkdtempSync(`${tmpdir()}/cw-config-`);
    const file = `${dir}/c.json`;
    writeFileSync(file, JSON.stringify({ kafka: { clientId: 'from-file', lingerMs: 7 } }));
    const c = loadConfig({ env: { CALLWATCH_CONFIG_FILE: file, CALLWATCH_KAFKA__LINGER_MS: '9' } });
    expect(c.kafka.clientId).toBe('from-file');
    expect(c.kafka.lingerMs).toBe(9);
    writeFileSync(file, JSON.stringify({ kafka: { clientID: 'typo' } }));
    const err = failure(() => loadConfig({ env: { CALLWATCH_CONFIG_FILE: file } }));
    expect(err.code).toBe('CW_ERR_CONFIG_UNKNOWN_KEY');
    expect(err.message).toContain('kafka.clientID');
    writeFileSync(file, JSON.stringify({ nosuchsection: {} }));
    expect(failure(() => loadConfig({ env: { CALLWATCH_CONFIG_FILE: file } })).message).toContain('nosuchsection');
    writeFileSync(file, '{ not json');
    expect(failure(() => loadConfig({ env: { CALLWATCH_CONFIG_FILE: file } })).code).toBe('CW_ERR_CONFIG_FILE');
  });

  it('maps keys to environment names', () => {
    expect(envNameFor('clickhouse', 'readerPassword')).toBe('CALLWATCH_CLICKHOUSE__READER_PASSWORD');
  });
});
