import type { ContentColumn, StoredRow, StreamDeclaration } from '../streams/stream.ts';

// Records are immutable: every copy of a record (same identity) must carry the same content. A copy
// that differs is not a duplicate but a conflicting claim about the same call, and storing it would
// put the record in two places (a changed number or time moves it to another sort position or week
// partition) or change a count after it was reported. The first copy stored stands; later differing
// copies are refused to the dead-letter topic with the fields that differ. Pure functions here; the
// sink (clickhouse-records.ts) finds the stored copies.

/** The identity of the record a row belongs to (its stream's record key), as one string. */
export function recordKeyOf(stream: StreamDeclaration, row: StoredRow): string {
  return stream.recordKey.map((c) => String(row[c])).join('\u0000');
}

function rowKeyOf(stream: StreamDeclaration, row: StoredRow): string {
  return stream.rowKey.map((c) => String(row[c])).join('\u0000');
}

function same(a: StoredRow[string] | undefined, b: StoredRow[string] | undefined): boolean {
  return (a ?? null) === (b ?? null) || (a !== null && b !== null && a !== undefined && b !== undefined && String(a) === String(b));
}

/**
 * The content columns in which two copies of one record differ (empty: the same record). Rows are
 * matched by the stream's row key; a different number of rows (a report with another count of
 * calls) differs in the row key's columns.
 */
export function contentDifferences(stream: StreamDeclaration, incoming: readonly StoredRow[], stored: readonly StoredRow[]): string[] {
  const storedByRow = new Map(stored.map((r) => [rowKeyOf(stream, r), r]));
  const differing = new Set<string>();
  if (storedByRow.size !== incoming.length) for (const c of stream.rowKey) differing.add(c);
  for (const row of incoming) {
    const other = storedByRow.get(rowKeyOf(stream, row));
    if (!other) {
      for (const c of stream.rowKey) differing.add(c);
      continue;
    }
    for (const col of stream.contentColumns) if (!same(row[col.name], other[col.name])) differing.add(col.name);
  }
  return [...differing];
}

/**
 * A copy of a record against what is stored of it: the same record; the same record stored only in
 * part (fewer rows, each equal to the copy's row of the same row key); or a conflict (the fields that
 * differ). Part of a multi-row record is stored when its rows live on several shards (a report's calls
 * are sharded by their number) and an insert failed on one shard after another had stored its rows:
 * an INSERT into a Distributed table is not atomic across shards. Writing the copy completes it.
 */
export type StoredCopyVerdict = { kind: 'same' } | { kind: 'incomplete' } | { kind: 'conflict'; fields: string[] };

export function judgeStoredCopy(stream: StreamDeclaration, incoming: readonly StoredRow[], stored: readonly StoredRow[]): StoredCopyVerdict {
  const fields = contentDifferences(stream, incoming, stored);
  if (fields.length === 0) return { kind: 'same' };
  const storedKeys = new Set(stored.map((r) => rowKeyOf(stream, r)));
  const incomingKeys = new Set(incoming.map((r) => rowKeyOf(stream, r)));
  const part = storedKeys.size === stored.length && storedKeys.size < incomingKeys.size && [...storedKeys].every((k) => incomingKeys.has(k));
  if (part && contentDifferences(stream, incoming.filter((r) => storedKeys.has(rowKeyOf(stream, r))), stored).length === 0) return { kind: 'incomplete' };
  return { kind: 'conflict', fields };
}

/** The SELECT expression that reads a content column back in the form the processors insert it. */
export function contentColumnSql(col: ContentColumn<StoredRow>): string {
  return col.datetime ? `toUInt32(${col.name}) AS ${col.name}_v` : `${col.name} AS ${col.name}_v`;
}

/** A stored row read with contentColumnSql, renamed back to the column names. */
export function fromContentColumns(stream: StreamDeclaration, row: Readonly<Record<string, string | number | null>>): StoredRow {
  const out: Record<string, string | number | null> = {};
  for (const c of [...stream.recordKey, ...stream.rowKey]) out[c] = row[c] ?? null;
  for (const col of stream.contentColumns) out[col.name] = row[`${col.name}_v`] ?? null;
  return out;
}
