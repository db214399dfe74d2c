import type { Clickhouse, ExternalTable } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { counter, histogram, LATENCY_BUCKETS_SECONDS, SIZE_BUCKETS } from '../../core/metrics.ts';
import type { StoredRow, StreamDeclaration } from '../streams/stream.ts';
import type { RecordRows } from '../transforms/to-rows.ts';
import { contentColumnSql, contentDifferences, fromContentColumns, judgeStoredCopy, recordKeyOf } from './conflicts.ts';
import type { PoisonRecord } from './dead-letter.ts';

// Stores each record once. Before inserting, the sink looks every record of the batch up in its
// stream's identity index (migration 0300: one row per stored record, ordered by its identity):
// - not stored: inserted; the record table's materialized views update the identity index and the
//   weekly aggregates in the same INSERT;
// - stored with the same content (a replay after a crash, a platform re-pushing a backlog): counted
//   as deduplicated and inserted again, which changes no count (see below) and completes the views
//   of a record whose earlier insert died half-way through them;
// - stored in part, every stored row equal to the copy's (a report whose calls live on two shards, after
//   an insert that stored one shard's rows and failed on the other): written whole, which completes it;
// - stored with different content: refused as a conflict (sinks/conflicts.ts) for the dead-letter topic.
// Copies within one batch are judged the same way against the first copy, and written once.
//
// Why that is exact whatever fails: the identity index row is written by the same INSERT as the
// record (a materialized view runs after the record's part is written), so a row in the index implies
// its row stored, and a copy found there is identical to what is stored. On a cluster that holds row
// by row, not record by record: a report's rows are sharded by their number, and a Distributed insert
// can store one shard's rows (index included) and fail on another, hence "stored in part" above. Writing an identical copy again
// leaves one row after ReplacingMergeTree's merge and adds nothing to a uniqExact/min/max state. Two instances racing past the
// lookup (a rebalance) insert identical copies, which the ReplacingMergeTree and the idempotent
// aggregate states absorb; a conflicting copy has the same Kafka key as the record (its identity),
// so it sits later in the same partition and is judged after the record is stored.

const metrics = {
  written: counter('callwatch_processor_rows_written_total', 'Rows inserted into ClickHouse', ['table']),
  deduplicated: counter('callwatch_processor_records_deduplicated_total', 'Copies of records already stored (written again, harmlessly) or repeated in the batch', ['table']),
  completed: counter('callwatch_processor_records_completed_total', 'Records found stored in part (a report across shards after a failed insert) and written whole', ['table']),
  conflicts: counter('callwatch_processor_conflicts_total', 'Copies of stored records with different content, refused to the dead-letter topic', ['table']),
  insertSeconds: histogram('callwatch_processor_insert_seconds', 'Latency of one ClickHouse insert', ['table'], LATENCY_BUCKETS_SECONDS),
  insertRows: histogram('callwatch_processor_insert_rows', 'Rows per ClickHouse insert', ['table'], SIZE_BUCKETS),
  lookupSeconds: histogram('callwatch_processor_identity_lookup_seconds', 'Latency of looking a batch up in the identity index', ['table'], LATENCY_BUCKETS_SECONDS),
};

/**
 * Bytes of key literals per query that reads stored copies (replays only): as few queries as
 * possible, while the SQL text stays under max_query_size (256 KiB by default).
 */
const LOOKUP_BUDGET_BYTES = 200_000;

/** Items in groups whose literals (by `literal`) stay within the byte budget. */
export function chunkRows<T>(items: readonly T[], literal: (t: T) => string, budget: number = LOOKUP_BUDGET_BYTES): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const bytes = Buffer.byteLength(literal(item)) + 2;
    if (current.length > 0 && size + bytes > budget) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export interface StreamWriteResult {
  /** Records inserted (a report is one record of several rows). */
  records: number;
  rows: number;
  /** Records skipped because the same record was stored already or earlier in the batch. */
  deduplicated: number;
}

