import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, raw, sql } from '../../core/clickhouse/escape.ts';
import { counter, histogram, LATENCY_BUCKETS_SECONDS, SIZE_BUCKETS } from '../../core/metrics.ts';
import type { CdrRow, ReportCallRow } from '../transforms/rows.ts';

// Writes records idempotently: rows go into ReplacingMergeTree tables keyed by record identity, so a
// replay after a crash or a re-pushed duplicate can never change a count (the aggregates read the
// deduplicated rows). Before inserting, the sink looks identities up by primary key and leaves out
// records already stored at the same or a newer version: that saves rewriting a replayed backlog and
// feeds the "deduplicated" metric. The lookup is an optimisation, not the guarantee: two instances
// racing past it still converge, because the table keeps one row per identity.
//
// The lookup is sampled: first LOOKUP_SAMPLE identities spread evenly over the batch; only if one of
// them is already stored (a replay after a crash, a platform re-pushing a backlog) is the whole batch
// looked up. In the steady state (nothing stored yet) that is one small query instead of scanning
// for every identity. Scattered duplicates the sample misses are inserted again and merged away by
// the table, so they do not count in the "deduplicated" metric, and never in any figure.

const metrics = {
  written: counter('callwatch_processor_rows_written_total', 'Rows inserted into ClickHouse', ['table']),
  deduplicated: counter('callwatch_processor_records_deduplicated_total', 'Records not written because the same identity was already stored or repeated in the batch', ['table']),
  insertSeconds: histogram('callwatch_processor_insert_seconds', 'Latency of one ClickHouse insert', ['table'], LATENCY_BUCKETS_SECONDS),
  insertRows: histogram('callwatch_processor_insert_rows', 'Rows per ClickHouse insert', ['table'], SIZE_BUCKETS),
};

/**
 * Bytes of key literals per lookup query: as few queries as possible (each one reads every part's
 * index granules it touches), while the SQL text stays under max_query_size (256 KiB by default).
 */
const LOOKUP_BUDGET_BYTES = 200_000;

/** Identities looked up first; a batch this small or smaller is always looked up in full. */
export const LOOKUP_SAMPLE = 256;

/** `n` items spread evenly over `items` (all of them if there are no more than `n`), in order. */
export function evenSample<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)] as T);
}

