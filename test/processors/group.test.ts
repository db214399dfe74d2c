import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { BatchConsumer } from '../../core/kafka/consumer.ts';
import { topicName } from '../../core/kafka/topics.ts';
import { generateCdrs, generateReports } from '../support/generate.ts';
import { testConfig, uniqueTag } from '../support/env.ts';
import { aggregatesMatchTruth, metricSum, prepareTopics, ProcessorChild, processorEnv, RecordProducer, waitFor, waitUntilIdle } from './support.ts';
import { storedCounts } from '../support/aggregate-audit.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// Consumer-group behaviour of processors/main.ts as real child processes, on the ClickHouse server
// (two processes at once need a shared server; chdb allows one process per data directory, and
// its replay-safety across processes is covered by crash-recovery.test.ts).

const FROM = Date.parse('2016-02-01T00:00:00Z');
const TO = Date.parse('2016-04-25T00:00:00Z');

describe('processors in one consumer group (ClickHouse server)', () => {
  let ch: Clickhouse;
  const dbs: string[] = [];

  beforeAll(async () => {
    ch = await Clickhouse.connect(testConfig('unused').clickhouse, 'writer');
  });
  afterAll(async () => {
    for (const db of dbs) await dropTestDatabase(ch, db);
    await ch.close();
  });

  it('two instances, one killed mid-run (rebalance): exact counts', { timeout: 120_000 }, async () => {
    const config = testConfig(uniqueTag('rebalance'), 'server');
    dbs.push(config.clickhouse.database);
    const db = await Clickhouse.connect(config.clickhouse, 'writer');
    await migrate(db);
    const cdrs = generateCdrs({ seed: 31, count: 14_000, fromMs: FROM, toMs: TO, callers: 1500 });
    const reports = generateReports({ seed: 32, count: 10_000, fromMs: FROM, toMs: TO, numbers: 2000 });
    await prepareTopics(config);
    const producer = await RecordProducer.connect(config);
    const messages = [...cdrs.map((c) => producer.cdrMessage(c)), ...reports.map((r) => producer.reportMessage(r))];

    const env = processorEnv(config, { CALLWATCH_PROCESSORS__GROUP_ID: `${config.kafka.topicPrefix}processors`, CALLWATCH_PROCESSORS__BATCH_SIZE: '500' });
    const a = new ProcessorChild(env);
    const b = new ProcessorChild(env);
    // Both must own partitions and have read records before one is killed, or there is no
    // rebalance to speak of. Records go out in slices until both have read some: sent all at once,
    // the first instance to join could drain them before the second one is assigned anything.
    // The last quarter is held back until after the kill, so the kill is always mid-run.
    const consumed = async (child: ProcessorChild): Promise<number> => metricSum(await child.metrics().catch(() => ''), 'callwatch_processor_records_consumed_total');
    const held = Math.floor((messages.length * 3) / 4);
    let sent = 0;
    await waitFor(
      'both instances to consume',
      async () => {
        if ((await consumed(a)) > 0 && (await consumed(b)) > 0) return true;
        const slice = messages.slice(sent, Math.min(held, sent + 500));
        if (slice.length > 0) await producer.sendAll(slice);
        sent += slice.length;
        return undefined;
      },
      60_000,
      100,
    );
    const midway = await storedCounts(db);
    b.kill('SIGKILL');
    expect((await b.exited).signal).toBe('SIGKILL');
    expect(midway.cdrs + midway.reports).toBeLessThan(cdrs.length + reports.length);
    await producer.sendAll(messages.slice(sent));
    await producer.close();

    // a takes over b's partitions once the session times out, and re-reads b's uncommitted batch.
    await waitFor('every record stored', async () => {
      const s = await storedCounts(db);
      return s.cdrs === cdrs.length && s.reports === reports.length ? true : undefined;
    }, 90_000, 500);
    await waitUntilIdle(a, 12, 1000);
    a.kill('SIGTERM');
    expect((await a.exited).code).toBe(0);
    expect((await aggregatesMatchTruth(db, cdrs, reports)).diff).toBe('');
    await db.close();
  });

  it('SIGTERM: the batch in hand finishes, its offsets are committed, the process exits 0', { timeout: 90_000 }, async () => {
    const config = testConfig(uniqueTag('sigterm'), 'server');
    dbs.push(config.clickhouse.database);
    const db = await Clickhouse.connect(config.clickhouse, 'writer');
    await migrate(db);
    const cdrs = generateCdrs({ seed: 41, count: 20_000, fromMs: FROM, toMs: TO });
    await prepareTopics(config);
    const producer = await RecordProducer.connect(config);
    await producer.sendAll(cdrs.map((c) => producer.cdrMessage(c)));
    await producer.close();

    const groupId = `${config.kafka.topicPrefix}processors`;
    // Small batches: 200 of them, so the whole topic cannot be drained in the moment between the
    // first commit being seen and SIGTERM arriving, however fast the machine.
    const child = new ProcessorChild(processorEnv(config, { CALLWATCH_PROCESSORS__GROUP_ID: groupId, CALLWATCH_PROCESSORS__BATCH_SIZE: '100' }));
    await waitFor('a first batch', async () => (metricSum(await child.metrics(), 'callwatch_processor_batches_total') > 0 ? true : undefined), 60_000, 50);
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code, child.log.slice(-2000)).toBe(0);
    expect(child.log).toContain('stopped cleanly');
    const stored = (await storedCounts(db)).cdrs;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(cdrs.length);

    // Whatever was stored was committed, and nothing else: the group's next member reads exactly the rest.
    const next = await BatchConsumer.connect(config.kafka, { groupId, topics: [topicName(config.kafka, 'cdrs')], consumeTimeoutMs: 300 });
    let rest = 0;
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    let idle = 0;
    while (Date.now() < deadline && (rest + stored < cdrs.length || idle < 3)) {
      const batch = await next.consumeBatch(5000);
      idle = batch.length === 0 ? idle + 1 : 0;
      rest += batch.length;
      for (const m of batch) seen.add(String(m.key));
    }
    await next.close();
    expect(rest + stored).toBe(cdrs.length);
    const storedIds = await db.query<{ k: string }>(sql`SELECT concat(platform, '/', cdr_id) AS k FROM ${ident(db.database)}.cdr_records LIMIT 1 BY platform, cdr_id`);
    expect(storedIds.filter((r) => seen.has(r.k))).toEqual([]);
    await db.close();
  });
});
