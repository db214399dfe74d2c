import { isAnswered, queueWaitMs } from '../kpi/definitions.ts';
import type { CdrRecord, NuisanceReportRecord } from '../../core/records.ts';
import type { SourcePosition } from '../source-position.ts';
import { validateCdr, validateReport } from './validate.ts';
import type { WeekCalendar } from './week.ts';

// Records -> rows of the ClickHouse tables (core/clickhouse/migrations/0001_processors_records.sql).
// Everything derived here depends only on the record and the configured zone, so a replayed record
// always produces the identical row. DateTimes are epoch seconds (both engines accept them).

export interface CdrRow {
  platform: string;
  cdr_id: string;
  setup_time: number;
  answer_time: number | null;
  end_time: number;
  week_start: string;
  hour_of_week: number;
  caller: string;
  caller_raw: string;
  callee: string;
  callee_raw: string;
  direction: string;
  disposition: string;
  is_answered: number;
  duration_ms: number;
  billable_ms: number;
  queue: string;
  queue_wait_ms: number | null;
  wait_ms: number;
  agent: string;
  channel: string;
  hangup_cause: number | null;
  received_at: number;
  version: number;
  kafka_partition: number;
  kafka_offset: number;
}

export interface ReportCallRow {
  report_id: string;
  call_index: number;
  call_count: number;
  submitted_at: number;
  report_week: string;
  channel: string;
  reporter_id: string;
  reporter_number: string;
  number: string;
  number_raw: string;
  call_time: number;
  call_week: string;
  call_hour_of_week: number;
  call_type: string;
  organisation: string;
  subject: string;
  description: string;
  received_at: number;
  version: number;
  kafka_partition: number;
  kafka_offset: number;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** Validates and converts; throws CW_ERR_RECORD_INVALID naming the field. */
export function cdrRow(c: CdrRecord, at: SourcePosition, weeks: WeekCalendar): CdrRow {
  validateCdr(c);
  const week = weeks.locate(c.setup_time);
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
    duration_ms: c.duration_ms,
    billable_ms: c.billable_ms,
    queue: c.queue ?? '',
    queue_wait_ms: c.queue_wait_ms,
    wait_ms: queueWaitMs(c),
    agent: c.agent ?? '',
    channel: c.channel,
    hangup_cause: c.hangup_cause,
    received_at: seconds(c.received_at),
    // The latest receipt wins when a platform re-pushes a (possibly corrected) CDR.
    version: c.received_at,
    kafka_partition: at.partition,
    kafka_offset: at.offset,
  };
}

/** One row per reported call; validates first, so a bad report yields no rows at all. */
export function reportRows(r: NuisanceReportRecord, at: SourcePosition, weeks: WeekCalendar): ReportCallRow[] {
  validateReport(r);
  const reportWeek = weeks.locate(r.submitted_at).weekStart;
  return r.calls.map((call, i) => {
    const week = weeks.locate(call.call_time);
    return {
      report_id: r.report_id,
      call_index: i,
      call_count: r.calls.length,
      submitted_at: seconds(r.submitted_at),
      report_week: reportWeek,
      channel: r.channel,
      reporter_id: r.reporter_id,
      reporter_number: r.reporter_number ?? '',
      number: call.number,
      number_raw: call.number_raw,
      call_time: seconds(call.call_time),
      call_week: week.weekStart,
      call_hour_of_week: week.hourOfWeek,
      call_type: call.call_type,
      organisation: call.organisation ?? '',
      subject: call.subject ?? '',
      description: call.description ?? '',
      received_at: seconds(r.received_at),
      version: r.received_at,
      kafka_partition: at.partition,
      kafka_offset: at.offset,
    };
  });
}
