import type { ProcessorsConfig } from '../core/config/sections/processors.ts';
import { errorMessage, isRetryable } from '../core/errors.ts';
import type { KafkaMessage } from '../core/kafka/consumer.ts';
import type { Logger } from '../core/log.ts';
import { counter, histogram, SIZE_BUCKETS } from '../core/metrics.ts';
import type { DeadLetterTarget, RecordSink, RecordSource } from './components.ts';
import type { PoisonRecord } from './sinks/dead-letter.ts';
import type { RowContext } from './streams/stream.ts';
import { toRows, type RecordRows } from './transforms/to-rows.ts';

// One processing loop: consume a bounded batch -> decode (source) -> rows (transform, by each
// stream's declaration) -> insert what is not stored yet (sink) -> dead letters -> commit. Kafka
// delivery is at-least-once (commit only after the batch is stored); the effect is exactly-once
// because the sink writes each record once (identity index) and the aggregates the inserts feed are
// idempotent states. A failure before the commit simply means the batch is read and written again.
//
// While batch k is written, batch k+1 is already read and decoded (one batch ahead, so memory stays
// bounded at two batches). Only reading overlaps: inserts, dead letters and commits run one batch at
// a time in order, and a batch's offsets are committed only after that batch itself is stored. A
// read-ahead batch that is never written (stop, crash) is not committed, so it is read again.

const metrics = {
  batchSize: histogram('callwatch_processor_batch_records', 'Kafka records per processed batch', [], SIZE_BUCKETS),
  recordAge: histogram('callwatch_processor_record_age_at_insert_seconds', "Time from a record's Kafka timestamp to the end of its insert", [], [
    0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600,
  ]),
  retries: counter('callwatch_processor_retries_total', 'Failed attempts that were retried', ['step']),
  commitsLost: counter('callwatch_processor_commits_lost_total', 'Batches stored but not committed because their partitions were revoked'),
  batches: counter('callwatch_processor_batches_total', 'Batches processed and committed'),
};

export type PipelineConfig = Pick<ProcessorsConfig, 'batchSize' | 'retryDelayMs'>;

export interface BatchOutcome {
  consumed: number;
  cdrsWritten: number;
  reportsWritten: number;
  deduplicated: number;
  /** Copies refused because a record with the same identity is stored with other content. */
  conflicts: number;
  deadLettered: number;
  committed: boolean;
}

/** A batch read, decoded and turned into rows: everything before the first write. */
interface ReadBatch {
  messages: KafkaMessage[];
  poison: PoisonRecord[];
  records: RecordRows[];
}

export class Pipeline {
  private stopRequested = false;
  /** The next batch, being read and decoded while the current one is written. */
  private readAhead: Promise<ReadBatch> | undefined;
  private deadline = Number.POSITIVE_INFINITY;
  /** False while a step is failing and being retried (for /readyz). */
  healthy = true;

  constructor(
    private readonly source: RecordSource,
    private readonly sink: RecordSink,
    private readonly deadLetter: DeadLetterTarget,
    private readonly context: RowContext,
    private readonly config: PipelineConfig,
    private readonly log: Logger,
  ) {}

  /** Finish the batch in hand, then return from run(); give up retrying after `graceMs`. */
  stop(graceMs: number): void {
    this.stopRequested = true;
    this.deadline = Date.now() + graceMs;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  async run(onBatch?: (o: BatchOutcome) => void): Promise<void> {
    try {
      while (!this.stopRequested) {
        const outcome = await this.runOnce();
        if (outcome.consumed > 0) onBatch?.(outcome);
      }
    } finally {
      await this.settle();
    }
  }

  /**
   * Waits for a read-ahead batch still in flight and drops it unwritten and uncommitted (the group
   * hands it out again). Call before closing the source when driving runOnce() directly.
   */
  async settle(): Promise<void> {
    const pending = this.readAhead;
    this.readAhead = undefined;
    await pending?.catch(() => undefined);
  }

  async runOnce(): Promise<BatchOutcome> {
    const pending = this.readAhead;
    this.readAhead = undefined;
    const { messages, poison, records } = await (pending ?? this.read());
    if (messages.length === 0) {
      this.source.updateLagMetric();
      return { consumed: 0, cdrsWritten: 0, reportsWritten: 0, deduplicated: 0, conflicts: 0, deadLettered: 0, committed: false };
    }
    // A backlog is likely behind a non-empty batch: start on the next one while this one is written.
    if (!this.stopRequested) {
      const next = this.read();
      next.catch(() => undefined); // observed when awaited by the next runOnce() or settle()
      this.readAhead = next;
    }
    const written = await this.retry('write', () => this.sink.write(records));
    this.observeAges(messages);
    const deadLetters = [...poison, ...written.conflicts];
    await this.retry('dead-letter', () => this.deadLetter.send(deadLetters));
    for (const p of deadLetters) this.log.warn({ topic: p.at.topic, partition: p.at.partition, offset: p.at.offset, reason: p.reason, detail: p.detail }, 'dead-lettered');
    const committed = this.source.commit(messages);
    if (committed) metrics.batches.inc();
    else metrics.commitsLost.inc();
    this.source.updateLagMetric();
    return {
      consumed: messages.length,
      cdrsWritten: written.byStream.cdrs.records,
      reportsWritten: written.byStream.reports.records,
      deduplicated: written.byStream.cdrs.deduplicated + written.byStream.reports.deduplicated,
      conflicts: written.conflicts.length,
      deadLettered: deadLetters.length,
      committed,
    };
  }

  private async read(): Promise<ReadBatch> {
    const messages = await this.source.consume(this.config.batchSize);
    if (messages.length === 0) return { messages, poison: [], records: [] };
    metrics.batchSize.observe(messages.length);
    const decoded = await this.retry('decode', () => this.source.decode(messages));
    const transformed = toRows(decoded.items, this.context);
    return { messages, poison: [...decoded.poison, ...transformed.invalid], records: transformed.records };
  }

  private observeAges(messages: readonly KafkaMessage[]): void {
    const now = Date.now();
    for (const m of messages) if (m.timestamp !== undefined && m.timestamp > 0) metrics.recordAge.observe(Math.max(0, now - m.timestamp) / 1000);
  }

  /**
   * Repeats a step while it fails with an error the code table calls retryable (core/errors.ts:
   * ClickHouse, Kafka or the registry unreachable); any other failure (a statement ClickHouse
   * refuses, a bug) would fail the same way again, so it is thrown at once and stops the processor
   * with the batch uncommitted. After stop() it stops trying once the grace period is over.
   */
  private async retry<T>(step: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await fn();
        this.healthy = true;
        return result;
      } catch (err) {
        this.healthy = false;
        // A processor stuck retrying still reports how far behind it falls (the lag alert's input).
        this.source.updateLagMetric();
        if (!isRetryable(err)) throw err;
        metrics.retries.inc({ step });
        if (Date.now() > this.deadline) throw err;
        this.log.warn({ step, attempt, err: errorMessage(err) }, 'step failed; retrying');
        await new Promise((r) => setTimeout(r, this.config.retryDelayMs));
      }
    }
  }
}
