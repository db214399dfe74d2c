import { z } from 'zod';
import { isCountryCode } from '../../phone/normalise.ts';
import { envInt, ianaTimeZone, port, rate } from './common.ts';

const hmacKey = z.string().min(16, 'at least 16 characters');

// The collectors (ingest/main.ts): where they listen and every bound they enforce on requests
// (bodies, records, text, rates, load). Their API keys are the `auth` section's.
export const ingestSection = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(18_080),
  /** Region for numbers written without a country code. */
  defaultRegion: z.string().refine(isCountryCode, 'a two-letter region libphonenumber knows, e.g. GB').default('GB'),
  /**
   * Key of the HMAC that pseudonymises reporter identity and number at the edge (at least 16
   * bytes). Optional here so other services load the same config; the collector's own schema
   * (ingestServiceSchema below) requires it, so it refuses to start without it.
   */
  hmacKey: hmacKey.optional(),
  /** Zone in which the public form (GET/POST /report) reads the date and time a person types. */
  formTimeZone: ianaTimeZone.default('Europe/London'),
  /** Largest request body as received (compressed or not). */
  maxBodyBytes: envInt(1024, 1_073_741_824).default(16 * 1024 * 1024),
  /** Largest body after gzip decompression (bounds gzip bombs). */
  maxDecompressedBytes: envInt(1024, 4_294_967_296).default(64 * 1024 * 1024),
  maxRecordsPerRequest: envInt(1, 1_000_000).default(20_000),
  maxCallsPerReport: envInt(1, 1000).default(20),
  /** How far in the future (collector clock) an event time may lie before it is rejected. */
  futureSkewSeconds: envInt(0, 86_400).default(300),
  maxDescriptionLength: envInt(1, 100_000).default(2_000),
  /** Bound on other free-text fields (organisation, queue, agent, ids). */
  maxTextLength: envInt(1, 10_000).default(200),
  /** Per API key: sustained requests per second and burst. */
  rateLimitPerSecond: rate.default(200),
  rateLimitBurst: envInt(1, 1_000_000).default(400),
  /** Public web form: requests per minute per client IP and burst. */
  formRateLimitPerMinute: rate.default(10),
  formRateLimitBurst: envInt(1, 10_000).default(5),
  /**
   * Origins (scheme://host[:port]) besides the request's own from which the public form may be
   * posted: needed only when a proxy in front changes the Host header. Comma-separated in env.
   */
  formAllowedOrigins: z
    .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'scheme://host[:port]')))
    .default([]),
  /**
   * Longest a request may take from its first byte to the end of its body (a slow or stalled body
   * holds a connection and memory): past it the connection is answered 408 and closed.
   */
  requestTimeoutMs: envInt(1_000, 3_600_000).default(60_000),
  /** Shed new work (503) when the producer's queue is fuller than this share. */
  shedQueuePressure: z.coerce.number().gt(0).max(1).default(0.8),
  /**
   * Shed new work (503) while this many records are handed to Kafka and not yet acknowledged. Bounds
   * the collector's memory when Kafka slows or stalls: each such record costs ~0.7-0.9 kB (librdkafka's
   * copy and the wait for it), so 100,000 is ~80 MiB, where the producer queue's own bound (kafka
   * queueMaxMessages x shedQueuePressure: 400,000) allowed ~300 MiB. At 65k CDRs/s acknowledged
   * within ~0.25 s, ~16,000 are in flight.
   */
  shedRecordsInFlight: envInt(1_000, 10_000_000).default(100_000),
  /**
   * Worker threads that read, check and encode CDR bodies, so that the event loop only moves bytes
   * (HTTP, Kafka) and the collector uses more than one core; 0 does that work on the event loop.
   * Each thread keeps its own number memo (a few MiB). bench/README.md, "Issue 13: preparation threads".
   */
  prepareThreads: envInt(0, 64).default(1),
  /**
   * Shed new work (503) while this many bytes of CDR bodies wait for a preparation thread (the
   * threads slower than intake: each waiting body is memory).
   */
  shedPreparingBytes: envInt(1_048_576, 4_294_967_296).default(64 * 1024 * 1024),
  /** Shed new work (503) when event-loop delay (p99 over the last interval) exceeds this. */
  shedEventLoopLagMs: envInt(10, 60_000).default(500),
  /** Longest a request waits for Kafka's acknowledgement before answering 503. */
  ackTimeoutMs: envInt(100, 600_000).default(10_000),
  /** Retry-After (seconds) sent with 503 answers. */
  retryAfterSeconds: envInt(1, 3600).default(5),
  /** Time zone of Asterisk Master.csv local times when the key names none. */
  asteriskTimeZone: ianaTimeZone.default('UTC'),
  /** Trust X-Forwarded-For for the client IP (only behind a proxy you control). */
  trustProxy: z.preprocess((v) => (typeof v === 'string' ? /^(true|1|yes)$/i.test(v) : v), z.boolean()).default(false),
  /** Longest a graceful shutdown waits for in-flight requests and the producer flush. */
  shutdownTimeoutMs: envInt(100, 600_000).default(20_000),
});
export type IngestConfig = z.infer<typeof ingestSection>;

/** The section as the collector needs it: the HMAC key required (checked once, at start-up). */
export const ingestServiceSection = ingestSection.extend({
  hmacKey: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required: the collector pseudonymises reporters with it and will not start without it' : undefined) })
    .pipe(hmacKey),
});
export type IngestServiceSectionConfig = z.infer<typeof ingestServiceSection>;
