// The decoded shapes of the two Avro records the processors read (schemas/cdr.avsc,
// schemas/nuisance_report.avsc). Times are epoch milliseconds; enums arrive as their symbol strings.

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
  direction: 'INBOUND' | 'OUTBOUND' | 'INTERNAL' | 'UNKNOWN';
  disposition: 'ANSWERED' | 'NO_ANSWER' | 'BUSY' | 'FAILED' | 'CONGESTION' | 'CANCELLED' | 'ABANDONED';
  duration_ms: number;
  billable_ms: number;
  queue: string | null;
  queue_wait_ms: number | null;
  agent: string | null;
  channel: 'VOICE' | 'WEBCHAT' | 'SMS' | 'EMAIL' | 'VIDEO' | 'OTHER';
  hangup_cause: number | null;
  received_at: number;
}

export interface ReportedCallRecord {
  number: string;
  number_raw: string;
  call_time: number;
  call_type: 'LIVE_CALL' | 'RECORDED_MESSAGE' | 'SILENT' | 'ABANDONED' | 'TEXT_MESSAGE' | 'OTHER';
  organisation: string | null;
  subject: string | null;
  description: string | null;
}

export interface NuisanceReportRecord {
  report_id: string;
  submitted_at: number;
  channel: 'WEB' | 'HELPLINE' | 'LIVE_CHAT' | 'API' | 'EMAIL' | 'POST' | 'OTHER';
  reporter_id: string;
  reporter_number: string | null;
  calls: ReportedCallRecord[];
  received_at: number;
}

/** Where a record was read from: provenance stored beside it and put in dead-letter headers. */
export interface SourcePosition {
  topic: string;
  partition: number;
  offset: number;
  /** Kafka timestamp (epoch ms), if the message had one. */
  timestamp: number | undefined;
}
