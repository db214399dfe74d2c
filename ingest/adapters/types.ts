import type { FieldError, FieldWarning } from '../validation/reasons.ts';

/**
 * One record as an adapter read it: either a native CDR input (the shape validateCdr takes) or
 * the errors that stopped the adapter. `fieldNames` renames native fields back to the names of the
 * platform's own format in error messages (Asterisk `start` rather than `setup_time`).
 */
export type AdaptedRecord =
  | { index: number; line?: number; input: Record<string, unknown>; fieldNames?: Readonly<Record<string, string>>; warnings?: FieldWarning[] }
  | { index: number; line?: number; errors: FieldError[] };

export type CdrFormat = 'json' | 'ndjson' | 'asterisk-csv' | 'csv-mapped' | 'freeswitch-json' | 'freeswitch-xml' | 'cgrates' | 'kamailio-acc' | 'opensips-acc';
