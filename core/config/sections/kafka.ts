import { z } from 'zod';
import { stackDefaults } from '../stack-defaults.ts';
import { envInt, envBool } from './common.ts';

export const kafkaSection = z.strictObject({
  /** librdkafka bootstrap list, comma-separated host:port. */
  brokers: z.string().min(1).default(() => stackDefaults().kafkaBrokers),
  clientId: z.string().min(1).default('callwatch'),
  /** lz4 is always built; zstd only if libzstd-dev was present when node-rdkafka compiled. */
  compression: z.enum(['none', 'lz4', 'zstd', 'gzip', 'snappy']).default('lz4'),
  lingerMs: envInt(0, 1000).default(10),
  batchNumMessages: envInt(1, 1_000_000).default(20_000),
  /** Upper bound on records waiting in the producer; beyond it producers push back. */
  queueMaxMessages: envInt(1000, 10_000_000).default(500_000),
  /** How long a produce may wait for the broker's acknowledgement before it is reported failed. */
  deliveryTimeoutMs: envInt(1000, 600_000).default(30_000),
  /** Bounds consumer memory whatever the backlog. */
  consumerQueuedMaxKbytes: envInt(1024, 2_000_000).default(65_536),
  /**
   * Replication factor and min.insync.replicas of the topics the services create (existing topics
   * are left as they are). On a cluster: 3 and 2, so that an acks=all write survives one broker.
   */
  replicationFactor: envInt(1, 16).default(() => stackDefaults().kafkaReplicationFactor),
  minInsyncReplicas: envInt(1, 16).default(() => stackDefaults().kafkaMinInsyncReplicas),
  topicPrefix: z.string().regex(/^[a-zA-Z0-9._-]*$/).default(''),
  createTopics: envBool.default(true),
}).refine((k) => k.minInsyncReplicas <= k.replicationFactor, { message: 'minInsyncReplicas must not exceed replicationFactor', path: ['minInsyncReplicas'] });
export type KafkaConfig = z.infer<typeof kafkaSection>;
