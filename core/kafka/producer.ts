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

/**
 * Who waits for records' delivery reports: one send(), or a whole sendBatch() / sendFrom(). It is
 * handed to librdkafka as each record's opaque and comes back in the record's delivery report, so
 * no map from record to waiter is kept per record.
 */
interface Pending {
  /** One record confirmed; true when that settled the waiter. */
  acked: (report: Delivered) => boolean;
  /** One record failed; true when that settled the waiter. */
  failed: (e: Error) => boolean;
  /** Resolved or rejected: later reports of its records change nothing. */
  readonly settled: boolean;
}

/** One record's waiter (send()). */
class RecordWaiter implements Pending {
  settled = false;
  constructor(
    private readonly resolve: (d: Delivered) => void,
    private readonly reject: (e: Error) => void,
  ) {}

  acked(r: Delivered): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.resolve({ topic: r.topic, partition: r.partition, offset: r.offset });
    return true;
  }

  failed(e: Error): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.reject(e);
    return true;
  }
}

/**
 * One promise for a batch of records: resolves at the last acknowledgement, rejects at the first
 * failure. A class rather than closures in sendBatch, so that what waits for the acknowledgements
 * does not keep the batch's records (values, keys) alive: librdkafka has its own copy of them.
 */
class BatchWaiter implements Pending {
  readonly done: Promise<void>;
  settled = false;
  private resolve!: () => void;
  private reject!: (e: Error) => void;

  constructor(private unconfirmed: number) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  acked(): boolean {
    this.unconfirmed--;
    if (this.unconfirmed !== 0 || this.settled) return false;
    this.settled = true;
    this.resolve();
    return true;
  }

  failed(e: Error): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.reject(e);
    return true;
  }
}

/**
 * Records that sendFrom() writes one at a time into the producer's scratch buffer: librdkafka copies
 * each value and key when it is handed over, so no Buffer is made per record.
 */
export interface RecordSource {
  readonly count: number;
  /** Record i's key. */
  key(i: number): string;
  /**
   * Writes record i's value into `buf` from offset 0 and returns its length, or minus the number of
   * bytes missing when it does not fit (avsc's `Type.encode` convention): it is then asked again
   * with a larger buffer.
   */
  writeValue(i: number, buf: Buffer): number;
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
  /** Records handed to librdkafka whose delivery report has not come yet. */
  private unreported = 0;
  /** Waiters not settled yet (close() fails them). */
  private readonly waiting = new Set<Pending>();
  private closed = false;
  /** sendFrom()'s scratch for one value at a time, and a view of each length on it (made once). */
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private views: (Buffer | undefined)[] = [];

