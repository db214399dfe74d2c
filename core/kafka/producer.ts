import type { KafkaConfig } from '../config/sections/kafka.ts';
import { CallwatchError } from '../errors.ts';
import { Producer, KAFKA_ERRORS, type LibrdKafkaError, type MessageHeader, type Metadata } from './rdkafka.ts';

export interface ProduceRecord {
  topic: string;
  value: Buffer;
  key?: Buffer | string | null;
  partition?: number;
  /** Kafka timestamp in epoch ms; the broker's/producer's clock when absent. */
  timestamp?: number;
  headers?: MessageHeader[];
}

export interface Delivered {
  topic: string;
  partition: number;
  offset: number;
}

/** Who waits for one record's delivery report: its own send(), or a whole sendBatch(). */
interface Pending {
  acked: (report: Delivered) => void;
  failed: (e: Error) => void;
}

/**
 * One promise for a batch of records: resolves at the last acknowledgement, rejects at the first
 * failure. A class rather than closures in sendBatch, so that what waits for the acknowledgements
 * does not keep the batch's records (values, keys) alive: librdkafka has its own copy of them.
 */
class BatchWaiter implements Pending {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (e: Error) => void;
  private settled = false;

  constructor(private unconfirmed: number) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  acked(): void {
    this.unconfirmed--;
    if (this.unconfirmed === 0 && !this.settled) {
      this.settled = true;
      this.resolve();
    }
  }

  failed(e: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(e);
  }
}

export interface ProducerOptions {
  clientId?: string;
  /** How long send() keeps retrying while librdkafka's local queue is full before giving up. */
  queueFullWaitMs?: number;
  /** Extra librdkafka properties (benchmarks, tests). */
  extra?: Record<string, string | number | boolean>;
}

/**
 * Idempotent, acks=all producer whose send() resolves only when the broker has confirmed the
 * record (librdkafka delivery report), so a caller can acknowledge its own client safely.
 */
