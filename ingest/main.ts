// The collector service: `npx tsx ingest/main.ts`. Configuration from CALLWATCH_INGEST__* (see
// core/config/sections/ingest.ts); CALLWATCH_INGEST__HMAC_KEY is required.
import { AvroSerde } from '../core/avro/serde.ts';
import { loadConfig } from '../core/config/load.ts';
import { stopOnSignals } from '../core/http/shutdown.ts';
import { ensureTopics, projectTopics } from '../core/kafka/admin.ts';
import { KafkaProducer } from '../core/kafka/producer.ts';
import { topicName } from '../core/kafka/topics.ts';
import { createLogger } from '../core/log.ts';
import { buildIngestApp } from './app.ts';

const config = loadConfig();
const logger = createLogger('ingest', config.log.level);
// No key, no start: checked before connecting anything.
if (config.ingest.hmacKey === undefined) {
  logger.fatal('ingest.hmacKey (env CALLWATCH_INGEST__HMAC_KEY) is not set: refusing to start');
  process.exit(2);
}

const topics = { cdrs: topicName(config.kafka, 'cdrs'), reports: topicName(config.kafka, 'reports') };
if (config.kafka.createTopics) await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports', 'deadLetter']));
const serde = AvroSerde.fromConfig(config.registry);
await serde.register('cdr', `${topics.cdrs}-value`);
await serde.register('nuisanceReport', `${topics.reports}-value`);
const producer = await KafkaProducer.connect(config.kafka, { clientId: `${config.kafka.clientId}-ingest` });

const app = buildIngestApp({ config: config.ingest, auth: config.auth, topics, producer, serde, logger });
await app.listen({ host: config.ingest.host, port: config.ingest.port });

stopOnSignals({
  logger,
  timeoutMs: config.ingest.shutdownTimeoutMs,
  announce: 'shutting down: no new requests, finishing in-flight ones, flushing the producer',
  stop: async () => {
    // close() stops accepting, answers new requests 503 and waits for in-flight ones (which
    // themselves wait for Kafka's acks); then whatever is still queued is flushed.
    await app.close();
    await producer.close(config.ingest.shutdownTimeoutMs);
  },
});
