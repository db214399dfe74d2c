import { counter, histogram, LATENCY_BUCKETS_SECONDS } from '../core/metrics.ts';

// The collectors' metrics, on the process's shared registry (exposed on /metrics).
// `kind` is cdr or report; `format` the input format; `reason` a stable rejection reason code.
export const ingestMetrics = {
  received: counter('callwatch_ingest_records_received_total', 'Records received, before validation', ['kind', 'format'] as const),
  accepted: counter('callwatch_ingest_records_accepted_total', 'Records that passed validation and were acknowledged to the client', ['kind'] as const),
  rejected: counter('callwatch_ingest_records_rejected_total', 'Records rejected, by first reason', ['kind', 'reason'] as const),
  produced: counter('callwatch_ingest_records_produced_total', 'Records whose delivery Kafka confirmed', ['kind'] as const),
  produceFailed: counter('callwatch_ingest_produce_failures_total', 'Requests answered 503 because Kafka did not confirm in time', ['kind'] as const),
  produceLatency: histogram('callwatch_ingest_produce_latency_seconds', 'From handing a request\'s records to the producer until Kafka confirmed all of them', ['kind'] as const, LATENCY_BUCKETS_SECONDS),
  requestDuration: histogram('callwatch_ingest_request_duration_seconds', 'HTTP request latency', ['route', 'status'] as const, LATENCY_BUCKETS_SECONDS),
  shed: counter('callwatch_ingest_requests_shed_total', 'Requests refused with 503 because of overload', ['reason'] as const),
  rateLimited: counter('callwatch_ingest_requests_rate_limited_total', 'Requests refused with 429', ['limiter'] as const),
  authFailures: counter('callwatch_ingest_auth_failures_total', 'Requests refused with 401 or 403', ['status'] as const),
};
