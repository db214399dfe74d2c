import type { KafkaConfig } from '../config/sections/kafka.ts';
import { CallwatchError } from '../errors.ts';
import { readLingerBatch } from './linger-batch.ts';
import { KafkaConsumer, KAFKA_ERRORS, type KafkaMessage, type LibrdKafkaError, type TopicPartition, type TopicPartitionOffset } from './rdkafka.ts';

export type { KafkaMessage };

export interface ConsumerOptions {
  groupId: string;
  topics: readonly string[];
  clientId?: string;
  /** Longest a consumeBatch() waits for the first record. */
  consumeTimeoutMs?: number;
  /**
   * Longest the oldest record of a consumeBatch() waits for the batch to fill (core/kafka/linger-batch.ts).
   * 0 or absent: size only, node-rdkafka's own batch read, which ends at `max` records or at the
   * first gap of consumeTimeoutMs between two records.
   */
  lingerMs?: number;
  /** Called before partitions are taken away, while the consumer still owns them. */
  onRevoke?: (partitions: readonly TopicPartition[]) => void;
  onAssign?: (partitions: readonly TopicPartition[]) => void;
  extra?: Record<string, string | number | boolean>;
}

/**
 * A consumer for process-then-commit loops: records are read in batches, and offsets are committed
 * only when the caller says the batch is safely processed (at-least-once delivery; the sinks make
 * the effect exactly-once by writing idempotently).
 */
export class BatchConsumer {
  private closed = false;
  /** The latest offset committed (asynchronously) per partition still assigned: re-committed synchronously on close. */
  private readonly committed = new Map<string, TopicPartitionOffset>();

  private constructor(
    private readonly consumer: InstanceType<typeof KafkaConsumer>,
    private readonly timing: { consumeTimeoutMs: number; lingerMs: number },
  ) {}

  static async connect(config: KafkaConfig, options: ConsumerOptions): Promise<BatchConsumer> {
    // The rebalance callback is set up before the instance exists; it reaches it through this.
    const ref: { self?: BatchConsumer } = {};
    const consumer = new KafkaConsumer(
      {
        'metadata.broker.list': config.brokers,
        'group.id': options.groupId,
        'client.id': options.clientId ?? config.clientId,
        'enable.auto.commit': false,
        'enable.auto.offset.store': false,
        'enable.partition.eof': false,
        'queued.max.messages.kbytes': config.consumerQueuedMaxKbytes,
        'partition.assignment.strategy': 'range,roundrobin',
        'session.timeout.ms': 10_000,
        'heartbeat.interval.ms': 1_000,
        'max.poll.interval.ms': 300_000,
        'socket.keepalive.enable': true,
        rebalance_cb: (err: LibrdKafkaError, assignment: TopicPartition[]) => {
          if (err.code === KAFKA_ERRORS.ERR__ASSIGN_PARTITIONS) {
            options.onAssign?.(assignment);
            consumer.assign(assignment);
          } else if (err.code === KAFKA_ERRORS.ERR__REVOKE_PARTITIONS) {
            options.onRevoke?.(assignment);
            for (const p of assignment) ref.self?.committed.delete(`${p.topic}\u0000${p.partition}`);
            consumer.unassign();
          }
        },
        ...options.extra,
      },
      { 'auto.offset.reset': 'earliest' },
    );
    await new Promise<void>((resolve, reject) => {
      consumer.connect({ timeout: 10_000 }, (err: LibrdKafkaError | null | undefined) => {
        if (err) reject(new CallwatchError('CW_ERR_KAFKA_NOT_CONNECTED', err.message, { kafkaCode: err.code }));
        else resolve();
      });
    });
    consumer.subscribe([...options.topics]);
    ref.self = new BatchConsumer(consumer, { consumeTimeoutMs: options.consumeTimeoutMs ?? 500, lingerMs: options.lingerMs ?? 0 });
    return ref.self;
  }

