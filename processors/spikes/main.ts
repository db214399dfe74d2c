// Spike detection as a service: every `spikes.intervalSeconds` it brings the week totals up to date
// (processors/totals: the finished weekly figures dashboards and the evaluation read for closed
// weeks), then evaluates the latest weeks, writes verdicts to ClickHouse (`spike_verdicts`, view
// `spikes`) and changes to the alert topic.
// Run: npm run start:spikes [-- --once] after npm run build (in development: npx tsx
// processors/spikes/main.ts). Configuration: core/config, section `spikes`; lifecycle: core/service/lifecycle.ts.
import { AvroSerde } from '../../core/avro/serde.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { configSchema } from '../../core/config/schema.ts';
import { errorMessage } from '../../core/errors.ts';
import { ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';
import { enableDefaultMetrics } from '../../core/metrics.ts';
import { runService } from '../../core/service/lifecycle.ts';
import { startOpsServer } from '../http.ts';
import { refreshNumberCdrTotals } from '../totals/number-cdr-totals.ts';
import { refreshWeekTotals } from '../totals/week-totals.ts';
import { SpikeAlertSink } from './alert-sink.ts';
import { SpikeEvaluator } from './evaluate.ts';

const once = process.argv.includes('--once');

await runService({
  name: 'spikes',
  schema: configSchema,
  logLevel: (config) => config.log.level,
  // Drain wakes the wait between evaluations, so only an evaluation in hand is waited for.
  stopTimeoutMs: () => 60_000,
  async connect(config, log) {
    enableDefaultMetrics('spikes');
    const health = { healthy: false };
    const ops = once ? undefined : await startOpsServer(config.spikes.httpHost, config.spikes.httpPort, () => health.healthy);
    if (ops) log.info({ port: ops.port }, 'ops server listening');
    if (config.kafka.createTopics) await ensureTopics(config.kafka, projectTopics(config.kafka, ['alerts']));
    const ch = await Clickhouse.connect(config.clickhouse, 'writer');
    await migrate(ch);
    const producer = await KafkaProducer.connect(config.kafka, { clientId: `${config.kafka.clientId}-spikes` });
    const sink = await SpikeAlertSink.create(producer, AvroSerde.fromConfig(config.registry), config.kafka);
    return { health, ops, ch, producer, evaluator: new SpikeEvaluator(ch, sink, config.spikes) };
  },
  serve({ health, evaluator, ch }, config, log) {
    let stopping = false;
    let wake: (() => void) | undefined;
    // Evaluates every interval until drained; with --once, one evaluation and its outcome as the exit code.
    const loop = async (): Promise<number> => {
      let exitCode = 0;
      while (!stopping) {
        try {
          const totals = await refreshWeekTotals(ch, config.processors.serviceLevelSeconds);
          log.info(totals, 'week totals brought up to date');
          const numberTotals = await refreshNumberCdrTotals(ch);
          log.info(numberTotals, 'busy callers\' week totals brought up to date');
          const r = await evaluator.evaluate();
          health.healthy = true;
          if (r) log.info({ fromWeek: r.fromWeek, toWeek: r.toWeek, verdicts: r.verdicts.length, added: r.added, updated: r.updated, retracted: r.retracted }, 'spikes evaluated');
          else log.info('no reported calls yet');
        } catch (err) {
          health.healthy = false;
          exitCode = 1;
          log.error({ err: errorMessage(err) }, 'spike evaluation failed; retrying next interval');
        }
        if (once) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, config.spikes.intervalSeconds * 1000).unref();
        });
      }
      return once ? exitCode : 0;
    };
    const running = loop();
    return {
      // Finish the evaluation in hand.
      drain: async () => {
        stopping = true;
        wake?.();
        await running;
      },
      finished: running,
    };
  },
  async close({ ops, ch, producer }) {
    await producer.close();
    await ch.close();
    await ops?.close();
  },
});
