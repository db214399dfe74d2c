// One table of stable error codes for the whole project (like fastify's FST_ERR_*): one code per
// failure, whichever service meets it. A code never changes meaning once released; add new ones
// instead. Each entry says how a caller must treat the failure, so no call site decides it again:
//   status     the HTTP status a service answers it with;
//   retryable  the same request or step can succeed later unchanged (the cause is elsewhere:
//              a broker, the registry, ClickHouse, a rate limit) — a service answers Retry-After,
//              the processors retry the step;
//   poison     the input itself is bad: retrying never helps, the record goes to the dead-letter
//              topic (processors) or is rejected (collectors).
// A failure that is neither (configuration, a bug, a conflict) stops the step and is reported.
// Which code string a client sees is the service's reply policy (core/http/error-reply.ts): the
// collectors and the API published their own names for the shared failures, and keep them.

interface ErrorSpec {
  readonly status: number;
  readonly message: string;
  readonly retryable: boolean;
  readonly poison: boolean;
}

const spec = (status: number, message: string, how: 'retryable' | 'poison' | 'final'): ErrorSpec => ({
  status,
  message,
  retryable: how === 'retryable',
  poison: how === 'poison',
});

export const ERROR_CODES = {
  CW_ERR_CONFIG_UNKNOWN_KEY: spec(500, 'unknown configuration key', 'final'),
  CW_ERR_CONFIG_INVALID: spec(500, 'invalid configuration', 'final'),
  CW_ERR_CONFIG_FILE: spec(500, 'configuration file unreadable', 'final'),
  CW_ERR_AVRO_SHORT_MESSAGE: spec(422, 'message shorter than the 5-byte wire-format header', 'poison'),
  CW_ERR_AVRO_MAGIC_BYTE: spec(422, 'wrong magic byte: not Confluent wire format', 'poison'),
  CW_ERR_AVRO_UNKNOWN_SCHEMA_ID: spec(422, 'schema id unknown to the registry', 'poison'),
  CW_ERR_AVRO_DECODE: spec(422, 'Avro body does not decode with its writer schema', 'poison'),
  CW_ERR_AVRO_ENCODE: spec(422, 'record does not match its Avro schema', 'poison'),
  CW_ERR_AVRO_SCHEMA_FILE: spec(500, 'Avro schema file invalid', 'final'),
  CW_ERR_REGISTRY_UNAVAILABLE: spec(503, 'schema registry unreachable', 'retryable'),
  CW_ERR_REGISTRY_REJECTED: spec(500, 'schema registry rejected the request', 'final'),
  CW_ERR_KAFKA_PRODUCE: spec(503, 'Kafka did not confirm delivery', 'retryable'),
  CW_ERR_KAFKA_QUEUE_FULL: spec(503, 'producer queue full', 'retryable'),
  CW_ERR_KAFKA_TIMEOUT: spec(503, 'Kafka did not answer in time', 'retryable'),
  CW_ERR_KAFKA_NOT_CONNECTED: spec(503, 'not connected to Kafka', 'retryable'),
  CW_ERR_KAFKA_ADMIN: spec(500, 'Kafka admin request failed', 'final'),
  CW_ERR_CLICKHOUSE_QUERY: spec(500, 'ClickHouse query failed', 'final'),
  CW_ERR_CLICKHOUSE_UNAVAILABLE: spec(503, 'ClickHouse unreachable', 'retryable'),
  CW_ERR_SQL_LITERAL: spec(400, 'value cannot be written as a SQL literal', 'poison'),
  CW_ERR_MIGRATION: spec(500, 'migration failed', 'final'),
  CW_ERR_WEEK_INVALID: spec(400, 'not a week', 'poison'),
  CW_ERR_SPIKES_INPUT: spec(422, 'spike detector input invalid', 'poison'),
  CW_ERR_RECORD_INVALID: spec(422, 'record fails validation', 'poison'),
  CW_ERR_RECORD_CONFLICT: spec(409, 'a record with this identity is already stored with different content', 'poison'),
  // Failures every HTTP service meets; on the wire under each service's published name.
  CW_ERR_UNAUTHORIZED: spec(401, 'missing or unknown API key', 'final'),
  CW_ERR_FORBIDDEN: spec(403, 'API key lacks the scope for this request', 'final'),
  CW_ERR_BAD_REQUEST: spec(400, 'bad request', 'poison'),
  CW_ERR_NOT_FOUND: spec(404, 'no such route', 'final'),
  CW_ERR_RATE_LIMITED: spec(429, 'rate limit exceeded', 'retryable'),
  CW_ERR_INTERNAL: spec(500, 'failed unexpectedly', 'final'),
  // Collector failures.
  CW_ERR_INGEST_BODY_TOO_LARGE: spec(413, 'request body too large', 'poison'),
  CW_ERR_INGEST_TOO_MANY_RECORDS: spec(413, 'too many records in one request', 'poison'),
  CW_ERR_INGEST_UNSUPPORTED_MEDIA_TYPE: spec(415, 'unsupported content type', 'poison'),
  CW_ERR_INGEST_UNSUPPORTED_ENCODING: spec(415, 'unsupported content encoding', 'poison'),
  CW_ERR_INGEST_MALFORMED_BODY: spec(400, 'request body cannot be parsed', 'poison'),
  CW_ERR_INGEST_REQUEST_TIMEOUT: spec(408, 'the request was not received in time', 'final'),
  CW_ERR_INGEST_HEADERS_TOO_LARGE: spec(431, 'request headers too large', 'poison'),
  CW_ERR_INGEST_EMPTY_BATCH: spec(400, 'no records in the request', 'poison'),
  CW_ERR_INGEST_REJECTED: spec(422, 'records rejected', 'poison'),
  CW_ERR_INGEST_IDEMPOTENCY_CONFLICT: spec(409, 'Idempotency-Key reused with a different request', 'final'),
  CW_ERR_INGEST_OVERLOADED: spec(503, 'collector overloaded, retry later', 'retryable'),
  CW_ERR_INGEST_UNAVAILABLE: spec(503, 'Kafka did not confirm delivery in time, retry later', 'retryable'),
  // Investigator API failures.
  CW_ERR_API_BAD_URL: spec(400, 'the request path is not valid percent-encoded UTF-8', 'poison'),
  CW_ERR_API_URI_TOO_LONG: spec(414, 'a path parameter is longer than any look-up takes', 'poison'),
  CW_ERR_API_NUMBER_WITHHELD: spec(400, 'a withheld number cannot be looked up', 'poison'),
  CW_ERR_API_NUMBER_INVALID: spec(400, 'not a phone number', 'poison'),
  CW_ERR_API_NOT_ACCEPTABLE: spec(406, 'only application/json and text/csv can be returned', 'poison'),
  CW_ERR_API_AUDIT_FAILED: spec(503, 'the look-up could not be written to the audit log, so it is not answered', 'retryable'),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class CallwatchError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** What this occurrence adds to the code's message (the message is `<code's message>: <detail>`). */
  readonly detail: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, detail?: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    const base = ERROR_CODES[code].message;
    super(detail ? `${base}: ${detail}` : base, options);
    this.name = 'CallwatchError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.detail = detail || undefined;
    this.details = details;
  }
}

export function isCallwatchError(err: unknown, code?: ErrorCode): err is CallwatchError {
  return err instanceof CallwatchError && (code === undefined || err.code === code);
}

/** A failure the same step can get past by trying again later (per the table; unknown errors are not). */
export function isRetryable(err: unknown): boolean {
  return isCallwatchError(err) && ERROR_CODES[err.code].retryable;
}

/** A failure of the input itself: retrying never helps, the record is dead-lettered or rejected. */
export function isPoison(err: unknown): err is CallwatchError {
  return isCallwatchError(err) && ERROR_CODES[err.code].poison;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
