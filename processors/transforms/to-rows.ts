import { isCallwatchError } from '../../core/errors.ts';
import type { KafkaMessage } from '../../core/kafka/consumer.ts';
import type { PoisonRecord } from '../sinks/dead-letter.ts';
import type { RecordBatch } from '../sinks/clickhouse-records.ts';
import type { SourceItem } from '../sources/kafka-avro.ts';
import { cdrRow, reportRows, type CdrRow, type ReportCallRow } from './rows.ts';
import type { WeekCalendar } from './week.ts';

export interface TransformedBatch extends RecordBatch {
  /** Records that decoded but failed validation, for the dead-letter topic. */
  invalid: PoisonRecord[];
}

/**
 * Decoded records -> table rows. A record that fails validation is set aside for the dead-letter
 * topic (with its original key and bytes from `originals`, by messageKey) and the rest go on.
 */
export function toRows(items: readonly SourceItem[], weeks: WeekCalendar, originals: ReadonlyMap<string, Pick<KafkaMessage, 'key' | 'value'>> = new Map()): TransformedBatch {
  const cdrs: CdrRow[] = [];
  const reportRowsOut: ReportCallRow[] = [];
  const invalid: PoisonRecord[] = [];
  for (const item of items) {
    try {
      if (item.kind === 'cdr') cdrs.push(cdrRow(item.record, item.at, weeks));
      else reportRowsOut.push(...reportRows(item.record, item.at, weeks));
    } catch (err) {
      if (!isCallwatchError(err, 'CW_ERR_RECORD_INVALID')) throw err;
      const original = originals.get(messageKey(item.at));
      invalid.push({ at: item.at, key: original?.key ?? null, value: original?.value ?? null, reason: err.code, detail: err.message });
    }
  }
  return { cdrs, reportRows: reportRowsOut, invalid };
}

export function messageKey(at: { topic: string; partition: number; offset: number }): string {
  return `${at.topic}\u0000${at.partition}\u0000${at.offset}`;
}
