// The only module that imports node-rdkafka: the rest of the project talks to core/kafka/*.
import Kafka from 'node-rdkafka';

export const { Producer, KafkaConsumer, AdminClient, CODES } = Kafka;
export const KAFKA_ERRORS = CODES.ERRORS;
export const librdkafkaFeatures: readonly string[] = Kafka.features;
export const librdkafkaVersion: string = Kafka.librdkafkaVersion;
export type {
  LibrdKafkaError,
  Message as KafkaMessage,
  MessageHeader,
  TopicPartition,
  TopicPartitionOffset,
  Metadata,
} from 'node-rdkafka';
