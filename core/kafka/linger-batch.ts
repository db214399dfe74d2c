// A batch bounded by size and by time: it closes when `max` records are in hand, or when the oldest
// record in hand has waited `lingerMs`, whichever comes first; with no record at all it closes empty
// after `idleTimeoutMs`.
//
// Why node-rdkafka's own batch read cannot do this: `KafkaConsumer.consume(number, cb)` runs
// `KafkaConsumerConsumeNum` (src/workers.cc) on the libuv thread pool, a loop that calls
// librdkafka's `consume(timeout_ms)` once per message until `number` messages are in hand or ONE
// of those calls times out. The timeout (setDefaultConsumeTimeout) is therefore per message, not
// for the whole call: records arriving closer together than the timeout keep the call going until
// `number` are in hand, so at any rate below saturation a 20,000-record batch waits for 20,000
// records. It also returns an error only when no message is in hand yet (with messages in hand the
// error ends the loop and the messages are returned).
//
// So the whole batch is bounded here, with calls whose own duration is bounded:
//   - `consume(1, t)` waits for one record for at most t (one message: the per-message timeout is
//     the call's timeout);
//   - `consume(n, 0)` takes what librdkafka has already fetched, up to n, without waiting for more
//     (a zero per-message timeout ends the loop at the first empty poll).

/** One native batch read: up to `max` records, each waited for at most `timeoutMs` (node-rdkafka's semantics). */
export type ConsumeFn<T> = (max: number, timeoutMs: number) => Promise<T[]>;

export interface LingerOptions {
  /** Most records in one batch. */
  max: number;
  /** Longest the oldest record in hand waits before the batch closes; 0 = no time bound (size only, see below). */
  lingerMs: number;
  /** Longest a read waits for its first record before returning an empty batch. */
  idleTimeoutMs: number;
}

/**
 * Reads one batch. Records already fetched are taken at once; the batch then waits for more only
 * while its oldest record is younger than `lingerMs`. An error after the first record ends the
 * batch and returns what is in hand (never dropped: those records were handed out by the consumer,
 * and losing them would let a later commit pass over them); the next read meets the error again.
 *
 * lingerMs = 0 keeps node-rdkafka's size-only read: one `consume(max, idleTimeoutMs)`, which ends at
 * `max` records or at the first gap of `idleTimeoutMs` between records.
 */
export async function readLingerBatch<T>(consume: ConsumeFn<T>, clock: () => number, o: LingerOptions): Promise<T[]> {
  if (o.lingerMs === 0) return consume(o.max, o.idleTimeoutMs);
  const batch = await consume(1, o.idleTimeoutMs);
  if (batch.length === 0) return batch;
  const closesAt = clock() + o.lingerMs;
  try {
    for (;;) {
      if (batch.length < o.max) batch.push(...(await consume(o.max - batch.length, 0)));
      if (batch.length >= o.max) return batch;
      const left = closesAt - clock();
      if (left <= 0) return batch;
      const next = await consume(1, left);
      if (next.length === 0) return batch;
      batch.push(...next);
    }
  } catch {
    return batch;
  }
}
