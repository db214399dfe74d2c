import { describe, expect, it } from 'vitest';
import { CallwatchError } from '../core/errors.ts';
import type { KafkaMessage } from '../core/kafka/consumer.ts';
import { createLogger } from '../core/log.ts';
import { WeekCalendar } from '../core/weeks.ts';
import type { DeadLetterTarget, RecordSink, RecordSource } from './components.ts';
import { Pipeline } from './pipeline.ts';
import type { WriteResult } from './sinks/clickhouse-records.ts';

// The retry policy of the processing loop: a step is repeated only while it fails with an error the
// code table (core/errors.ts) calls retryable; anything else stops the loop with the batch
// uncommitted. The source, sink and dead-letter target here are in-memory implementations of the
// pipeline's own contracts (processors/components.ts), not stand-ins for Kafka or ClickHouse.

const message: KafkaMessage = { topic: 't.cdrs', partition: 0, offset: 0, value: Buffer.alloc(0), size: 0, key: null, timestamp: 1 };

function source(): RecordSource & { commits: number } {
  let handedOut = false;
  return {
    commits: 0,
    consume: () => {
      const batch = handedOut ? [] : [message];
      handedOut = true;
      return Promise.resolve(batch);
    },
    decode: () => Promise.resolve({ items: [], poison: [] }),
    commit() {
      this.commits += 1;
      return true;
    },
    updateLagMetric: () => undefined,
  };
}

const written: WriteResult = {
  byStream: { cdrs: { records: 0, rows: 0, deduplicated: 0 }, reports: { records: 0, rows: 0, deduplicated: 0 } },
  conflicts: [],
};

/** A sink that fails with each of `failures` in turn, then succeeds. */
function sink(failures: Error[]): RecordSink & { attempts: number } {
  return {
    attempts: 0,
    write() {
      const failure = failures[this.attempts];
      this.attempts += 1;
      return failure ? Promise.reject(failure) : Promise.resolve(written);
    },
  };
}

const deadLetter: DeadLetterTarget = { send: () => Promise.resolve() };
const context = { weeks: new WeekCalendar('UTC'), shortCallSeconds: 6 };
const log = createLogger('t', 'silent');

describe('Pipeline retries', () => {
  it('repeats a step that fails with a retryable error, then commits', async () => {
    const src = source();
    const out = sink([new CallwatchError('CW_ERR_CLICKHOUSE_UNAVAILABLE', 'down'), new CallwatchError('CW_ERR_KAFKA_TIMEOUT', 'slow')]);
    const pipeline = new Pipeline(src, out, deadLetter, context, { batchSize: 10, retryDelayMs: 1 }, log);
    const outcome = await pipeline.runOnce();
    await pipeline.settle();
    expect(out.attempts).toBe(3);
    expect(outcome.committed).toBe(true);
    expect(src.commits).toBe(1);
    expect(pipeline.healthy).toBe(true);
  });

  it.each([
    ['a statement ClickHouse refuses', new CallwatchError('CW_ERR_CLICKHOUSE_QUERY', 'Code: 62, Syntax error')],
    ['an error outside the code table', new TypeError('x is undefined')],
  ])('stops at %s, without retrying or committing', async (_what, failure) => {
    const src = source();
    const out = sink([failure]);
    const pipeline = new Pipeline(src, out, deadLetter, context, { batchSize: 10, retryDelayMs: 1 }, log);
    await expect(pipeline.runOnce()).rejects.toBe(failure);
    await pipeline.settle();
    expect(out.attempts).toBe(1);
    expect(src.commits).toBe(0);
    expect(pipeline.healthy).toBe(false);
  });
});
