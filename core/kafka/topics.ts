import type { KafkaConfig } from '../config/sections/kafka.ts';

// Every topic the project uses, with explicit partition counts: the broker never auto-creates.
export const TOPICS = {
  cdrs: { name: 'callwatch.cdrs.v1', partitions: 6, retentionMs: 14 * 86_400_000 },
  reports: { name: 'callwatch.reports.v1', partitions: 6, retentionMs: 14 * 86_400_000 },
  deadLetter: { name: 'callwatch.deadletter.v1', partitions: 1, retentionMs: 30 * 86_400_000 },
  alerts: { name: 'callwatch.alerts.v1', partitions: 1, retentionMs: 30 * 86_400_000 },
} as const;

export type TopicKey = keyof typeof TOPICS;

/** The topic's name with the configured prefix (tests use a prefix per run to stay isolated). */
export function topicName(config: Pick<KafkaConfig, 'topicPrefix'>, key: TopicKey): string {
  return `${config.topicPrefix}${TOPICS[key].name}`;
}
