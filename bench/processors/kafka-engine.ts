import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';

// The reference side of the processors' throughput benchmark: ClickHouse's own Kafka table engine
// (`ENGINE = Kafka`, 18.16 links Debian's librdkafka 2.0.2) streaming a pre-filled JSON topic
// through a materialized view into a MergeTree table.
//
// It only reads a pre-filled topic if the server's config has <kafka><auto_offset_reset>smallest
// </auto_offset_reset></kafka> (stack/stack.sh writes it): 18.16 sets no auto.offset.reset, so a new
// consumer group starts at librdkafka's default, the END of each partition, and reads nothing of
// what was produced before the table existed (see bench/README.md, Processors).

export interface KafkaEngineRun {
  /** Where the tables are created (the stack's server, or a private one with the same config). */
  ch: Clickhouse;
  brokers: string;
  topic: string;
  group: string;
  /** Rows to wait for. */
  expected: number;
  /** kafka_num_consumers (1 = one consumer, like one processor instance). */
  consumers: number;
  timeoutMs: number;
}

const COLUMNS = `platform String, cdr_id String, setup_time DateTime('UTC'), week_start Date, caller String, callee String,
  disposition String, is_answered UInt8, billable_ms UInt64, queue String, wait_ms UInt64, channel String, version UInt64`;

/** Seconds from attaching the materialized view until the MergeTree table holds `expected` rows. */
export async function runKafkaEngine(r: KafkaEngineRun): Promise<{ seconds: number; rows: number }> {
  const db = ident(r.ch.database);
  await r.ch.command(sql`CREATE DATABASE IF NOT EXISTS ${db}`);
  await r.ch.command(`CREATE TABLE ${db.text}.kafka_dest (${COLUMNS}) ENGINE = MergeTree ORDER BY (platform, cdr_id)`);
  // One JSON object per message; '\n' as row delimiter so that messages never run together.
  await r.ch.command(
    `CREATE TABLE ${db.text}.kafka_src (${COLUMNS}) ENGINE = Kafka(${sql`${r.brokers}, ${r.topic}, ${r.group}, 'JSONEachRow', ${'\n'}, '', ${r.consumers}`})`,
  );
  try {
    const t = performance.now();
    await r.ch.command(sql`CREATE MATERIALIZED VIEW ${db}.kafka_mv TO ${db}.kafka_dest AS SELECT * FROM ${db}.kafka_src`);
    const deadline = Date.now() + r.timeoutMs;
    for (;;) {
      const n = (await r.ch.query<{ n: number }>(sql`SELECT count() AS n FROM ${db}.kafka_dest`))[0]?.n ?? 0;
      if (n >= r.expected) return { seconds: (performance.now() - t) / 1000, rows: n };
      if (Date.now() > deadline) throw new Error(`Kafka engine stored ${n} of ${r.expected} rows in ${r.timeoutMs / 1000} s (is <kafka><auto_offset_reset>smallest</auto_offset_reset></kafka> in the server's config?)`);
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally {
    await r.ch.command(sql`DROP TABLE IF EXISTS ${db}.kafka_mv`).catch(() => undefined);
    await r.ch.command(sql`DROP TABLE IF EXISTS ${db}.kafka_src`).catch(() => undefined);
  }
}
