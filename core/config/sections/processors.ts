import { z } from 'zod';
import { envInt, isTimeZone } from './common.ts';

// The stream processors (processors/main.ts): consumer group, batching, the week's time zone and the
// thresholds the weekly aggregates and KPIs use.
export const processorsSection = z.strictObject({
  groupId: z.string().min(1).default('callwatch-processors'),
  /**
   * Kafka static membership (group.instance.id), e.g. the pod name: a restarted instance takes its
   * partitions back at once instead of waiting for the session timeout. Empty = dynamic member.
   */
  groupInstanceId: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  /**
   * Most records read, written and committed as one batch: bounds memory whatever the backlog (two
   * batches are in hand: one written, the next read ahead). Every insert makes one part per table
   * partition (8 each), and parts dominate ClickHouse's cost: 20,000 needs ~2.4x less ClickHouse CPU
   * per record than 5,000 (bench/README.md, Processors).
   */
  batchSize: envInt(1, 100_000).default(20_000),
  /** Longest a batch waits for its first record before an (empty) round. */
  consumeTimeoutMs: envInt(10, 60_000).default(500),
  /**
   * A batch closes when `batchSize` records are in hand or when its oldest record has waited this
   * long, whichever comes first: large batches at saturation, bounded delay at ordinary rates
   * (core/kafka/linger-batch.ts). 0 = size only (node-rdkafka's batch read: it ends at `batchSize`
   * records or at the first gap of `consumeTimeoutMs` between records, so a steady trickle waits
   * for a full batch).
   */
  lingerMs: envInt(0, 60_000).default(250),
  /** IANA zone whose Monday 00:00 starts a week. */
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone').default('Europe/London'),
  /** A call whose billable time is under this many seconds is a short call. */
  shortCallSeconds: envInt(0, 3600).default(6),
  /** Service level counts answered contacts that waited at most this many seconds. */
  serviceLevelSeconds: envInt(0, 3600).default(20),
  /** /metrics, /healthz, /readyz; 0 picks a free port (logged). */
  httpPort: envInt(0, 65535).default(9464),
  httpHost: z.string().min(1).default('127.0.0.1'),
  /** Pause between attempts when ClickHouse, the registry or the dead-letter topic fail. */
  retryDelayMs: envInt(10, 60_000).default(1_000),
  /** After SIGTERM, how long the current batch may take before the process gives up on it. */
  shutdownGraceMs: envInt(100, 600_000).default(30_000),
});
export type ProcessorsConfig = z.infer<typeof processorsSection>;
