import type { Framer } from '../../core/avro/serde.ts';
import type { CsvMapping } from '../../core/config/sections/csv-mapping.ts';
import { CallwatchError } from '../../core/errors.ts';
import type { CountryCode } from '../../core/phone/normalise.ts';
import type { CdrFormat } from '../adapters/types.ts';
import { adaptCdrBody } from '../http/cdr-formats.ts';
import type { NumberNormaliser } from '../validation/numbers.ts';
import { checkCdrBatch, type Rejection, type Warning } from './check-batch.ts';

/**
 * One POST /v1/cdrs body and everything its reading depends on: what the request and its API key
 * say, and the collector's clock when it arrived. Plain data, so that it can be handed to a
 * preparation thread (cdr-preparer.ts) as it is.
 */
export interface CdrBodyJob {
  /** The body after Content-Encoding was undone. */
  body: Buffer;
  mediaType: string;
  charset?: string;
  /** `?format=`. */
  format?: CdrFormat;
  /** `?uuid=` (mod_json_cdr / mod_xml_cdr). */
  uuid?: string;
  /** Zone of local times in formats without an offset (the key's). */
  timeZone: string;
  /** The key's CSV layout. */
  csvMapping?: CsvMapping;
  /** Every record's platform (the key's). */
  platform: string;
  /** All or nothing. */
  atomic: boolean;
  /** The key's region for national numbers; the collector's when absent. */
  defaultRegion?: CountryCode;
  /** The collector clock when the request was read (epoch ms): the future-skew bound's "now". */
  nowMs: number;
}

/** What the answer says about the request's records, accepted or not. */
export interface CdrSummary {
  format: CdrFormat;
  received: number;
  /** Distinct records rejected. */
  rejected: number;
  /** One entry per problem. */
  rejections: Rejection[];
  warnings: Warning[];
}

/**
 * A body read, checked and encoded: the accepted records' ids in request order and their values,
 * each framed in the Confluent wire format, end to end in `values` (record i ends at `ends[i]`).
 * Plain data that crosses threads: `values` is transferred, not copied. No record object is left.
 */
export interface PreparedCdrs {
  /** Nothing is to be produced: no record was valid, or the request was atomic and one was not. */
  refused: boolean;
  atomic: boolean;
  summary: CdrSummary;
  ids: string[];
  values: Uint8Array;
  ends: Uint32Array;
}

/** What reading a body needs besides the job: the collector's bounds, numbers and writer. */
export interface CdrPreparationContext {
  maxRecordsPerRequest: number;
  futureSkewSeconds: number;
  maxTextLength: number;
  numbers: NumberNormaliser;
  write: Framer<'cdr'>;
}

/** Room for a typical CDR's frame; a larger one grows the buffer. */
const BYTES_PER_RECORD = 192;

/**
 * Reads a body in its format (ingest/http/cdr-formats.ts), validates and normalises every record
 * (check-batch.ts) and encodes the accepted ones. Throws CallwatchError for request-level failures
 * (unsupported media type, malformed body, CW_ERR_INGEST_EMPTY_BATCH). The same code runs on the
 * event loop or on a preparation thread.
 */
export function prepareCdrs(job: CdrBodyJob, ctx: CdrPreparationContext): PreparedCdrs {
  const { format, records } = adaptCdrBody({
    mediaType: job.mediaType,
    ...(job.charset === undefined ? {} : { charset: job.charset }),
    body: job.body,
    ...(job.format === undefined ? {} : { format: job.format }),
    ...(job.uuid === undefined ? {} : { uuid: job.uuid }),
    timeZone: job.timeZone,
    maxRecords: ctx.maxRecordsPerRequest,
    ...(job.csvMapping === undefined ? {} : { csvMapping: job.csvMapping }),
  });
  if (records.length === 0) throw new CallwatchError('CW_ERR_INGEST_EMPTY_BATCH');
  const checked = checkCdrBatch(records, {
    platform: job.platform,
    nowMs: job.nowMs,
    futureSkewMs: ctx.futureSkewSeconds * 1000,
    maxTextLength: ctx.maxTextLength,
    numbers: ctx.numbers.forRegion(job.defaultRegion),
  });
  const summary: CdrSummary = { format, received: records.length, rejected: checked.rejectedRecords, rejections: checked.rejections, warnings: checked.warnings };
  const accepted = checked.accepted;
  if (accepted.length === 0 || (job.atomic && checked.rejectedRecords > 0)) {
    return { refused: true, atomic: job.atomic, summary, ids: [], values: new Uint8Array(0), ends: new Uint32Array(0) };
  }
  const ids = new Array<string>(accepted.length);
  const ends = new Uint32Array(accepted.length);
  // Not from Buffer's shared pool: this buffer's memory is handed to the main thread whole.
  let values = Buffer.allocUnsafeSlow(accepted.length * BYTES_PER_RECORD);
  let pos = 0;
  for (let i = 0; i < accepted.length; i++) {
    const record = (accepted[i] as (typeof accepted)[number]).record;
    ids[i] = record.cdr_id;
    let end = ctx.write(record, values, pos);
    if (end < 0) {
      const grown = Buffer.allocUnsafeSlow(Math.max(values.length * 2, values.length - end));
      values.copy(grown, 0, 0, pos);
      values = grown;
      end = ctx.write(record, values, pos);
    }
    ends[i] = end;
    pos = end;
  }
  return { refused: false, atomic: job.atomic, summary, ids, values: values.subarray(0, pos), ends };
}
