import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { reached, storageCounters, weeklyAggregateCalls } from './visible.ts';

// The reference side of the processors' throughput benchmark: ClickHouse's own Kafka table engine
// (`ENGINE = Kafka`, 18.16 links Debian's librdkafka 2.0.2) streaming a pre-filled JSON topic of
// CDR rows into a database migrated like the processors' own, doing the same storage work: the
// record table `cdr_records`, its identity index and the weekly aggregates. The engine does none of
// the processors' decoding, validation or identity lookup.
//
// 18.16 does not run a table's materialized views for rows a Kafka engine's view writes into it
// (measured: 2,000 rows streamed into cdr_records, 0 in number_cdr_hours, cdr_identities and
// queue_contact_weeks, tables of that day). So besides the view into cdr_records, each of cdr_records' own views is
// attached to the Kafka table as a copy reading FROM it (same SELECT, from system.tables), so every
// consumed block also feeds the index and the aggregates, as the processors' inserts do. Before
// 2026-12-01 only the record table was filled: the engine's earlier figures did a third of the work.
//
// 18.16 starts consuming as soon as one view reads the Kafka table, into the views attached at that
// moment, so views attached one by one could each see a different share of the topic. They are
// attached behind a gate: StorageKafka::checkDependencies streams nothing while any dependent view's
// target table is missing, so a view `kafka_gate` into a table that does not exist yet is created
// first, every other view after it, and creating the gate's target (a Null table) opens the stream
// to all of them at once. The clock starts there; the engine's stream thread polls its dependencies
// every 500 ms, so the engine's time includes up to 0.5 s of that wait.
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
  /** Records to wait for. */
  expected: number;
  /** The processor's storage counters after its run (bench/processors/visible.ts): the engine's run ends when every table has had as many rows. */
  expectedCounters: Record<string, number>;
  /** kafka_num_consumers (1 = one consumer, like one processor instance). */
  consumers: number;
  timeoutMs: number;
}

/** Seconds from opening the gate until every table has had the processor's rows (bench/processors/visible.ts), and the distinct CDRs then in cdr_records. */
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
  const views = await recordTableViews(r.ch);
  try {
    // The gate first: while its target is missing, no view gets a row (see the comment at the top).
    await r.ch.command(sql`CREATE MATERIALIZED VIEW ${db}.kafka_gate TO ${db}.kafka_gate_open AS SELECT toUInt8(1) AS opened FROM ${db}.kafka_src`);
    for (const v of views) await r.ch.command(v.fromKafka);
    await r.ch.command(sql`CREATE MATERIALIZED VIEW ${db}.kafka_mv TO ${db}.cdr_records AS SELECT * FROM ${db}.kafka_src`);
    const t = performance.now();
    await r.ch.command(sql`CREATE TABLE ${db}.kafka_gate_open (opened UInt8) ENGINE = Null`);
    const deadline = Date.now() + r.timeoutMs;
    for (;;) {
      // Every table the processor's insert wrote: 18.16 squashes a view's output up to
      // min_insert_block_size_rows before writing it, so the tables fill at the end of the engine's
      // insert, one after another (measured: the weekly aggregate complete while cdr_records had 0 of
      // 200,000, then all 200,000 a second later). The processor's INSERT returns with all of them written.
      const counters = await storageCounters(r.ch);
      if (reached(counters, r.expectedCounters)) {
        const seconds = (performance.now() - t) / 1000;
        // Off the clock: every record exactly once, in the record table and in the aggregate.
        const stored = await r.ch.query<{ n: number }>(sql`SELECT uniqExact(platform, cdr_id) AS n FROM ${db}.cdr_records`);
        const rows = stored[0]?.n ?? 0;
        const calls = await weeklyAggregateCalls(r.ch);
        if (rows !== r.expected || calls !== r.expected) throw new Error(`Kafka engine: cdr_records holds ${rows} and the weekly aggregate ${calls} of ${r.expected} records`);
        return { seconds, rows };
      }
      if (Date.now() > deadline) throw new Error(`Kafka engine: after ${r.timeoutMs / 1000} s the tables had ${JSON.stringify(counters)} rows of ${JSON.stringify(r.expectedCounters)} (is <kafka><auto_offset_reset>smallest</auto_offset_reset></kafka> in the server's config?)`);
      await new Promise((res) => setTimeout(res, 50));
    }
  } finally {
    await r.ch.command(sql`DROP TABLE IF EXISTS ${db}.kafka_gate`).catch(() => undefined);
    await r.ch.command(sql`DROP TABLE IF EXISTS ${db}.kafka_mv`).catch(() => undefined);
    for (const v of views) await r.ch.command(sql`DROP TABLE IF EXISTS ${db}.${ident(v.name)}`).catch(() => undefined);
    await r.ch.command(sql`DROP TABLE IF EXISTS ${db}.kafka_src`).catch(() => undefined);
    await r.ch.command(sql`DROP TABLE IF EXISTS ${db}.kafka_gate_open`).catch(() => undefined);
  }
}

/** cdr_records' materialized views, each rewritten to read from the Kafka table under a name of its own. */
async function recordTableViews(ch: Clickhouse): Promise<{ name: string; fromKafka: string }[]> {
  const db = ch.database;
  const deps = await ch.query<{ views: string[] }>(sql`SELECT dependencies_table AS views FROM system.tables WHERE database = ${db} AND name = 'cdr_records'`);
  const out: { name: string; fromKafka: string }[] = [];
  for (const view of deps[0]?.views ?? []) {
    const rows = await ch.query<{ q: string }>(sql`SELECT create_table_query AS q FROM system.tables WHERE database = ${db} AND name = ${view}`);
    const create = rows[0]?.q ?? '';
    const name = `${view}_kafka`;
    const fromKafka = create.replace(`VIEW ${db}.${view} `, `VIEW ${db}.${name} `).replace(`FROM ${db}.cdr_records `, `FROM ${db}.kafka_src `);
    if (!fromKafka.includes(`VIEW ${db}.${name} `) || !fromKafka.includes(`FROM ${db}.kafka_src `)) throw new Error(`cannot rewrite ${view} to read from the Kafka table: ${create.slice(0, 200)}`);
    out.push({ name, fromKafka });
  }
  if (out.length === 0) throw new Error(`${db}.cdr_records has no materialized views: migrate the database first`);
  return out;
}