export class KafkaProducer {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly producer: InstanceType<typeof Producer>,
    private readonly queueFullWaitMs: number,
    readonly maxQueued: number,
  ) {
    producer.on('delivery-report', (err: LibrdKafkaError | null | undefined, report) => {
      const id = report.opaque as number;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (err) p.failed(new CallwatchError('CW_ERR_KAFKA_PRODUCE', `${err.message} (librdkafka ${err.code})`, { kafkaCode: err.code }));
      else p.acked(report);
    });
  }

  static async connect(config: KafkaConfig, options: ProducerOptions = {}): Promise<KafkaProducer> {
    const producer = new Producer({
      'metadata.broker.list': config.brokers,
      'client.id': options.clientId ?? config.clientId,
      'enable.idempotence': true,
      'compression.codec': config.compression,
      'linger.ms': config.lingerMs,
      'batch.num.messages': config.batchNumMessages,
      'queue.buffering.max.messages': config.queueMaxMessages,
      'queue.buffering.max.kbytes': 1_048_576,
      'socket.keepalive.enable': true,
      dr_cb: true,
      ...options.extra,
    }, { 'request.required.acks': -1, 'message.timeout.ms': config.deliveryTimeoutMs });
    await new Promise<void>((resolve, reject) => {
      producer.connect({ timeout: 10_000 }, (err: LibrdKafkaError | null | undefined) => {
        if (err) reject(new CallwatchError('CW_ERR_KAFKA_NOT_CONNECTED', err.message, { kafkaCode: err.code }));
        else resolve();
      });
    });
    // Delivery reports arrive only when the client is polled.
    producer.setPollInterval(5);
    return new KafkaProducer(producer, options.queueFullWaitMs ?? 5_000, config.queueMaxMessages);
  }

  /** Records handed to librdkafka and not yet confirmed or failed. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** 0..1: how full the local queue is; collectors shed load before it reaches 1. */
  get queuePressure(): number {
    return this.pending.size / this.maxQueued;
  }

  send(record: ProduceRecord): Promise<Delivered> {
    if (this.closed) return Promise.reject(new CallwatchError('CW_ERR_KAFKA_NOT_CONNECTED', 'producer closed'));
    return new Promise<Delivered>((resolve, reject) => {
      this.produceTracked(record, { acked: (r) => resolve({ topic: r.topic, partition: r.partition, offset: r.offset }), failed: reject });
    });
  }

  /**
   * Sends every record and resolves once the broker confirmed ALL of them, or rejects with the
   * first failure (like Promise.all over send(), the rest are still sent). One promise and one
   * tracker for the whole batch instead of one promise per record: the collectors' hot path.
   */
  sendBatch(records: readonly ProduceRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new CallwatchError('CW_ERR_KAFKA_NOT_CONNECTED', 'producer closed'));
    if (records.length === 0) return Promise.resolve();
    const waiter = new BatchWaiter(records.length);
    for (const record of records) this.produceTracked(record, waiter);
    return waiter.done;
  }

  /** Hands one record to librdkafka; `waiter` hears its delivery report (or why it was refused). */
  private produceTracked(record: ProduceRecord, waiter: Pending): void {
    const id = this.nextId++;
    this.pending.set(id, waiter);
    // The common case without a closure per record: the hot path of the collectors.
    try {
      this.producer.produce(record.topic, record.partition ?? null, record.value, record.key ?? null, record.timestamp ?? null, id, record.headers);
    } catch (err) {
      this.refused(record, id, err, Date.now() + this.queueFullWaitMs);
    }
  }

  /** librdkafka refused a record: while its local queue is full, try again until `deadline`; else fail its waiter. */
  private refused(record: ProduceRecord, id: number, err: unknown, deadline: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    const code = (err as { code?: number }).code;
    if (code === KAFKA_ERRORS.ERR__QUEUE_FULL && Date.now() < deadline) {
      this.producer.poll();
      setTimeout(() => {
        try {
          this.producer.produce(record.topic, record.partition ?? null, record.value, record.key ?? null, record.timestamp ?? null, id, record.headers);
        } catch (again) {
          this.refused(record, id, again, deadline);
        }
      }, 5);
      return;
    }
    this.pending.delete(id);
    p.failed(
      code === KAFKA_ERRORS.ERR__QUEUE_FULL
        ? new CallwatchError('CW_ERR_KAFKA_QUEUE_FULL', `still full after ${this.queueFullWaitMs} ms`)
        : new CallwatchError('CW_ERR_KAFKA_PRODUCE', (err as Error).message, { kafkaCode: code }),
    );
  }

  /** Sends every record; each settles on its own (one failure does not fail the others). */
  sendAll(records: readonly ProduceRecord[]): Promise<PromiseSettledResult<Delivered>[]> {
    return Promise.allSettled(records.map((r) => this.send(r)));
  }

  metadata(timeoutMs = 3_000): Promise<Metadata> {
    return new Promise((resolve, reject) => {
      this.producer.getMetadata({ timeout: timeoutMs }, (err: LibrdKafkaError | null | undefined, md) => {
        if (err) reject(new CallwatchError('CW_ERR_KAFKA_TIMEOUT', `metadata: ${err.message}`, { kafkaCode: err.code }));
        else resolve(md);
      });
    });
  }

  flush(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      this.producer.flush(timeoutMs, (err: LibrdKafkaError | null | undefined) => {
        if (err) reject(new CallwatchError('CW_ERR_KAFKA_TIMEOUT', `flush: ${err.message}`));
        else resolve();
      });
    });
  }

  /** Flushes what is queued (bounded), then disconnects; unconfirmed sends are rejected. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush(timeoutMs).catch(() => undefined);
    this.producer.setPollInterval(0);
    await new Promise<void>((resolve) => this.producer.disconnect(timeoutMs, () => resolve()));
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.failed(new CallwatchError('CW_ERR_KAFKA_PRODUCE', 'producer closed before delivery was confirmed'));
    }
  }
}
