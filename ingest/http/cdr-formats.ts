import { CallwatchError } from '../../core/errors.ts';
import type { CsvMapping } from '../../core/config/sections/csv-mapping.ts';
import { adaptAsteriskCsv } from '../adapters/asterisk-csv.ts';
import { adaptCgratesCdr, isCgratesCdr } from '../adapters/cgrates.ts';
import { adaptMappedCsv } from '../adapters/csv-mapping.ts';
import { adaptFreeswitchCdr, FREESWITCH_FORM_TYPES, freeswitchDocumentText, isFreeswitchCdr } from '../adapters/freeswitch-json.ts';
import { decodeFreeswitchXmlBody, looksLikeXml } from '../adapters/freeswitch-xml.ts';
import { adaptKamailioAccCdr, isKamailioAccCdr } from '../adapters/kamailio-acc.ts';
import { adaptOpensipsAccCdr, isOpensipsAccCdr } from '../adapters/opensips-acc.ts';
import { adaptJsonBatch, adaptNdjson, parseJsonQuietly } from '../adapters/native.ts';
import type { AdaptedRecord, CdrFormat } from '../adapters/types.ts';
import { utf8Text } from './body.ts';

export const FORMAT_PARAM_VALUES = ['json', 'ndjson', 'asterisk-csv', 'csv-mapped', 'freeswitch-json', 'freeswitch-xml', 'cgrates', 'kamailio-acc', 'opensips-acc'] as const;

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines']);
const XML_TYPES = new Set(['text/xml', 'application/xml']);
/** Formats whose bytes may be in a charset other than UTF-8 (decoded per field). */
const CHARSET_FORMATS = new Set<CdrFormat>(['asterisk-csv', 'csv-mapped']);

export interface CdrBodyOptions {
  mediaType: string;
  /** Content-Type charset, when the client declared one. */
  charset?: string;
  body: Buffer;
  /** `?format=`, when the client names its format instead of relying on Content-Type. */
  format?: CdrFormat;
  /** `?uuid=` that mod_json_cdr / mod_xml_cdr append. */
  uuid?: string;
  /** Zone of local times in formats that carry no offset (the key's `timeZone`). */
  timeZone: string;
  maxRecords: number;
  /** The key's CSV layout: text/csv is read with it (format csv-mapped) instead of as Asterisk Master.csv. */
  csvMapping?: CsvMapping;
}

/** Formats whose body is one JSON object: one CDR per POST. */
const ONE_OBJECT_ADAPTERS = { cgrates: adaptCgratesCdr, 'kamailio-acc': adaptKamailioAccCdr, 'opensips-acc': adaptOpensipsAccCdr } as const;

/** Which adapter a POST /v1/cdrs body needs: `?format=` first, then Content-Type (and, for JSON, its shape). */
export function adaptCdrBody(o: CdrBodyOptions): { format: CdrFormat; records: AdaptedRecord[] } {
  let format = o.format ?? formatFromMediaType(o.mediaType);
  if (format === 'asterisk-csv' && o.format === undefined && o.csvMapping) format = 'csv-mapped';
  if (!CHARSET_FORMATS.has(format) && o.charset !== undefined && !/^(utf-?8|us-ascii)$/i.test(o.charset)) {
    throw new CallwatchError('CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE', 'only UTF-8 bodies are accepted in this format');
  }
  switch (format) {
    case 'asterisk-csv':
      return { format, records: adaptAsteriskCsv(o.body, o.timeZone, o.maxRecords, o.charset) };
    case 'csv-mapped':
      if (!o.csvMapping) throw new CallwatchError('CW_ERR_BAD_REQUEST', 'this key has no CSV mapping (auth.apiKeys[].csv)');
      return { format, records: adaptMappedCsv(o.body, o.csvMapping, o.timeZone, o.maxRecords, o.charset) };
    case 'ndjson':
      return { format, records: adaptNdjson(utf8Text(o.body), o.maxRecords) };
    case 'freeswitch-json':
    case 'freeswitch-xml':
      return adaptFreeswitch(o, format);
    case 'cgrates':
    case 'kamailio-acc':
    case 'opensips-acc': {
      const parsed = parseJsonQuietly(utf8Text(o.body));
      if (!parsed.ok) throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', parsed.detail, { format });
      return { format, records: [ONE_OBJECT_ADAPTERS[format](parsed.value)] };
    }
    case 'json': {
      const parsed = parseJsonQuietly(utf8Text(o.body));
      if (!parsed.ok) throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', parsed.detail, { format });
      // mod_json_cdr and CGRateS post application/json too: their documents are told apart by their
      // shape (`variables`; `CGRID` or `OriginID` + `SetupTime`), which native CDRs never have.
      if (o.format === undefined && isFreeswitchCdr(parsed.value)) return { format: 'freeswitch-json', records: [adaptFreeswitchCdr(parsed.value, o.uuid)] };
      if (o.format === undefined && isCgratesCdr(parsed.value)) return { format: 'cgrates', records: [adaptCgratesCdr(parsed.value)] };
      // Kamailio acc_json and OpenSIPS acc: a dialog's CDR, told apart by their own field names.
      if (o.format === undefined && isKamailioAccCdr(parsed.value)) return { format: 'kamailio-acc', records: [adaptKamailioAccCdr(parsed.value)] };
      if (o.format === undefined && isOpensipsAccCdr(parsed.value)) return { format: 'opensips-acc', records: [adaptOpensipsAccCdr(parsed.value)] };
      return { format, records: adaptJsonBatch(parsed.value, o.maxRecords) };
    }
  }
}

/** One FreeSWITCH CDR, JSON (mod_json_cdr) or XML (mod_xml_cdr), in any of the modules' encodings. */
function adaptFreeswitch(o: CdrBodyOptions, named: CdrFormat): { format: CdrFormat; records: AdaptedRecord[] } {
  const text = utf8Text(o.body);
  const isXml = named === 'freeswitch-xml' || XML_TYPES.has(o.mediaType) || looksLikeXml(freeswitchDocumentText(o.mediaType, text));
  if (isXml) return { format: 'freeswitch-xml', records: [adaptFreeswitchCdr(decodeFreeswitchXmlBody(o.mediaType, text), o.uuid)] };
  const parsed = parseJsonQuietly(freeswitchDocumentText(o.mediaType, text));
  if (!parsed.ok) throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', parsed.detail, { format: 'freeswitch-json' });
  return { format: 'freeswitch-json', records: [adaptFreeswitchCdr(parsed.value, o.uuid)] };
}

function formatFromMediaType(mediaType: string): CdrFormat {
  if (mediaType === 'application/json') return 'json';
  if (NDJSON_TYPES.has(mediaType)) return 'ndjson';
  if (mediaType === 'text/csv') return 'asterisk-csv';
  if (FREESWITCH_FORM_TYPES.has(mediaType)) return 'freeswitch-json';
  if (XML_TYPES.has(mediaType)) return 'freeswitch-xml';
  throw new CallwatchError(
    'CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE',
    'use application/json, application/x-ndjson, text/csv (Asterisk Master.csv), or what FreeSWITCH mod_json_cdr / mod_xml_cdr send',
    { mediaType: mediaType.slice(0, 80) },
  );
}
