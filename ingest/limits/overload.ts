import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface PressureSource {
  /** 0..1, how full the producer's local queue is. */
  readonly queuePressure: number;
  /** Records handed to the producer and not yet acknowledged or failed. */
  readonly inFlight: number;
}

/** The part of perf_hooks' IntervalHistogram the guard reads (injectable for tests). */
export type LagHistogram = Pick<IntervalHistogram, 'enable' | 'disable' | 'reset' | 'percentile'>;

/** Work handed to the CDR preparation threads and not done yet (ingest/cdrs/cdr-preparer.ts). */
export interface BacklogSource {
  readonly queuedBytes: number;
}

export type OverloadVerdict = { overloaded: false } | { overloaded: true; reason: 'producer_queue' | 'preparation_backlog' | 'event_loop_lag' };

/**
 * Decides whether to shed new work: the producer's queue is too full or holds too many records
 * waiting for Kafka (Kafka slower than intake; each waiting record costs memory), or the event loop
 * lags (CPU saturated: accepting more would slow every request), or too many body bytes wait for
 * a preparation thread (the threads' cores saturated). Lag is the p99 event-loop delay over
 * the last sampling interval.
 */
export class OverloadGuard {
  private readonly histogram: LagHistogram;
  private readonly timer: NodeJS.Timeout;
  private lagMs = 0;

  constructor(
    private readonly producer: PressureSource,
    private readonly limits: { maxQueuePressure: number; maxRecordsInFlight: number; maxEventLoopLagMs: number; maxPreparingBytes?: number },
    intervalMs = 500,
    histogram?: LagHistogram,
    private readonly backlog?: BacklogSource,
  ) {
    this.histogram = histogram ?? monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.lagMs = this.histogram.percentile(99) / 1e6;
      this.histogram.reset();
    }, intervalMs);
    this.timer.unref();
  }

  /** p99 event-loop delay of the last interval, in ms. */
  get eventLoopLagMs(): number {
    return this.lagMs;
  }

  verdict(): OverloadVerdict {
    if (this.producer.queuePressure >= this.limits.maxQueuePressure || this.producer.inFlight >= this.limits.maxRecordsInFlight) return { overloaded: true, reason: 'producer_queue' };
    if (this.backlog !== undefined && this.limits.maxPreparingBytes !== undefined && this.backlog.queuedBytes >= this.limits.maxPreparingBytes) {
      return { overloaded: true, reason: 'preparation_backlog' };
    }
    if (this.lagMs >= this.limits.maxEventLoopLagMs) return { overloaded: true, reason: 'event_loop_lag' };
    return { overloaded: false };
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
