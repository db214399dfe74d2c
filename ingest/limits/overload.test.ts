import { describe, expect, it } from 'vitest';
import { OverloadGuard } from './overload.ts';

describe('OverloadGuard', () => {
  it('sheds on producer queue pressure at the threshold, and not below it', () => {
    const producer = { queuePressure: 0.5, inFlight: 0 };
    const guard = new OverloadGuard(producer, { maxQueuePressure: 0.8, maxRecordsInFlight: 1_000_000, maxEventLoopLagMs: 10_000 });
    try {
      expect(guard.verdict()).toEqual({ overloaded: false });
      producer.queuePressure = 0.8;
      expect(guard.verdict()).toEqual({ overloaded: true, reason: 'producer_queue' });
    } finally {
      guard.close();
    }
  });

  it('sheds while the records waiting for Kafka reach their bound, and recovers below it', () => {
    const producer = { queuePressure: 0.01, inFlight: 99_999 };
    const guard = new OverloadGuard(producer, { maxQueuePressure: 0.8, maxRecordsInFlight: 100_000, maxEventLoopLagMs: 10_000 });
    try {
      expect(guard.verdict()).toEqual({ overloaded: false });
      producer.inFlight = 100_000;
      expect(guard.verdict()).toEqual({ overloaded: true, reason: 'producer_queue' });
      producer.inFlight = 42;
      expect(guard.verdict()).toEqual({ overloaded: false });
    } finally {
      guard.close();
    }
  });

  it('sheds while the CDR bodies waiting for a preparation thread reach their bound, and recovers below it', () => {
    const backlog = { queuedBytes: 64 * 1024 * 1024 - 1 };
    const guard = new OverloadGuard({ queuePressure: 0, inFlight: 0 }, { maxQueuePressure: 0.8, maxRecordsInFlight: 100_000, maxEventLoopLagMs: 10_000, maxPreparingBytes: 64 * 1024 * 1024 }, undefined, undefined, backlog);
    try {
      expect(guard.verdict()).toEqual({ overloaded: false });
      backlog.queuedBytes += 1;
      expect(guard.verdict()).toEqual({ overloaded: true, reason: 'preparation_backlog' });
      backlog.queuedBytes = 0;
      expect(guard.verdict()).toEqual({ overloaded: false });
    } finally {
      guard.close();
    }
  });

  it('sheds when the event loop lagged (p99 over the last interval), and recovers', async () => {
    let p99Ns = 50e6;
    const histogram = { enable: () => true, disable: () => true, reset: () => undefined, percentile: () => p99Ns };
    const guard = new OverloadGuard({ queuePressure: 0, inFlight: 0 }, { maxQueuePressure: 1, maxRecordsInFlight: 1_000_000, maxEventLoopLagMs: 20 }, 5, histogram);
    try {
      await new Promise((r) => setTimeout(r, 30));
      expect(guard.eventLoopLagMs).toBe(50);
      expect(guard.verdict()).toEqual({ overloaded: true, reason: 'event_loop_lag' });
      p99Ns = 1e6;
      await new Promise((r) => setTimeout(r, 30));
      expect(guard.verdict()).toEqual({ overloaded: false });
    } finally {
      guard.close();
    }
  });
});
