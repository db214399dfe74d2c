// The stream processors: Kafka (CDRs, nuisance reports) -> ClickHouse records and weekly aggregates.
// Run: npx tsx processors/main.ts   (configuration: core/config, section `processors`).
import { AvroSerde } from '../core/avro/serde.ts';
import { Clickhouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { loadConfig } from '../core/config/load.ts';
import { errorMessage } from '../core/errors.ts';
import { ensureTopics, projectTopics } from '../core/kafka/admin.ts';
import { KafkaProducer } from '../core/kafka/producer.ts';
import { createLogger } from '../core/log.ts';
import { enableDefaultMetrics } from '../core/metrics.ts';
import { startOpsServer } from './http.ts';
import { Pipeline } from './pipeline.ts';
import { ClickhouseRecordSink } from './sinks/clickhouse-records.ts';
import { DeadLetterSink } from './sinks/dead-letter.ts';
import { KafkaAvroSource } from './sources/kafka-avro.ts';
import { STREAMS } from './streams/index.ts';
import { WeekCalendar } from '../core/weeks.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('processors', config.log.level);
  enableDefaultMetrics('processors');
  const p = config.processors;

  // Filled in once connected; the ops server and the signal handler look here.
  const state: { pipeline: Pipeline | undefined; ready: boolean } = { pipeline: undefined, ready: false };
  const ops = await startOpsServer(p.httpHost, p.httpPort, () => state.ready && (state.pipeline?.healthy ?? false) && !(state.pipeline?.stopping ?? true));
  log.info({ port: ops.port }, 'ops server listening');

  let stopSignal: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopSignal) return;
    stopSignal = sig;
    log.info({ signal: sig }, 'stopping after the current batch');
    state.pipeline?.stop(p.shutdownGraceMs);
    // Backstop: a batch that cannot finish (ClickHouse down) must not hold the process forever.
    setTimeout(() => {
      log.error('shutdown grace period over; exiting without committing the batch in hand');
      process.exit(1);
    }, p.shutdownGraceMs + 5_000).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  if (config.kafka.createTopics) await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports', 'deadLetter']));
  const ch = await Clickhouse.connect(config.clickhouse, 'writer');
  await migrateWithRetry(ch, log);
  const producer = await KafkaProducer.connect(config.kafka, { clientId: `${config.kafka.clientId}-processors-dlq` });
  const source = await KafkaAvroSource.connect(config.kafka, p, AvroSerde.fromConfig(config.registry), STREAMS, `${config.kafka.clientId}-processors`);
  const context = { weeks: new WeekCalendar(p.timeZone), shortCallSeconds: p.shortCallSeconds };
  const pipeline = new Pipeline(source, new ClickhouseRecordSink(ch), new DeadLetterSink(producer, config.kafka), context, p, log);
  state.pipeline = pipeline;
  if (stopSignal) pipeline.stop(p.shutdownGraceMs);
  state.ready = true;
  log.info({ groupId: p.groupId, batchSize: p.batchSize, timeZone: p.timeZone }, 'processing');

  await pipeline.run((o) => {
    log.debug(o, 'batch');
  });

  state.ready = false;
  await source.close();
  await producer.close();
  await ch.close();
  await ops.close();
  log.info('stopped cleanly; offsets committed');
}

// Two instances starting together may race on CREATE TABLE IF NOT EXISTS; the second try sees the tables.
async function migrateWithRetry(ch: Clickhouse, log: ReturnType<typeof createLogger>): Promise<void> {
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

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`processors: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
