// npx tsx bench/ingest/stages.ts [records]
// Where a collector's time goes, per CDR, stage by stage, in one process without HTTP: the same
// functions POST /v1/cdrs calls (parse, validate + normalise, Avro encode + produce, await acks),
// on the load generator's traffic. A profile of the whole process (--cpu-prof) agrees in shape.
import { AvroSerde } from '../../core/avro/serde.ts';
import { loadConfig } from '../../core/config/load.ts';
import { deleteTopic, ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';
import { topicName } from '../../core/kafka/topics.ts';
import { checkCdrBatch } from '../../ingest/cdrs/check-batch.ts';
import { adaptCdrBody } from '../../ingest/http/cdr-formats.ts';
import { NumberNormaliser } from '../../ingest/validation/numbers.ts';
import { CdrTraffic, DEFAULT_TRAFFIC } from '../load/traffic.ts';

const records = Number(process.argv[2] ?? '200000');
const batch = 2000;
const kafka = { ...loadConfig().kafka, topicPrefix: `bench.stages${Date.now().toString(36)}.` };
const traffic = new CdrTraffic({ ...DEFAULT_TRAFFIC, startMs: Date.now() - 6 * 3_600_000 });
const bodies = Array.from({ length: Math.ceil(records / batch) }, () => JSON.stringify(traffic.batch(batch)));

await ensureTopics(kafka, projectTopics(kafka, ['cdrs']));
const topic = topicName(kafka, 'cdrs');
const serde = AvroSerde.fromConfig(loadConfig().registry);
await serde.register('cdr', `${topic}-value`);
const producer = await KafkaProducer.connect(kafka);
const spent = { parse: 0, validateColdMemo: 0, validateWarmMemo: 0, encodeEachRecord: 0, encode: 0, encodeAndProduceCalls: 0, awaitAcks: 0 };
const time = <T>(stage: keyof typeof spent, f: () => T): T => {
  const t = process.hrtime.bigint();
  const out = f();
  spent[stage] += Number(process.hrtime.bigint() - t) / 1e3;
  return out;
};
const ctx = { platform: 'bench', nowMs: Date.now(), futureSkewMs: 300_000, maxTextLength: 200 };
const cold = new NumberNormaliser('GB', 1); // memo of one: every number parsed by libphonenumber
const warm = new NumberNormaliser('GB');
const scratch = Buffer.alloc(64 * 1024);
const wall = process.hrtime.bigint();
try {
  for (const text of bodies) {
    const { records: adapted } = time('parse', () => adaptCdrBody({ mediaType: 'application/json', body: Buffer.from(text), timeZone: 'UTC', maxRecords: 20_000 }));
    time('validateColdMemo', () => checkCdrBatch(adapted, { ...ctx, numbers: cold }));
    checkCdrBatch(adapted, { ...ctx, numbers: warm }); // fills the memo: the timed pass is all hits
    const checked = time('validateWarmMemo', () => checkCdrBatch(adapted, { ...ctx, numbers: warm }));
    // The former way (encode() per record: two allocations and two copies each), timed for comparison only.
    time('encodeEachRecord', () => checked.accepted.map(({ record }) => serde.encode('cdr', record)));
    // Encoding alone, as POST /v1/cdrs does it (in place, into one reused buffer), for comparison.
    const write = serde.framer('cdr');
    time('encode', () => {
      for (const { record } of checked.accepted) write(record, scratch, 0);
    });
    // deliverFrom's two halves: encoding and handing records to librdkafka (CPU), then waiting for the acks.
    const accepted = checked.accepted;
    const acked = time('encodeAndProduceCalls', () =>
      producer.sendFrom(topic, {
        count: accepted.length,
        key: (i) => `${accepted[i]?.record.platform ?? ''}/${accepted[i]?.record.cdr_id ?? ''}`,
        writeValue: (i, buf) => (accepted[i] ? write(accepted[i].record, buf, 0) : 0),
      }),
    );
    const t = process.hrtime.bigint();
    await acked;
    spent.awaitAcks += Number(process.hrtime.bigint() - t) / 1e3;
  }
} finally {
  await producer.close();
  await deleteTopic(kafka, topic).catch(() => undefined);
}
const n = bodies.length * batch;
const perCdr = Object.fromEntries(Object.entries(spent).map(([k, us]) => [k, Math.round((us / n) * 100) / 100]));
// CPU on the collector's thread per CDR (acks are waited for concurrently across requests).
const cpuUs = (perCdr.parse ?? 0) + (perCdr.validateWarmMemo ?? 0) + (perCdr.encodeAndProduceCalls ?? 0);
process.stdout.write(`${JSON.stringify({ records: n, microsecondsPerCdr: perCdr, ceilingCdrsPerSecondWarmMemo: Math.round(1e6 / cpuUs), wallSeconds: Number(process.hrtime.bigint() - wall) / 1e9 }, null, 2)}\n`);
