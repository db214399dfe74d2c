import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';

// The reference side of the processors' throughput benchmark: ClickHouse's own Kafka table engine
// (`ENGINE = Kafka`, 18.16 links Debian's librdkafka 2.0.2) streaming a pre-filled JSON topic of
// CDR rows through a materialized view into a `cdr_records` table of a database migrated like the
// processors' own, so the same views keep the same weekly aggregates and identity index as records
// arrive: the same storage work, without the processors' decoding, validation and identity lookup.
//
// It only reads a pre-filled topic if the server's config has <kafka><auto_offset_reset>smallest
// </auto_offset_reset></kafka> (stack/stack.sh writes it): 18.16 sets no auto.offset.reset, so a new
// consumer group starts at librdkafka's default, the END of each partition, and reads nothing of
// what was produced before the table existed (see bench/README.md, Processors).

export interface KafkaEngineRun {
  /** A database migrated with the project's migrations (the stack's server, or a private one with the same config). */
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

/** Seconds from attaching the materialized view until `cdr_records` holds `expected` distinct CDRs. */
export async function runKafkaEngine(r: KafkaEngineRun): Promise<{ seconds: number; rows: number }> {
  const db = ident(r.ch.database);
  // DESCRIBE lists the columns in table order on both engines (18.16's system.columns has no position).
  const columns = await r.ch.query<{ name: string; type: string }>(sql`DESCRIBE TABLE ${db}.cdr_records`);
  if (columns.length === 0) throw new Error(`${r.ch.database}.cdr_records does not exist: migrate the database first`);
  const COLUMNS = columns.map((c) => `${ident(c.name).text} ${c.type}`).join(', ');
  // One JSON object per message; '\n' as row delimiter so that messages never run together.
  await r.ch.command(
    `CREATE TABLE ${db.text}.kafka_src (${COLUMNS}) ENGINE = Kafka(${sql`${r.brokers}, ${r.topic}, ${r.group}, 'JSONEachRow', ${'\n'}, '', ${r.consumers}`})`,
  );
  try {
    const t = performance.now();
    await r.ch.command(sql`CREATE MATERIALIZED VIEW ${db}.kafka_mv TO ${db}.cdr_records AS SELECT * FROM ${db}.kafka_src`);
    const deadline = Date.now() + r.timeoutMs;
    for (;;) {
      const n = (await r.ch.query<{ n: number }>(sql`SELECT uniqExact(platform, cdr_id) AS n FROM ${db}.cdr_records`))[0]?.n ?? 0;
      if (n >= r.expected) return { seconds: (performance.now() - t) / 1000, rows: n };
      if (Date.now() > deadline) throw new Error(`Kafka engine stored ${n} of ${r.expected} rows in ${r.timeoutMs / 1000} s (is <kafka><auto_offset_reset>smallest</auto_offset_reset></kafka> in the server's config?)`);
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally {
    await r.ch.command(sql`DROP TABLE IF EXISTS ${db}.kafka_mv`).catch(() => undefined);
    await r.ch.command(sql`DROP TABLE IF EXISTS ${db}.kafka_src`).catch(() => undefined);
  }
}