  private constructor(
    private readonly producer: InstanceType<typeof Producer>,
    private readonly queueFullWaitMs: number,
    readonly maxQueued: number,
  ) {
    producer.on('delivery-report', (err: LibrdKafkaError | null | undefined, report) => {
      const p = report.opaque as Pending | undefined;
      if (p === undefined) return;
      this.unreported--;
      const settled = err ? p.failed(new CallwatchError('CW_ERR_KAFKA_PRODUCE', `${err.message} (librdkafka ${err.code})`, { kafkaCode: err.code })) : p.acked(report);
      if (settled) this.waiting.delete(p);
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
    return this.unreported;
  }

  /** 0..1: how full the local queue is; collectors shed load before it reaches 1. */
  get queuePressure(): number {
    return this.unreported / this.maxQueued;
  }

  send(record: ProduceRecord): Promise<Delivered> {
    if (this.closed) return Promise.reject(new CallwatchError('CW_ERR_KAFKA_NOT_CONNECTED', 'producer closed'));
    return new Promise<Delivered>((resolve, reject) => {
      const waiter = new RecordWaiter(resolve, reject);
      this.waiting.add(waiter);
      this.produceTracked(record.topic, record.value, record.key, record, waiter);
    });
  }

  /**
   * Sends every record and resolves once the broker confirmed ALL of them, or rejects with the
   * first failure (like Promise.all over send(), the rest are still sent). One promise and one
   * tracker for the whole batch instead of one promise per record.
   */
  sendBatch(records: readonly ProduceRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new CallwatchError('CW_ERR_KAFKA_NOT_CONNECTED', 'producer closed'));
    if (records.length === 0) return Promise.resolve();
    const waiter = new BatchWaiter(records.length);
    this.waiting.add(waiter);
    for (const record of records) this.produceTracked(record.topic, record.value, record.key, record, waiter);
    return waiter.done;
  }

  /**
   * sendBatch() for records written one at a time into one reused buffer (the collectors' hot path:
   * no value Buffer, record object or Map entry per record). Resolves once the broker confirmed all
   * of them, rejects at the first failure. What `source` throws (an encoding error) is thrown from
   * here, after the records before it were handed over; the rest are not sent.
   */
  sendFrom(topic: string, source: RecordSource): Promise<void> {
    if (this.closed) return Promise.reject(new CallwatchError('CW_ERR_KAFKA_NOT_CONNECTED', 'producer closed'));
    if (source.count === 0) return Promise.resolve();
    const waiter = new BatchWaiter(source.count);
    this.waiting.add(waiter);
    for (let i = 0; i < source.count; i++) {
      let length: number;
      try {
        length = this.writeValue(source, i);
      } catch (err) {
        // Nobody will await this batch: settle it quietly (its records already sent are reported and ignored).
        waiter.settled = true;
        this.waiting.delete(waiter);
        throw err;
      }
      let view = this.views[length];
      if (view === undefined) {
        view = this.scratch.subarray(0, length);
        this.views[length] = view;
      }
      // librdkafka copies the value now (RK_MSG_COPY): the scratch is free again when produce returns.
      this.produceTracked(topic, view, source.key(i), undefined, waiter);
    }
    return waiter.done;
  }

  private writeValue(source: RecordSource, i: number): number {
    for (;;) {
      const length = source.writeValue(i, this.scratch);
      if (length >= 0) return length;
      this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length - length));
      this.views = [];
    }
  }

  /**
   * Hands one record to librdkafka; `waiter` hears its delivery report (or why it was refused).
   * `owned`: the record when its value is the caller's own (kept for a retry as it is); without it
   * the value is the scratch buffer's and is copied should it be needed later.
   */
  private produceTracked(topic: string, value: Buffer, key: Buffer | string | null | undefined, owned: ProduceRecord | undefined, waiter: Pending): void {
    this.unreported++;
    try {
      this.producer.produce(topic, owned?.partition ?? null, value, key ?? null, owned?.timestamp ?? null, waiter, owned?.headers);
    } catch (err) {
      const record = owned ?? { topic, value: Buffer.from(value), key: key ?? null };
      this.refused(record, waiter, err, Date.now() + this.queueFullWaitMs);
    }
  }

  /** librdkafka refused a record: while its local queue is full, try again until `deadline`; else fail its waiter. */
  private refused(record: ProduceRecord, waiter: Pending, err: unknown, deadline: number): void {
    const code = (err as { code?: number }).code;
    if (code === KAFKA_ERRORS.ERR__QUEUE_FULL && Date.now() < deadline) {
      this.producer.poll();
      setTimeout(() => {
        try {
          this.producer.produce(record.topic, record.partition ?? null, record.value, record.key ?? null, record.timestamp ?? null, waiter, record.headers);
        } catch (again) {
          this.refused(record, waiter, again, deadline);
        }
      }, 5);
      return;
    }
    // No delivery report will come for it (after close() nothing is counted any more).
    if (this.unreported > 0) this.unreported--;
    const settled = waiter.failed(
      code === KAFKA_ERRORS.ERR__QUEUE_FULL
        ? new CallwatchError('CW_ERR_KAFKA_QUEUE_FULL', `still full after ${this.queueFullWaitMs} ms`)
        : new CallwatchError('CW_ERR_KAFKA_PRODUCE', (err as Error).message, { kafkaCode: code }),
    );
    if (settled) this.waiting.delete(waiter);
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
    for (const p of this.waiting) p.failed(new CallwatchError('CW_ERR_KAFKA_PRODUCE', 'producer closed before delivery was confirmed'));
    this.waiting.clear();
    this.unreported = 0;
  }
}
