import type { KafkaConfig } from '../config/sections/kafka.ts';
import { CallwatchError } from '../errors.ts';
import { AdminClient, KAFKA_ERRORS, type LibrdKafkaError } from './rdkafka.ts';
import { TOPICS, topicName, type TopicKey } from './topics.ts';

export interface TopicSpec {
  name: string;
  partitions: number;
  retentionMs?: number;
}

type Replication = Pick<KafkaConfig, 'replicationFactor' | 'minInsyncReplicas'>;

/** The topic-level settings a new topic gets: its retention and the configured min ISR. */
export function topicSettings(spec: TopicSpec, replication: Replication): Record<string, string> {
  const config: Record<string, string> = { 'min.insync.replicas': String(replication.minInsyncReplicas) };
  if (spec.retentionMs !== undefined) config['retention.ms'] = String(spec.retentionMs);
  return config;
}

function createOne(admin: ReturnType<typeof AdminClient.create>, spec: TopicSpec, replication: Replication, timeoutMs: number): Promise<'created' | 'exists'> {
  return new Promise((resolve, reject) => {
    admin.createTopic(
      { topic: spec.name, num_partitions: spec.partitions, replication_factor: replication.replicationFactor, config: topicSettings(spec, replication) },
      timeoutMs,
      (err: LibrdKafkaError | null | undefined) => {
        if (!err) resolve('created');
        else if (err.code === KAFKA_ERRORS.ERR_TOPIC_ALREADY_EXISTS) resolve('exists');
        else reject(new CallwatchError('CW_ERR_KAFKA_ADMIN', `create topic ${spec.name}: ${err.message}`, { topic: spec.name, kafkaCode: err.code }));
      },
    );
  });
}

/**
 * Creates the given topics if they do not exist yet, replicated `kafka.replicationFactor` times with
 * `min.insync.replicas` = `kafka.minInsyncReplicas`; existing ones are left as they are.
 */
export async function ensureTopics(config: KafkaConfig, specs: readonly TopicSpec[], timeoutMs = 15_000): Promise<void> {
  const admin = AdminClient.create({ 'metadata.broker.list': config.brokers, 'client.id': `${config.clientId}-admin` });
  try {
    for (const spec of specs) await createOne(admin, spec, config, timeoutMs);
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
