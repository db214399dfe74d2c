import { CallwatchError } from '../../core/errors.ts';
import { adaptAsteriskCsv } from '../adapters/asterisk-csv.ts';
import { adaptFreeswitchCdr, decodeFreeswitchBody, isFreeswitchCdr } from '../adapters/freeswitch-json.ts';
import { adaptJsonBatch, adaptNdjson, parseJsonQuietly } from '../adapters/native.ts';
import type { AdaptedRecord, CdrFormat } from '../adapters/types.ts';

export const FORMAT_PARAM_VALUES = ['json', 'ndjson', 'asterisk-csv', 'freeswitch-json'] as const;

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines']);
const FREESWITCH_FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'application/x-www-form-base64-encoded']);

export interface CdrBodyOptions {
  mediaType: string;
  text: string;
  /** `?format=`, when the client names its format instead of relying on Content-Type. */
  format?: CdrFormat;
  /** `?uuid=` that mod_json_cdr appends. */
  uuid?: string;
  asteriskTimeZone: string;
  maxRecords: number;
}

/** Which adapter a POST /v1/cdrs body needs: `?format=` first, then Content-Type (and, for JSON, its shape). */
export function adaptCdrBody(o: CdrBodyOptions): { format: CdrFormat; records: AdaptedRecord[] } {
  const format = o.format ?? formatFromMediaType(o.mediaType);
  switch (format) {
    case 'asterisk-csv':
      return { format, records: adaptAsteriskCsv(o.text, o.asteriskTimeZone, o.maxRecords) };
    case 'ndjson':
      return { format, records: adaptNdjson(o.text, o.maxRecords) };
    case 'freeswitch-json':
      return { format, records: [adaptFreeswitchCdr(decodeFreeswitchBody(o.mediaType, o.text), o.uuid)] };
    case 'json': {
      const parsed = parseJsonQuietly(o.text);
      if (!parsed.ok) throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', parsed.detail, { format });
      // mod_json_cdr posts application/json too: its documents are told apart by their `variables`.
      if (o.format === undefined && isFreeswitchCdr(parsed.value)) return { format: 'freeswitch-json', records: [adaptFreeswitchCdr(parsed.value, o.uuid)] };
      return { format, records: adaptJsonBatch(parsed.value, o.maxRecords) };
    }
  }
}

function formatFromMediaType(mediaType: string): CdrFormat {
  if (mediaType === 'application/json') return 'json';
  if (NDJSON_TYPES.has(mediaType)) return 'ndjson';
  if (mediaType === 'text/csv') return 'asterisk-csv';
  if (FREESWITCH_FORM_TYPES.has(mediaType)) return 'freeswitch-json';
  throw new CallwatchError(
    'CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE',
    'use application/json, application/x-ndjson, text/csv (Asterisk Master.csv) or mod_json_cdr\'s types',
    { mediaType: mediaType.slice(0, 80) },
  );
}
