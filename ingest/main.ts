// The collector service: `npm run start:ingest` after `npm run build` (node dist/ingest/main.js; in
// development `npx tsx ingest/main.ts`). Configuration from CALLWATCH_INGEST__* (see
// core/config/sections/ingest.ts); CALLWATCH_INGEST__HMAC_KEY is required (the collector's schema,
// checked before anything connects). Lifecycle: core/service/lifecycle.ts.
import { setFlagsFromString } from 'node:v8';
import { AvroSerde } from '../core/avro/serde.ts';
import { ingestServiceSchema } from '../core/config/schema.ts';
import { ensureTopics, projectTopics } from '../core/kafka/admin.ts';
import { KafkaProducer } from '../core/kafka/producer.ts';
import { topicName } from '../core/kafka/topics.ts';
import { runService } from '../core/service/lifecycle.ts';
import { buildIngestApp } from './app.ts';

// A request's parsed and validated records live for the few ms it takes to encode and produce them.
// When a young-generation GC lands inside that window they survive it, and V8's allocation-site
// pretenuring then allocates every later record of those sites directly in the old generation, where
// only a full GC frees them: under load the heap grew ~2.5 MB per young GC to 130 MB between full GCs.
// Without pretenuring they die young (bench/README.md, "Collectors": peak RSS and GC time).
setFlagsFromString('--no-allocation-site-pretenuring');
// What still reaches the old generation is garbage within a second: request bodies' text, live in
// new large-object space while JSON.parse reads it and promoted when a young GC lands then, and
// records that were in hand at one. V8 lets the old generation grow to up to 4x its live size before
// the next full GC; the collector's live heap is ~35 MB, so that garbage alone reached 40-60 MB. A
// limit of 1.5x live (read at every full GC, so it works when set here) costs a few more full GCs
// (tens of ms per run of the benchmark) for ~25 MiB less peak RSS (bench/README.md, "Collectors").
setFlagsFromString('--heap-growing-percent=50');

await runService({
  name: 'ingest',
  schema: ingestServiceSchema,
  logLevel: (config) => config.log.level,
  stopTimeoutMs: (config) => config.ingest.shutdownTimeoutMs,
  async connect(config) {
    const topics = { cdrs: topicName(config.kafka, 'cdrs'), reports: topicName(config.kafka, 'reports') };
    if (config.kafka.createTopics) await ensureTopics(config.kafka, projectTopics(config.kafka, ['cdrs', 'reports', 'deadLetter']));
    const serde = AvroSerde.fromConfig(config.registry);
    await serde.register('cdr', `${topics.cdrs}-value`);
    await serde.register('nuisanceReport', `${topics.reports}-value`);
    const producer = await KafkaProducer.connect(config.kafka, { clientId: `${config.kafka.clientId}-ingest` });
    return { topics, serde, producer };
  },
  async serve({ topics, serde, producer }, config, logger) {
    const app = buildIngestApp({ config: config.ingest, auth: config.auth, topics, producer, serde, logger });
    await app.listen({ host: config.ingest.host, port: config.ingest.port });
    // close() stops accepting, answers new requests 503 and waits for in-flight ones (which
    // themselves wait for Kafka's acks).
    return { drain: () => app.close() };
  },
  // Whatever is still queued in the producer is flushed.
  close: ({ producer }, config) => producer.close(config.ingest.shutdownTimeoutMs),
});
