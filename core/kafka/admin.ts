import type { KafkaConfig } from '../config/sections/kafka.ts';
import { CallwatchError } from '../errors.ts';
import { AdminClient, KAFKA_ERRORS, type LibrdKafkaError } from './rdkafka.ts';
import { TOPICS, topicName, type TopicKey } from './topics.ts';

export interface TopicSpec {
  name: string;
  partitions: number;
  retentionMs?: number;
}

function createOne(admin: ReturnType<typeof AdminClient.create>, spec: TopicSpec, timeoutMs: number): Promise<'created' | 'exists'> {
  return new Promise((resolve, reject) => {
    const config: Record<string, string> = {};
    if (spec.retentionMs !== undefined) config['retention.ms'] = String(spec.retentionMs);
    admin.createTopic(
      { topic: spec.name, num_partitions: spec.partitions, replication_factor: 1, config },
      timeoutMs,
      (err: LibrdKafkaError | null | undefined) => {
        if (!err) resolve('created');
        else if (err.code === KAFKA_ERRORS.ERR_TOPIC_ALREADY_EXISTS) resolve('exists');
        else reject(new CallwatchError('CW_ERR_KAFKA_ADMIN', `create topic ${spec.name}: ${err.message}`, { topic: spec.name, kafkaCode: err.code }));
      },
    );
  });
}

/** Creates the given topics if they do not exist yet; existing ones are left as they are. */
export async function ensureTopics(config: KafkaConfig, specs: readonly TopicSpec[], timeoutMs = 15_000): Promise<void> {
  const admin = AdminClient.create({ 'metadata.broker.list': config.brokers, 'client.id': `${config.clientId}-admin` });
  try {
    for (const spec of specs) await createOne(admin, spec, timeoutMs);
  } finally {
    admin.disconnect();
  }
}

/** The project's own topics (TOPICS), under the configured prefix. */
export function projectTopics(config: Pick<KafkaConfig, 'topicPrefix'>, keys: readonly TopicKey[] = Object.keys(TOPICS) as TopicKey[]): TopicSpec[] {
  return keys.map((k) => ({ ...TOPICS[k], name: topicName(config, k) }));
}

export function deleteTopic(config: KafkaConfig, name: string, timeoutMs = 15_000): Promise<void> {
  const admin = AdminClient.create({ 'metadata.broker.list': config.brokers, 'client.id': `${config.clientId}-admin` });
  return new Promise<void>((resolve, reject) => {
    admin.deleteTopic(name, timeoutMs, (err: LibrdKafkaError | null | undefined) => {
      admin.disconnect();
      if (err) reject(new CallwatchError('CW_ERR_KAFKA_ADMIN', `delete topic ${name}: ${err.message}`, { topic: name }));
      else resolve();
    });
  });
}
