// One table of stable error codes for the whole project (like fastify's FST_ERR_*). A code never
// changes meaning once released; add new ones instead. HTTP status is the default a service maps it to.
export const ERROR_CODES = {
  CW_ERR_CONFIG_UNKNOWN_KEY: { status: 500, message: 'unknown configuration key' },
  CW_ERR_CONFIG_INVALID: { status: 500, message: 'invalid configuration' },
  CW_ERR_CONFIG_FILE: { status: 500, message: 'configuration file unreadable' },
  CW_ERR_AVRO_SHORT_MESSAGE: { status: 422, message: 'message shorter than the 5-byte wire-format header' },
  CW_ERR_AVRO_MAGIC_BYTE: { status: 422, message: 'wrong magic byte: not Confluent wire format' },
  CW_ERR_AVRO_UNKNOWN_SCHEMA_ID: { status: 422, message: 'schema id unknown to the registry' },
  CW_ERR_AVRO_DECODE: { status: 422, message: 'Avro body does not decode with its writer schema' },
  CW_ERR_AVRO_ENCODE: { status: 422, message: 'record does not match its Avro schema' },
  CW_ERR_AVRO_SCHEMA_FILE: { status: 500, message: 'Avro schema file invalid' },
  CW_ERR_REGISTRY_UNAVAILABLE: { status: 503, message: 'schema registry unreachable' },
  CW_ERR_REGISTRY_REJECTED: { status: 500, message: 'schema registry rejected the request' },
  CW_ERR_KAFKA_PRODUCE: { status: 503, message: 'Kafka did not confirm delivery' },
  CW_ERR_KAFKA_QUEUE_FULL: { status: 503, message: 'producer queue full' },
  CW_ERR_KAFKA_TIMEOUT: { status: 503, message: 'Kafka did not answer in time' },
  CW_ERR_KAFKA_NOT_CONNECTED: { status: 503, message: 'not connected to Kafka' },
  CW_ERR_KAFKA_ADMIN: { status: 500, message: 'Kafka admin request failed' },
  CW_ERR_CLICKHOUSE_QUERY: { status: 500, message: 'ClickHouse query failed' },
  CW_ERR_CLICKHOUSE_UNAVAILABLE: { status: 503, message: 'ClickHouse unreachable' },
  CW_ERR_SQL_LITERAL: { status: 400, message: 'value cannot be written as a SQL literal' },
  CW_ERR_MIGRATION: { status: 500, message: 'migration failed' },
  CW_ERR_WEEK_INVALID: { status: 400, message: 'not a week' },
  CW_ERR_SPIKES_INPUT: { status: 422, message: 'spike detector input invalid' },
  CW_ERR_RECORD_INVALID: { status: 422, message: 'record fails validation' },
  CW_ERR_RECORD_CONFLICT: { status: 409, message: 'a record with this identity is already stored with different content' },
  CW_ERR_AUTH_UNAUTHORIZED: { status: 401, message: 'missing or unknown API key' },
  CW_ERR_AUTH_FORBIDDEN: { status: 403, message: 'API key lacks the scope for this request' },
  CW_ERR_INGEST_UNAUTHORIZED: { status: 401, message: 'missing or unknown API key' },
  CW_ERR_INGEST_FORBIDDEN: { status: 403, message: 'API key lacks the scope for this request' },
  CW_ERR_INGEST_BODY_TOO_LARGE: { status: 413, message: 'request body too large' },
  CW_ERR_INGEST_TOO_MANY_RECORDS: { status: 413, message: 'too many records in one request' },
  CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'unsupported content type' },
  CW_ERR_INGEST_UNSUPPORTED_ENCODING: { status: 415, message: 'unsupported content encoding' },
  CW_ERR_INGEST_MALFORMED_BODY: { status: 400, message: 'request body cannot be parsed' },
  CW_ERR_INGEST_BAD_REQUEST: { status: 400, message: 'bad request' },
  CW_ERR_INGEST_REQUEST_TIMEOUT: { status: 408, message: 'the request was not received in time' },
  CW_ERR_INGEST_HEADERS_TOO_LARGE: { status: 431, message: 'request headers too large' },
  CW_ERR_INGEST_EMPTY_BATCH: { status: 400, message: 'no records in the request' },
  CW_ERR_INGEST_REJECTED: { status: 422, message: 'records rejected' },
  CW_ERR_INGEST_IDEMPOTENCY_CONFLICT: { status: 409, message: 'Idempotency-Key reused with a different request' },
  CW_ERR_INGEST_RATE_LIMITED: { status: 429, message: 'rate limit exceeded' },
  CW_ERR_INGEST_OVERLOADED: { status: 503, message: 'collector overloaded, retry later' },
  CW_ERR_INGEST_UNAVAILABLE: { status: 503, message: 'Kafka did not confirm delivery in time, retry later' },
  CW_ERR_INGEST_NOT_FOUND: { status: 404, message: 'no such route' },
  CW_ERR_INGEST_INTERNAL: { status: 500, message: 'collector failed unexpectedly' },
  CW_ERR_API_UNAUTHORIZED: { status: 401, message: 'missing or unknown API key' },
  CW_ERR_API_FORBIDDEN: { status: 403, message: 'API key lacks the investigate scope' },
  CW_ERR_API_BAD_REQUEST: { status: 400, message: 'invalid request parameter' },
  CW_ERR_API_BAD_URL: { status: 400, message: 'the request path is not valid percent-encoded UTF-8' },
  CW_ERR_API_URI_TOO_LONG: { status: 414, message: 'a path parameter is longer than any look-up takes' },
  CW_ERR_API_NUMBER_WITHHELD: { status: 400, message: 'a withheld number cannot be looked up' },
  CW_ERR_API_NUMBER_INVALID: { status: 400, message: 'not a phone number' },
  CW_ERR_API_NOT_ACCEPTABLE: { status: 406, message: 'only application/json and text/csv can be returned' },
  CW_ERR_API_NOT_FOUND: { status: 404, message: 'no such route' },
  CW_ERR_API_RATE_LIMITED: { status: 429, message: 'rate limit exceeded' },
  CW_ERR_API_AUDIT_FAILED: { status: 503, message: 'the look-up could not be written to the audit log, so it is not answered' },
  CW_ERR_API_INTERNAL: { status: 500, message: 'investigator API failed unexpectedly' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CallwatchError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, detail?: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    const base = ERROR_CODES[code].message;
    super(detail ? `${base}: ${detail}` : base, options);
    this.name = 'CallwatchError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }
}

export function isCallwatchError(err: unknown, code?: ErrorCode): err is CallwatchError {
  return err instanceof CallwatchError && (code === undefined || err.code === code);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
