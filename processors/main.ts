// The stream processors: Kafka (CDRs, nuisance reports) -> ClickHouse records and weekly aggregates.
// Run: npm run start:processors after npm run build (in development: npx tsx processors/main.ts).
// Configuration: core/config, section `processors`; lifecycle: core/service/lifecycle.ts.
import { AvroSerde } from '../core/avro/serde.ts';
import { Clickhouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { configSchema } from '../core/config/schema.ts';
import { errorMessage } from '../core/errors.ts';
import { ensureTopics, projectTopics } from '../core/kafka/admin.ts';
import { KafkaProducer } from '../core/kafka/producer.ts';
import type { Logger } from '../core/log.ts';
import { runService } from '../core/service/lifecycle.ts';
import { enableDefaultMetrics } from '../core/metrics.ts';
import { startOpsServer } from './http.ts';
import { Pipeline } from './pipeline.ts';
import { ClickhouseRecordSink } from './sinks/clickhouse-records.ts';
import { DeadLetterSink } from './sinks/dead-letter.ts';
import { KafkaAvroSource } from './sources/kafka-avro.ts';
import { STREAMS } from './streams/index.ts';
import { WeekCalendar } from '../core/weeks.ts';

await runService({
  name: 'processors',
  schema: configSchema,
  logLevel: (config) => config.log.level,
  // The grace period bounds the batch in hand (Pipeline.stop); a batch that cannot finish
  // (ClickHouse down) must not hold the process for ever.
  stopTimeoutMs: (config) => config.processors.shutdownGraceMs + 5_000,
  async connect(config, log) {
    enableDefaultMetrics('processors');
    const p = config.processors;
    // Up first, so /healthz answers while connecting; ready once the pipeline runs and is healthy.
    const state: { pipeline: Pipeline | undefined; ready: boolean } = { pipeline: undefined, ready: false };
    const ops = await startOpsServer(p.httpHost, p.httpPort, () => state.ready && (state.pipeline?.healthy ?? false) && !(state.pipeline?.stopping ?? true));
    log.info({ port: ops.port }, 'ops server listening');
    if (config.kafka.createTopics) await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports', 'deadLetter']));
    const ch = await Clickhouse.connect(config.clickhouse, 'writer');
    await migrateWithRetry(ch, log);
    const producer = await KafkaProducer.connect(config.kafka, { clientId: `${config.kafka.clientId}-processors-dlq` });
    const source = await KafkaAvroSource.connect(config.kafka, p, AvroSerde.fromConfig(config.registry), STREAMS, `${config.kafka.clientId}-processors`);
    return { state, ops, ch, producer, source };
  },
  serve({ state, ch, producer, source }, config, log) {
    const p = config.processors;
    const context = { weeks: new WeekCalendar(p.timeZone), shortCallSeconds: p.shortCallSeconds };
    const pipeline = new Pipeline(source, new ClickhouseRecordSink(ch), new DeadLetterSink(producer, config.kafka), context, p, log);
    state.pipeline = pipeline;
    state.ready = true;
    log.info({ groupId: p.groupId, batchSize: p.batchSize, timeZone: p.timeZone }, 'processing');
    const running = pipeline.run((o) => {
      log.debug(o, 'batch');
    });
    return {
      // Finish the batch in hand and commit it; give up retrying after the grace period.
      drain: async () => {
        pipeline.stop(p.shutdownGraceMs);
        await running;
        state.ready = false;
      },
      finished: running.then(() => 0),
    };
  },
  async close({ ops, ch, producer, source }, _config) {
    await source.close();
    await producer.close();
    await ch.close();
    await ops.close();
  },
});

// Two instances starting together may race on CREATE TABLE IF NOT EXISTS; the second try sees the tables.
async function migrateWithRetry(ch: Clickhouse, log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(ch);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      log.warn({ attempt, err: errorMessage(err) }, 'migration failed; retrying');
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}
