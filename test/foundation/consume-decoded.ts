// Child process for avro-roundtrip.test.ts: consumes `count` records from a topic, decodes them
// through the registry, and prints them as JSON lines. Runs in its own process on purpose: the
// reader shares no schema cache with the writer.
import { loadConfig } from '../../core/config/load.ts';
import { BatchConsumer } from '../../core/kafka/consumer.ts';
import { AvroSerde } from '../../core/avro/serde.ts';

const [topic, groupId, countText] = process.argv.slice(2);
if (!topic || !groupId || !countText) throw new Error('usage: consume-decoded.ts TOPIC GROUP COUNT');
const count = Number(countText);
const config = loadConfig();
const serde = AvroSerde.fromConfig(config.registry);
const consumer = await BatchConsumer.connect(config.kafka, { groupId, topics: [topic] });
const deadline = Date.now() + 60_000;
let seen = 0;
while (seen < count && Date.now() < deadline) {
  const batch = await consumer.consumeBatch(500);
  for (const m of batch) {
    if (!m.value) continue;
    const { schemaId, value } = await serde.decode('cdr', m.value);
    process.stdout.write(JSON.stringify({ schemaId, value }) + '\n');
    seen++;
  }
  consumer.commit(batch);
}
await consumer.close();
process.exit(seen === count ? 0 : 3);
