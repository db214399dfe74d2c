import { z } from 'zod';
import { isCountryCode } from '../../phone/normalise.ts';
import { envInt, port } from './common.ts';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, 'an IANA time zone such as Europe/London');

/** A positive rate that may be fractional (env values arrive as strings). */
const rate = z.coerce.number().positive().max(1_000_000);

/**
 * Scopes an API key may carry: `ingest:<platform>` (push CDRs as that platform),
 * `report:<CHANNEL>` (submit nuisance reports for a trusted channel such as HELPLINE or LIVE_CHAT),
 * `investigate`, `admin`.
 */
export const apiKeyScope = z
  .string()
  .regex(
    /^(ingest:[A-Za-z0-9][A-Za-z0-9._-]{0,63}|report:(WEB|HELPLINE|LIVE_CHAT|API|EMAIL|POST|OTHER)|investigate|admin)$/,
    'ingest:<platform>, report:<WEB|HELPLINE|LIVE_CHAT|API|EMAIL|POST|OTHER>, investigate or admin',
  );

export const apiKeyEntry = z.strictObject({
  /** Who holds the key; appears in logs and metrics instead of the key. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ -'),
  /** sha256 of the key, lower-case hex (make it with `npx tsx ingest/hash-key.ts <key>`). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters (sha256 of the key)'),
  scopes: z.array(apiKeyScope).min(1),
  /** Time zone of the local times in this platform's Asterisk Master.csv (default: asteriskTimeZone). */
  asteriskTimeZone: timeZone.optional(),
  /** Per-key override of the request rate limit. */
  rateLimitPerSecond: rate.optional(),
  rateLimitBurst: envInt(1, 1_000_000).optional(),
});
export type ApiKeyEntry = z.infer<typeof apiKeyEntry>;

// The collectors (ingest/main.ts): where they listen, how they authenticate, and every bound they
// enforce on requests (bodies, records, text, rates, load).
export const ingestSection = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(18_080),
  /** Region for numbers written without a country code. */
  defaultRegion: z.string().refine(isCountryCode, 'a two-letter region libphonenumber knows, e.g. GB').default('GB'),
  /**
   * Key of the HMAC that pseudonymises reporter identity and number at the edge (at least 16
   * bytes). Optional here so other services load the same config; the collector refuses to start without it.
   */
  hmacKey: z.string().min(16, 'at least 16 characters').optional(),
  apiKeys: z.array(apiKeyEntry).default([]),
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
  /** Shed new work (503) when the producer's queue is fuller than this share. */
  shedQueuePressure: z.coerce.number().gt(0).max(1).default(0.8),
  /** Shed new work (503) when event-loop delay (p99 over the last interval) exceeds this. */
  shedEventLoopLagMs: envInt(10, 60_000).default(500),
  /** Longest a request waits for Kafka's acknowledgement before answering 503. */
  ackTimeoutMs: envInt(100, 600_000).default(10_000),
  /** Retry-After (seconds) sent with 503 answers. */
  retryAfterSeconds: envInt(1, 3600).default(5),
  /** Time zone of Asterisk Master.csv local times when the key names none. */
  asteriskTimeZone: timeZone.default('UTC'),
  /** Trust X-Forwarded-For for the client IP (only behind a proxy you control). */
  trustProxy: z.preprocess((v) => (typeof v === 'string' ? /^(true|1|yes)$/i.test(v) : v), z.boolean()).default(false),
  /** Longest a graceful shutdown waits for in-flight requests and the producer flush. */
  shutdownTimeoutMs: envInt(100, 600_000).default(20_000),
});
export type IngestConfig = z.infer<typeof ingestSection>;
