/** Where a record was read from: provenance stored beside it and put in dead-letter headers. */
export interface SourcePosition {
  topic: string;
  partition: number;
  offset: number;
  /** Kafka timestamp (epoch ms), if the message had one. */
  timestamp: number | undefined;
}
