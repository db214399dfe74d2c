import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { ClickhouseRecordSink } from '../../processors/sinks/clickhouse-records.ts';
import { STREAM } from '../../processors/streams/index.ts';
import type { StoredRow, StreamDeclaration } from '../../processors/streams/stream.ts';
import type { RecordRows } from '../../processors/transforms/to-rows.ts';

// The identity lookup the processors make once per batch (processors/sinks/clickhouse-records.ts:
// ClickhouseRecordSink.storedCopies, the identity-index query and, for records found, the read of
// their stored copies), run by the sink's own code on a batch of records already stored (a replay)
// and on a batch of fresh identities (the normal case), for each stream. The records are read back
// from the database, so the batches fit any data set (generated or amplified).

export interface LookupBatch {
  label: string;
  stream: StreamDeclaration;
  records: RecordRows[];
  /** Records of the batch that are stored (the lookup must find exactly these). */
  stored: number;
}

function recordRows(stream: StreamDeclaration, rows: StoredRow[]): RecordRows {
  return {
    stream,
    item: { stream, at: { topic: stream.topic, partition: 0, offset: 0, timestamp: undefined }, raw: { key: null, value: null }, record: rows[0] },
    rows,
  };
}

/** Rows grouped into records (a report's rows are consecutive). */
function byRecord(rows: readonly StoredRow[], key: string): StoredRow[][] {
  const out: StoredRow[][] = [];
  for (const row of rows) {
    const last = out[out.length - 1];
    if (last && last[0]?.[key] === row[key]) last.push(row);
    else out.push([row]);
  }
  return out;
}

/**
 * Batches of `size` records stored in `week` (a random sample, so callers and reported numbers are as
 * mixed as in a batch read from Kafka) as they are (a replay), and with their identities renamed (fresh).
 */
export async function identityBatches(ch: Clickhouse, week: string, size: number): Promise<LookupBatch[]> {
  const db = ident(ch.database).text;
  const cdrRows = await ch.query<StoredRow>(sql`SELECT * FROM ${raw(db)}.cdr_records WHERE week_start = toDate(${week}) ORDER BY cityHash64(cdr_id) LIMIT ${size}`);
  const reportRows = await ch.query<StoredRow>(sql`SELECT * FROM ${raw(db)}.report_call_records
WHERE call_week = toDate(${week}) AND report_id IN (
  SELECT report_id FROM ${raw(db)}.report_call_records WHERE call_week = toDate(${week}) GROUP BY report_id ORDER BY cityHash64(report_id) LIMIT ${size}
)
ORDER BY report_id, call_index`);
  const cdrs = byRecord(cdrRows, 'cdr_id');
  const reports = byRecord(reportRows, 'report_id');
  // Fresh CDR ids cluster ('fresh-…'), as a platform's new sequential ids do; fresh report ids keep
  // their random spread over the key range (ingest makes UUIDs), with a last character no stored id has.
  const fresh = (records: StoredRow[][], key: string, rename: (id: string, i: number) => string): StoredRow[][] =>
    records.map((rows, i) => rows.map((row) => ({ ...row, [key]: rename(String(row[key]), i) })));
  const freshCdr = (id: string, i: number): string => `fresh-${i}-${id}`;
  const freshReport = (id: string): string => `${id.slice(0, -1)}x`;
  return [
    { label: 'stored CDRs', stream: STREAM.cdrs, records: cdrs.map((r) => recordRows(STREAM.cdrs, r)), stored: cdrs.length },
    { label: 'fresh CDRs', stream: STREAM.cdrs, records: fresh(cdrs, 'cdr_id', freshCdr).map((r) => recordRows(STREAM.cdrs, r)), stored: 0 },
    { label: 'stored reports', stream: STREAM.reports, records: reports.map((r) => recordRows(STREAM.reports, r)), stored: reports.length },
    { label: 'fresh reports', stream: STREAM.reports, records: fresh(reports, 'report_id', freshReport).map((r) => recordRows(STREAM.reports, r)), stored: 0 },
  ];
}

type StoredCopies = (stream: StreamDeclaration, records: readonly RecordRows[]) => Promise<Map<string, StoredRow[]>>;

/** Runs the sink's lookup for the batch and checks it found exactly the stored records. */
export async function lookupStored(ch: Clickhouse, batch: LookupBatch): Promise<void> {
  const sink = new ClickhouseRecordSink(ch);
  // The sink's private lookup, so the benchmark runs the processors' exact SQL and follows its changes.
  const storedCopies = (sink as unknown as { storedCopies?: StoredCopies }).storedCopies;
  if (typeof storedCopies !== 'function') throw new Error('ClickhouseRecordSink.storedCopies is gone: update bench/scale/identity-lookup.ts');
  const found = await storedCopies.call(sink, batch.stream, batch.records);
  if (found.size !== batch.stored) throw new Error(`${batch.label}: the lookup found ${found.size} stored records, expected ${batch.stored}`);
}
