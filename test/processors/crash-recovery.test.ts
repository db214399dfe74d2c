import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { Rng } from '../../core/rng.ts';
import { generateCdrs, generateReports } from '../support/generate.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { aggregatesMatchTruth, metricSum, prepareTopics, ProcessorChild, processorEnv, RecordProducer, waitFor, waitUntilIdle } from './support.ts';
import { storedCounts } from '../support/aggregate-audit.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// Exactly-once effect across crashes: processors/main.ts runs as a child process and is SIGKILLed
// at random moments several times, then restarted; the final weekly counts must equal the truth.
//
// chdb: the engine allows one process per data directory, and the instances here run one after
// another, so every instance opens the same on-disk directory in turn (the same store a restarted
// pod would reopen); the test process opens it only once the last instance has exited.

const FROM = Date.parse('2016-02-01T00:00:00Z');
const TO = Date.parse('2016-04-25T00:00:00Z');
const KILLS = 4;

describe.each(ENGINES)('processors killed with SIGKILL on %s', (engine) => {
  const chdbDir = mkdtempSync(join(tmpdir(), 'cw-proc-chdb-'));
  afterAll(() => rmSync(chdbDir, { recursive: true, force: true }));

  it('ends with counts equal to the generated truth, exactly', { timeout: 150_000 }, async () => {
    const config = testConfig(uniqueTag(`kill${engine}`), engine);
    const cdrs = generateCdrs({ seed: 21, count: 15_000, fromMs: FROM, toMs: TO, callers: 1500 });
    const reports = generateReports({ seed: 22, count: 10_000, fromMs: FROM, toMs: TO, numbers: 2000 });
    await prepareTopics(config);
    const producer = await RecordProducer.connect(config);
    await producer.sendAll([...cdrs.map((c) => producer.cdrMessage(c)), ...reports.map((r) => producer.reportMessage(r))]);
    await producer.close();

    const env = processorEnv(config, {
      CALLWATCH_CLICKHOUSE__CHDB_PATH: chdbDir,
      CALLWATCH_PROCESSORS__GROUP_ID: `${config.kafka.topicPrefix}processors`,
      // Static membership: a restarted instance gets its partitions back without a session timeout.
      CALLWATCH_PROCESSORS__GROUP_INSTANCE_ID: 'processor-0',
      CALLWATCH_PROCESSORS__BATCH_SIZE: '1500',
    });
    const rng = new Rng(2024);
    let killedWhileWriting = 0;
    const consumedBy = async (child: ProcessorChild): Promise<number> => metricSum(await child.metrics().catch(() => ''), 'callwatch_processor_records_consumed_total');
    for (let k = 0; k < KILLS; k++) {
      const child = new ProcessorChild(env);
      await waitFor('processor to start consuming', () => Promise.resolve(child.processing ? true : undefined), 60_000, 50);
      // Kill at a random moment after the instance has read its first batch, however long joining
      // the group and the first fetch take on a loaded machine (a fixed delay from start-up could
      // kill every instance before it read anything). Once earlier instances have committed
      // everything there is nothing left to read: then the wait ends after a bound and kills anyway.
      await waitFor('a first batch read', async () => ((await consumedBy(child)) > 0 ? true : undefined), 10_000, 50).catch(() => undefined);
      await new Promise((r) => setTimeout(r, rng.range(0, 800)));
      if ((await consumedBy(child)) > 0) killedWhileWriting += 1;
      child.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal).toBe('SIGKILL');
    }
    // At least some kills must have hit a processor that was busy, or the test proves little.
    expect(killedWhileWriting).toBeGreaterThan(0);

    const last = new ProcessorChild(env);
    await waitUntilIdle(last);
    last.kill('SIGTERM');
    const exit = await last.exited;
    expect(exit.code, last.log.slice(-2000)).toBe(0);

    const ch = await Clickhouse.connect({ ...config.clickhouse, chdbPath: chdbDir }, 'writer');
    try {
      expect(await storedCounts(ch)).toEqual({ cdrs: cdrs.length, reports: reports.length });
      const match = await aggregatesMatchTruth(ch, cdrs, reports);
      expect(match.diff).toBe('');
    } finally {
      if (engine === 'server') await dropTestDatabase(ch, ch.database);
      await ch.close();
    }
  });
});
