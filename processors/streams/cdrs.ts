import type { CdrRecord } from '../../core/records.ts';
import { isAnswered, queueWaitMs } from '../../core/kpi/definitions.ts';
import type { SourcePosition } from '../source-position.ts';
import { validateCdr } from '../transforms/validate.ts';
import type { RowContext, StreamDeclaration } from './stream.ts';

// CDRs: one row per record in `cdr_records` (migration 0300), identified by (platform, cdr_id).
// Everything derived here depends only on the record and the processing configuration, so a replayed
// record always produces the identical row. DateTimes are epoch seconds (both engines accept them).

/**
 * A CDR row: every field of the record (core/records.generated.ts, from schemas/cdr.avsc) as stored —
 * times in epoch seconds, no queue or agent as '' — plus what processing derives. Derived from the
 * record type, so a field added to the schema fails type-checking here until cdrRow maps it.
 */
export type CdrRow = Omit<CdrRecord, 'queue' | 'agent'> & {
  queue: string;
  agent: string;
  week_start: string;
  hour_of_week: number;
  is_answered: number;
  is_short: number;
  wait_ms: number;
  version: number;
  kafka_partition: number;
  kafka_offset: number;
};

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** Validates and converts; throws CW_ERR_RECORD_INVALID naming the field. */
export function cdrRow(c: CdrRecord, at: SourcePosition, context: RowContext): CdrRow {
  validateCdr(c);
  const week = context.weeks.locate(c.setup_time);
  return {
    platform: c.platform,
    cdr_id: c.cdr_id,
    setup_time: seconds(c.setup_time),
    answer_time: c.answer_time === null ? null : seconds(c.answer_time),
    end_time: seconds(c.end_time),
    week_start: week.weekStart,
    hour_of_week: week.hourOfWeek,
    caller: c.caller,
    caller_raw: c.caller_raw,
    callee: c.callee,
    callee_raw: c.callee_raw,
    direction: c.direction,
    disposition: c.disposition,
    is_answered: isAnswered(c) ? 1 : 0,
    // Unanswered calls bill nothing, so they are short too (the robocaller signature).
    is_short: c.billable_ms < context.shortCallSeconds * 1000 ? 1 : 0,
    duration_ms: c.duration_ms,
    billable_ms: c.billable_ms,
    queue: c.queue ?? '',
    queue_wait_ms: c.queue_wait_ms,
    wait_ms: queueWaitMs(c),
    agent: c.agent ?? '',
    channel: c.channel,
    hangup_cause: c.hangup_cause,
    received_at: seconds(c.received_at),
    version: c.received_at,
    kafka_partition: at.partition,
    kafka_offset: at.offset,
  };
}

export const CDR_STREAM: StreamDeclaration<CdrRecord, CdrRow> = {
  name: 'cdrs',
  topic: 'cdrs',
  schema: 'cdr',
  toRows: (record, at, context) => [cdrRow(record, at, context)],
  table: 'cdr_records',
  identityTable: 'cdr_identities',
  recordKey: ['platform', 'cdr_id'],
  rowKey: [],
  partitionColumn: 'week_start',
  numberColumn: 'caller',
  contentColumns: [
    { name: 'setup_time', datetime: true },
    { name: 'answer_time', datetime: true },
    { name: 'end_time', datetime: true },
    { name: 'caller' },
    { name: 'caller_raw' },
    { name: 'callee' },
    { name: 'callee_raw' },
    { name: 'direction' },
    { name: 'disposition' },
    { name: 'duration_ms' },
    { name: 'billable_ms' },
    { name: 'queue' },
    { name: 'queue_wait_ms' },
    { name: 'agent' },
    { name: 'channel' },
    { name: 'hangup_cause' },
  ],
};
