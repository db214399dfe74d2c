import { counter, histogram, LATENCY_BUCKETS_SECONDS, SIZE_BUCKETS } from '../core/metrics.ts';

// The investigator API's metrics, on the process's shared registry (exposed on /metrics).
// `route` is the route pattern (never the looked-up number).
export const apiMetrics = {
  requestDuration: histogram('callwatch_api_request_duration_seconds', 'HTTP request latency', ['route', 'status'] as const, LATENCY_BUCKETS_SECONDS),
  lookups: counter('callwatch_api_lookups_total', 'Investigator look-ups answered, by route and format', ['route', 'format'] as const),
  rowsReturned: histogram('callwatch_api_rows_returned', 'Rows in one look-up answer', ['route'] as const, SIZE_BUCKETS),
  auditWrites: counter('callwatch_api_audit_writes_total', 'Audit rows written (ok) or lost (failed)', ['result'] as const),
  authFailures: counter('callwatch_api_auth_failures_total', 'Requests refused with 401 or 403', ['status'] as const),
  rateLimited: counter('callwatch_api_requests_rate_limited_total', 'Requests refused with 429'),
  rejected: counter('callwatch_api_requests_rejected_total', 'Requests refused with 4xx, by error code', ['code'] as const),
};