/** Key literals (already SQL) in groups whose joined size stays within the budget. */
export function chunkByBytes(literals: readonly string[], budget = LOOKUP_BUDGET_BYTES): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const lit of literals) {
    const bytes = Buffer.byteLength(lit) + 2;
    if (current.length > 0 && size + bytes > budget) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(lit);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface WriteResult {
  cdrsWritten: number;
  reportsWritten: number;
  reportRowsWritten: number;
  deduplicated: number;
}

export interface RecordBatch {
  cdrs: readonly CdrRow[];
  /** Rows of whole reports (all calls of a report together). */
  reportRows: readonly ReportCallRow[];
}

const cdrKey = (r: Pick<CdrRow, 'platform' | 'cdr_id'>): string => `${r.platform}\u0000${r.cdr_id}`;

export class ClickhouseRecordSink {
  constructor(private readonly ch: Clickhouse) {}

  private table(name: string): string {
    return `${ident(this.ch.database).text}.${ident(name).text}`;
  }

  async write(batch: RecordBatch): Promise<WriteResult> {
    const cdrs = await this.freshCdrs(batch.cdrs);
    const reports = await this.freshReports(batch.reportRows);
    const reportCount = new Set(reports.map((r) => r.report_id)).size;
    const incomingReports = new Set(batch.reportRows.map((r) => r.report_id)).size;
    const deduplicated = batch.cdrs.length - cdrs.length + (incomingReports - reportCount);
    metrics.deduplicated.inc({ table: 'cdrs' }, batch.cdrs.length - cdrs.length);
    metrics.deduplicated.inc({ table: 'report_calls' }, incomingReports - reportCount);
    await this.insert('cdrs', cdrs);
    await this.insert('report_calls', reports);
    return { cdrsWritten: cdrs.length, reportsWritten: reportCount, reportRowsWritten: reports.length, deduplicated };
  }

  private async insert(name: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const end = metrics.insertSeconds.startTimer({ table: name });
    await this.ch.insert(this.table(name), rows);
    end();
    metrics.insertRows.observe({ table: name }, rows.length);
    metrics.written.inc({ table: name }, rows.length);
  }

  /** The batch's CDRs minus repeats within it (newest version kept) and minus ones already stored. */
  private async freshCdrs(rows: readonly CdrRow[]): Promise<CdrRow[]> {
    const newest = new Map<string, CdrRow>();
    for (const r of rows) {
      const k = cdrKey(r);
      const cur = newest.get(k);
      if (!cur || r.version > cur.version) newest.set(k, r);
    }
    const candidates = [...newest.values()];
    const stored = await sampledLookup(candidates, cdrKey, (r) => r.version, (some) => this.storedCdrVersions(some));
    return candidates.filter((r) => (stored.get(cdrKey(r)) ?? -1) < r.version);
  }

  private async storedCdrVersions(rows: readonly CdrRow[]): Promise<Map<string, number>> {
    const stored = new Map<string, number>();
    for (const chunk of chunkByBytes(rows.map((r) => sql`(${r.platform}, ${r.cdr_id})`))) {
      const found = await this.ch.query<{ platform: string; cdr_id: string; version: number }>(
        sql`SELECT platform AS platform, cdr_id AS cdr_id, max(version) AS version FROM ${raw(this.table('cdrs'))}
WHERE (platform, cdr_id) IN (${raw(chunk.join(', '))}) GROUP BY platform, cdr_id`,
      );
      for (const f of found) stored.set(cdrKey(f), f.version);
    }
    return stored;
  }

  /** Whole reports, minus repeats within the batch (newest kept) and minus ones already stored. */
  private async freshReports(rows: readonly ReportCallRow[]): Promise<ReportCallRow[]> {
    const newestVersion = new Map<string, number>();
    for (const r of rows) newestVersion.set(r.report_id, Math.max(newestVersion.get(r.report_id) ?? -1, r.version));
    const ids = [...newestVersion.keys()];
    const stored = await sampledLookup(ids, (id) => id, (id) => newestVersion.get(id) ?? -1, (some) => this.storedReportVersions(some));
    const seen = new Set<string>();
    return rows.filter((r) => {
      const v = newestVersion.get(r.report_id) ?? -1;
      if (r.version !== v || (stored.get(r.report_id) ?? -1) >= v) return false;
      // Within the newest version, a repeated copy of the same report adds each call once.
      const k = `${r.report_id}\u0000${r.call_index}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  private async storedReportVersions(ids: readonly string[]): Promise<Map<string, number>> {
    const stored = new Map<string, number>();
    for (const chunk of chunkByBytes(ids.map((id) => sql`${id}`))) {
      const found = await this.ch.query<{ report_id: string; version: number }>(
        sql`SELECT report_id AS report_id, max(version) AS version FROM ${raw(this.table('report_calls'))}
WHERE report_id IN (${raw(chunk.join(', '))}) GROUP BY report_id`,
      );
      for (const f of found) stored.set(f.report_id, f.version);
    }
    return stored;
  }
}

/**
 * Stored versions (by key) of a sample of `candidates`; of all of them if the sample holds one that
 * is already stored at the same or a newer version (the batch is probably a replay).
 */
export async function sampledLookup<T>(
  candidates: readonly T[],
  keyOf: (t: T) => string,
  versionOf: (t: T) => number,
  lookup: (some: readonly T[]) => Promise<Map<string, number>>,
): Promise<Map<string, number>> {
  const sample = evenSample(candidates, LOOKUP_SAMPLE);
  if (sample.length === 0) return new Map();
  const found = await lookup(sample);
  const replayed = sample.some((t) => (found.get(keyOf(t)) ?? -1) >= versionOf(t));
  return replayed && sample.length < candidates.length ? lookup(candidates) : found;
}
