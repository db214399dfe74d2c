// The Avro record shapes (schemas/cdr.avsc, schemas/nuisance_report.avsc): what the collectors
// write and the processors read back (decoded enums are their symbol strings). One declaration for
// every service and test. Times are epoch milliseconds; numbers are canonical E.164 or the buckets
// WITHHELD / INVALID. The enum lists are the schemas' symbols, in schema order.

export const DIRECTIONS = ['INBOUND', 'OUTBOUND', 'INTERNAL', 'UNKNOWN'] as const;
export const DISPOSITIONS = ['ANSWERED', 'NO_ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'CANCELLED', 'ABANDONED'] as const;
export const CONTACT_CHANNELS = ['VOICE', 'WEBCHAT', 'SMS', 'EMAIL', 'VIDEO', 'OTHER'] as const;
export const REPORT_CHANNELS = ['WEB', 'HELPLINE', 'LIVE_CHAT', 'API', 'EMAIL', 'POST', 'OTHER'] as const;
export const CALL_TYPES = ['LIVE_CALL', 'RECORDED_MESSAGE', 'SILENT', 'ABANDONED', 'TEXT_MESSAGE', 'OTHER'] as const;

export type Direction = (typeof DIRECTIONS)[number];
export type Disposition = (typeof DISPOSITIONS)[number];
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export type ReportChannel = (typeof REPORT_CHANNELS)[number];
export type CallType = (typeof CALL_TYPES)[number];

export interface CdrRecord {
  cdr_id: string;
  platform: string;
  setup_time: number;
  answer_time: number | null;
  end_time: number;
  caller: string;
  caller_raw: string;
  callee: string;
  callee_raw: string;
  direction: Direction;
  disposition: Disposition;
  duration_ms: number;
  billable_ms: number;
  queue: string | null;
  queue_wait_ms: number | null;
  agent: string | null;
  channel: ContactChannel;
  hangup_cause: number | null;
  received_at: number;
}

export interface ReportedCallRecord {
  number: string;
  number_raw: string;
  call_time: number;
  call_type: CallType;
  organisation: string | null;
  subject: string | null;
  description: string | null;
}

export interface NuisanceReportRecord {
  report_id: string;
  submitted_at: number;
  channel: ReportChannel;
  reporter_id: string;
  reporter_number: string | null;
  calls: ReportedCallRecord[];
  received_at: number;
}
