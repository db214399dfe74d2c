import type { SchemaKey } from '../../core/avro/schemas.ts';
import type { TopicKey } from '../../core/kafka/topics.ts';
import type { SourcePosition } from '../source-position.ts';
import type { WeekCalendar } from '../../core/weeks.ts';

// The contract of one record stream: where its records come from (topic, Avro schema), how a record
// becomes rows (validation + mapping), where the rows go (record table, identity index) and what
// makes two copies the same record. The source, the transform and the sink are written once against
// this declaration, so a new stream is one declaration (streams/index.ts) plus a migration.

/** A stored row: column name -> JSON value as inserted (DateTime as epoch seconds, Date as YYYY-MM-DD). */
export type StoredRow = Readonly<Record<string, string | number | null>>;

/** What the row mapping may depend on besides the record: processing configuration only. */
export interface RowContext {
  weeks: WeekCalendar;
  /** A call billing less than this many seconds is a short call (stored as is_short). */
  shortCallSeconds: number;
}

export interface ContentColumn<Row> {
  name: keyof Row & string;
  /** DateTime columns are compared as epoch seconds (ClickHouse returns them as text otherwise). */
  datetime?: true;
}

export interface StreamDeclaration<R = unknown, Row extends StoredRow = StoredRow> {
  /** Names the stream in metrics, logs and outcomes. */
  readonly name: 'cdrs' | 'reports';
  readonly topic: TopicKey;
  readonly schema: SchemaKey;
  /** Validates the record (throws CW_ERR_RECORD_INVALID naming the field) and maps it to its rows. */
  toRows(record: R, at: SourcePosition, context: RowContext): Row[];
  /** The record table (migration 0300) and its identity index. */
  readonly table: string;
  readonly identityTable: string;
  /** Columns that identify a record; every row of one record shares them. */
  readonly recordKey: readonly (keyof Row & string)[];
  /** Columns that tell the rows of one record apart (empty: one row per record). */
  readonly rowKey: readonly (keyof Row & string)[];
  /** The record table's partition column and leading sort column, as stored in the identity index. */
  readonly partitionColumn: keyof Row & string;
  readonly numberColumn: keyof Row & string;
  /**
   * The record's content as the platform or reporter sent it: two copies with the same identity must
   * agree on every one of these, or the later one is refused as a conflict. Columns derived from
   * processing configuration (week, hour, flags) and receipt (received_at, version, Kafka position)
   * are not content: a copy re-read after a configuration change is still the same record.
   */
  readonly contentColumns: readonly ContentColumn<Row>[];
}
