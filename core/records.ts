// The Avro record shapes (schemas/*.avsc): what the collectors write and the processors read back
// (decoded enums are their symbol strings). The types and enum lists are generated from the schemas
// (core/records.generated.ts, `npm run records:generate`, checked fresh by core/records.test.ts), so
// the schema is the one place a field is declared; this module is where the rest of the code takes
// them from. Times are epoch milliseconds; numbers are canonical E.164 or the buckets WITHHELD / INVALID.

export {
  CALL_TYPES,
  CONTACT_CHANNELS,
  DIRECTIONS,
  DISPOSITIONS,
  REPORT_CHANNELS,
  SPIKE_ALERT_ACTIONS,
  SPIKE_KINDS,
  SPIKE_SCOPES,
  type CallType,
  type CdrRecord,
  type ContactChannel,
  type Direction,
  type Disposition,
  type NuisanceReportRecord,
  type RecordBySchema,
  type ReportChannel,
  type ReportedCallRecord,
  type SpikeAlertAction,
  type SpikeAlertRecord,
  type SpikeKind,
  type SpikeScope,
} from './records.generated.ts';

import type { RecordBySchema } from './records.generated.ts';

/** The record a schema key (core/avro/schemas.ts) carries: `RecordOf<'cdr'>` is CdrRecord. */
export type RecordOf<K extends keyof RecordBySchema> = RecordBySchema[K];