  /**
   * Up to `max` records: as soon as `max` are in hand, or once the oldest in hand has waited
   * `lingerMs`; none once consumeTimeoutMs passes without a record. Without a linger, up to `max`
   * records or fewer once no record came for consumeTimeoutMs.
   */
  consumeBatch(max: number): Promise<KafkaMessage[]> {
    return readLingerBatch((n, timeoutMs) => this.consumeNative(n, timeoutMs), () => Date.now(), { max, lingerMs: this.timing.lingerMs, idleTimeoutMs: this.timing.consumeTimeoutMs });
  }

  /**
   * node-rdkafka's batch read: up to `max` records, waiting at most `timeoutMs` for EACH (not for the
   * whole call; see core/kafka/linger-batch.ts). consume() reads the default timeout synchronously,
   * so setting it just before applies to this call only, whatever other reads are in flight.
   */
  private consumeNative(max: number, timeoutMs: number): Promise<KafkaMessage[]> {
    return new Promise((resolve, reject) => {
      this.consumer.setDefaultConsumeTimeout(timeoutMs);
      this.consumer.consume(max, (err: LibrdKafkaError | null | undefined, messages) => {
        if (err && err.code !== KAFKA_ERRORS.ERR__TIMED_OUT) reject(new CallwatchError('CW_ERR_KAFKA_TIMEOUT', err.message, { kafkaCode: err.code }));
        else resolve(messages);
      });
    });
  }

  /**
   * Commits the position after the last record per partition, asynchronously: librdkafka sends the
   * commits in order, and a commit that is lost (coordinator moving, partitions revoked) only means
   * the batch is read and written again, which the idempotent sinks absorb. Not commitSync: that is
   * a blocking native call, and while the group coordinator's broker was down (cluster tests, leader
   * SIGKILL) it froze the whole process — no consuming, no /metrics — for 8 s up to minutes.
   */
  commit(messages: readonly KafkaMessage[]): void {
    const next = nextOffsets(messages);
    if (next.length === 0) return;
    this.consumer.commit(next);
    for (const p of next) this.committed.set(`${p.topic}\u0000${p.partition}`, p);
  }

  assignments(): TopicPartition[] {
    return this.consumer.assignments();
  }

  /** Records behind the log end, per assigned partition, from locally cached watermarks. */
  lag(): { topic: string; partition: number; lag: number }[] {
    const assigned = this.consumer.assignments();
    const positions = this.consumer.position(assigned);
    return positions.map((p) => {
      let high = p.offset;
      try {
        high = this.consumer.getWatermarkOffsets(p.topic, p.partition).highOffset;
      } catch {
        // no watermarks cached yet for this partition
      }
      return { topic: p.topic, partition: p.partition, lag: p.offset >= 0 ? Math.max(0, high - p.offset) : 0 };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A clean stop leaves every stored batch committed: the last offsets once more, synchronously
    // (an asynchronous commit may still be in flight). Failing here only means a re-read.
    if (this.committed.size > 0) {
      try {
        this.consumer.commitSync([...this.committed.values()]);
      } catch {
        // partitions taken away or coordinator gone: the next owner re-reads from the last commit
      }
    }
    await new Promise<void>((resolve) => this.consumer.disconnect(() => resolve()));
  }
}

/** For each topic-partition, the offset to commit after processing `messages`: last offset + 1. */
export function nextOffsets(messages: readonly Pick<KafkaMessage, 'topic' | 'partition' | 'offset'>[]): TopicPartitionOffset[] {
  const byPartition = new Map<string, TopicPartitionOffset>();
  for (const m of messages) {
    const key = `${m.topic}\u0000${m.partition}`;
    const cur = byPartition.get(key);
    if (!cur || m.offset + 1 > cur.offset) byPartition.set(key, { topic: m.topic, partition: m.partition, offset: m.offset + 1 });
  }
  return [...byPartition.values()];
}