export interface WriteResult {
  byStream: Record<StreamDeclaration['name'], StreamWriteResult>;
  /** Conflicting copies, for the dead-letter topic. */
  conflicts: PoisonRecord[];
}

interface Placement {
  number: string;
  partition: string;
}

export class ClickhouseRecordSink {
  constructor(private readonly ch: Clickhouse) {}

  private table(name: string): string {
    return `${ident(this.ch.database).text}.${ident(name).text}`;
  }

  async write(records: readonly RecordRows[]): Promise<WriteResult> {
    const result: WriteResult = {
      byStream: { cdrs: { records: 0, rows: 0, deduplicated: 0 }, reports: { records: 0, rows: 0, deduplicated: 0 } },
      conflicts: [],
    };
    const byStream = new Map<StreamDeclaration, RecordRows[]>();
    for (const r of records) {
      const list = byStream.get(r.stream);
      if (list) list.push(r);
      else byStream.set(r.stream, [r]);
    }
    for (const [stream, list] of byStream) {
      const written = await this.writeStream(stream, list, result.conflicts);
      result.byStream[stream.name] = written;
    }
    return result;
  }

  private async writeStream(stream: StreamDeclaration, records: readonly RecordRows[], conflicts: PoisonRecord[]): Promise<StreamWriteResult> {
    const conflict = (r: RecordRows, fields: readonly string[], against: string): void => {
      conflicts.push({
        at: r.item.at,
        raw: r.item.raw,
        reason: 'CW_ERR_RECORD_CONFLICT',
        detail: `${stream.name} ${recordKeyOf(stream, r.rows[0] ?? {}).replaceAll('\u0000', '/').slice(0, 200)} differs from ${against} in ${fields.join(', ')}`,
      });
    };
    // Copies within the batch: the first one stands.
    const first = new Map<string, RecordRows>();
    let deduplicated = 0;
    for (const r of records) {
      const key = recordKeyOf(stream, r.rows[0] ?? {});
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, r);
        continue;
      }
      const fields = contentDifferences(stream, r.rows, earlier.rows);
      if (fields.length === 0) deduplicated += 1;
      else conflict(r, fields, 'an earlier copy in the same batch');
    }
    // Copies already stored.
    const stored = await this.storedCopies(stream, [...first.values()]);
    const fresh: RecordRows[] = [];
    const again: RecordRows[] = [];
    let completed = 0;
    for (const [key, r] of first) {
      const copy = stored.get(key);
      if (!copy) {
        fresh.push(r);
        continue;
      }
      const verdict = judgeStoredCopy(stream, r.rows, copy);
      if (verdict.kind === 'same') again.push(r);
      else if (verdict.kind === 'incomplete') {
        fresh.push(r); // stored in part: written whole (see above)
        completed += 1;
      }
      else conflict(r, verdict.fields, 'the stored record');
    }
    deduplicated += again.length;
    // Copies of stored records are written again: harmless (the table keeps one row, the states are
    // idempotent), and it completes a record whose earlier insert failed after its row was stored
    // but before every materialized view had run (a ClickHouse crash or lost ZooKeeper mid-insert).
    const rows = [...fresh, ...again].flatMap((r) => r.rows);
    await this.insert(stream.table, rows);
    metrics.deduplicated.inc({ table: stream.table }, deduplicated);
    metrics.completed.inc({ table: stream.table }, completed);
    metrics.conflicts.inc({ table: stream.table }, conflicts.length);
    return { records: fresh.length, rows: rows.length, deduplicated };
  }

  private async insert(name: string, rows: readonly StoredRow[]): Promise<void> {
    const first = rows[0];
    if (first === undefined) return;
    const end = metrics.insertSeconds.startTimer({ table: name });
    // Every row of a stream comes from the same mapping (streams/), so the first names the columns.
    await this.ch.insertTabSeparated(this.table(name), Object.keys(first), rows);
    end();
    metrics.insertRows.observe({ table: name }, rows.length);
    metrics.written.inc({ table: name }, rows.length);
  }

  /** `(a, b) IN ((…), (…))` or `a IN (…)` over the stream's record key, one literal per record. */
  private keyLiterals(stream: StreamDeclaration, rows: readonly StoredRow[]): string[] {
    return rows.map((row) => {
      const values = stream.recordKey.map((c) => sql`${String(row[c])}`);
      return values.length === 1 ? (values[0] ?? "''") : `(${values.join(', ')})`;
    });
  }

  private keyTuple(stream: StreamDeclaration): string {
    const cols = stream.recordKey.map((c) => ident(c).text);
    return cols.length === 1 ? (cols[0] ?? '') : `(${cols.join(', ')})`;
  }

  /** The stored rows of every record of `records` that is already stored, by record key. */
  private async storedCopies(stream: StreamDeclaration, records: readonly RecordRows[]): Promise<Map<string, StoredRow[]>> {
    const out = new Map<string, StoredRow[]>();
    if (records.length === 0) return out;
    const end = metrics.lookupSeconds.startTimer({ table: stream.identityTable });
    const placements = new Map<string, Placement[]>();
    const firstRows = records.map((r) => r.rows[0] ?? {});
    // The batch's keys go as an external table, not as literals in the SQL text (see ExternalTable).
    const keys: ExternalTable = {
      name: 'incoming_keys',
      columns: stream.recordKey.map((c) => ({ name: c, type: 'String' as const })),
      rows: firstRows.map((r) => stream.recordKey.map((c) => String(r[c]))),
    };
    const found = await this.ch.queryWithTable<Record<string, string>>(
      keys,
      (ref) => sql`SELECT ${raw(stream.recordKey.map((c) => ident(c).text).join(', '))}, ${ident(stream.numberColumn)} AS placement_number,
  toString(${ident(stream.partitionColumn)}) AS placement_partition
FROM ${raw(this.table(stream.identityTable))}
WHERE ${raw(this.keyTuple(stream))} IN (SELECT * FROM ${ref})`,
    );
    for (const f of found) {
      const key = recordKeyOf(stream, f);
      const list = placements.get(key) ?? [];
      list.push({ number: f.placement_number ?? '', partition: f.placement_partition ?? '' });
      placements.set(key, list);
    }
    end();
    if (placements.size === 0) return out;
    // Read the stored copies where the index says they are: by number within their week partitions.
    const storedKeys = firstRows.filter((r) => placements.has(recordKeyOf(stream, r)));
    const columns = [...stream.recordKey, ...stream.rowKey].map((c) => ident(c).text);
    // Keys, numbers and weeks all go into the query text: a third of the budget for the keys.
    for (const chunk of chunkRows(storedKeys, (r) => this.keyLiterals(stream, [r])[0] ?? '', LOOKUP_BUDGET_BYTES / 3)) {
      const numbers = new Set<string>();
      const partitions = new Set<string>();
      for (const r of chunk) {
        for (const p of placements.get(recordKeyOf(stream, r)) ?? []) {
          numbers.add(p.number);
          partitions.add(p.partition);
        }
      }
      const rows = await this.ch.query<Record<string, string | number | null>>(
        sql`SELECT ${raw(columns.join(', '))}, ${raw(stream.contentColumns.map(contentColumnSql).join(', '))}
FROM ${raw(this.table(stream.table))}
WHERE ${ident(stream.partitionColumn)} IN (${raw([...partitions].map((p) => sql`toDate(${p})`).join(', '))})
  AND ${ident(stream.numberColumn)} IN (${raw([...numbers].map((n) => sql`${n}`).join(', '))})
  AND ${raw(this.keyTuple(stream))} IN (${raw(this.keyLiterals(stream, chunk).join(', '))})
LIMIT 1 BY ${raw(columns.join(', '))}`,
      );
      for (const r of rows) {
        const row = fromContentColumns(stream, r);
        const key = recordKeyOf(stream, row);
        const list = out.get(key);
        if (list) list.push(row);
        else out.set(key, [row]);
      }
    }
    return out;
  }
}
