// Spike detection as a service: evaluates the latest weeks every `spikes.intervalSeconds`, writes
// verdicts to ClickHouse (`spike_verdicts`, view `spikes`) and changes to the alert topic.
// Run: npx tsx processors/spikes/main.ts [--once]   (configuration: core/config, section `spikes`).
import { AvroSerde } from '../../core/avro/serde.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { loadConfig } from '../../core/config/load.ts';
import { errorMessage } from '../../core/errors.ts';
import { ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';
import { createLogger } from '../../core/log.ts';
import { enableDefaultMetrics } from '../../core/metrics.ts';
import { startOpsServer } from '../http.ts';
import { SpikeAlertSink } from './alert-sink.ts';
import { SpikeEvaluator } from './evaluate.ts';

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const config = loadConfig();
  const log = createLogger('spikes', config.log.level);
  enableDefaultMetrics('spikes');
  const s = config.spikes;

  let healthy = false;
  const ops = once ? undefined : await startOpsServer(s.httpHost, s.httpPort, () => healthy);
  if (ops) log.info({ port: ops.port }, 'ops server listening');

  if (config.kafka.createTopics) await ensureTopics(config.kafka, projectTopics(config.kafka, ['alerts']));
  const ch = await Clickhouse.connect(config.clickhouse, 'writer');
  await migrate(ch);
  const producer = await KafkaProducer.connect(config.kafka, { clientId: `${config.kafka.clientId}-spikes` });
  const sink = await SpikeAlertSink.create(producer, AvroSerde.fromConfig(config.registry), config.kafka);
  const evaluator = new SpikeEvaluator(ch, sink, s);

  let stopping = false;
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'stopping after the current evaluation');
    stopping = true;
    wake?.();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let exitCode = 0;
  while (!stopping) {
    try {
      const r = await evaluator.evaluate();
      healthy = true;
      if (r) log.info({ fromWeek: r.fromWeek, toWeek: r.toWeek, verdicts: r.verdicts.length, added: r.added, updated: r.updated, retracted: r.retracted }, 'spikes evaluated');
      else log.info('no reported calls yet');
    } catch (err) {
      healthy = false;
      exitCode = 1;
      log.error({ err: errorMessage(err) }, 'spike evaluation failed; retrying next interval');
    }
    if (once) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, s.intervalSeconds * 1000).unref();
    });
  }
  await producer.close();
  await ch.close();
  await ops?.close();
  process.exitCode = once ? exitCode : 0;
}

main().catch((err: unknown) => {
  console.error(errorMessage(err));
  process.exit(1);
});
