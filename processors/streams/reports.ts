import type { NuisanceReportRecord } from '../../core/records.ts';
import type { SourcePosition } from '../source-position.ts';
import { validateReport } from '../transforms/validate.ts';
import type { RowContext, StreamDeclaration } from './stream.ts';

// Nuisance reports: one row per reported call in `report_call_records` (migration 0300); a report is
// identified by report_id and its calls by call_index. call_week is the week of the call (event time:
// every weekly series counts by it); report_week the week the report was submitted.

export type ReportCallRow = {
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
};

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** One row per reported call; validates first, so a bad report yields no rows at all. */
export function reportRows(r: NuisanceReportRecord, at: SourcePosition, context: RowContext): ReportCallRow[] {
  validateReport(r);
  const reportWeek = context.weeks.locate(r.submitted_at).weekStart;
  return r.calls.map((call, i) => {
    const week = context.weeks.locate(call.call_time);
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

export const REPORT_STREAM: StreamDeclaration<NuisanceReportRecord, ReportCallRow> = {
  name: 'reports',
  topic: 'reports',
  schema: 'nuisanceReport',
  toRows: reportRows,
  table: 'report_call_records',
  identityTable: 'report_identities',
  recordKey: ['report_id'],
  rowKey: ['call_index'],
  partitionColumn: 'call_week',
  numberColumn: 'number',
  contentColumns: [
    { name: 'call_count' },
    { name: 'submitted_at', datetime: true },
    { name: 'channel' },
    { name: 'reporter_id' },
    { name: 'reporter_number' },
    { name: 'number' },
    { name: 'number_raw' },
    { name: 'call_time', datetime: true },
    { name: 'call_type' },
    { name: 'organisation' },
    { name: 'subject' },
    { name: 'description' },
  ],
};
