import { isCallwatchError } from '../../core/errors.ts';
import type { PoisonRecord } from '../sinks/dead-letter.ts';
import type { DecodedRecord } from '../sources/kafka-avro.ts';
import type { RowContext, StoredRow, StreamDeclaration } from '../streams/stream.ts';

/** One record's rows, with where it came from (for conflicts and dead letters). */
export interface RecordRows {
  stream: StreamDeclaration;
  item: DecodedRecord;
  rows: StoredRow[];
}

export interface TransformedBatch {
  records: RecordRows[];
  /** Records that decoded but failed validation, for the dead-letter topic. */
  invalid: PoisonRecord[];
}

/**
 * Decoded records -> table rows by their stream's declaration. A record that fails validation is set
 * aside for the dead-letter topic (with the message's own key and bytes) and the rest go on.
 */
export function toRows(items: readonly DecodedRecord[], context: RowContext): TransformedBatch {
  const out: TransformedBatch = { records: [], invalid: [] };
  for (const item of items) {
    try {
      out.records.push({ stream: item.stream, item, rows: item.stream.toRows(item.record, item.at, context) });
    } catch (err) {
      if (!isCallwatchError(err, 'CW_ERR_RECORD_INVALID')) throw err;
      out.invalid.push({ at: item.at, raw: item.raw, reason: err.code, detail: err.message });
    }
  }
  return out;
}
