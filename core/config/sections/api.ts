import { z } from 'zod';
import { isCountryCode } from '../../phone/normalise.ts';
import { envInt, port, rate } from './common.ts';

// The investigator API (api/main.ts). Keys and their scopes are the deployment's one key list,
// `auth.apiKeys` (a key needs the `investigate` scope here); this section holds what only the API uses.
export const apiSection = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(18_090),
    /** Region for numbers written without a country code; the collectors' `ingest.defaultRegion` should match. */
    defaultRegion: z.string().refine(isCountryCode, 'a two-letter region libphonenumber knows, e.g. GB').default('GB'),
    /** Rows per page when the request names no `limit`. */
    defaultPageSize: envInt(1, 10_000).default(50),
    /** Largest `limit` a request may ask for (JSON and CSV alike). */
    maxPageSize: envInt(1, 100_000).default(1_000),
    /** Largest `offset`: deep pages cost a scan of everything before them. */
    maxOffset: envInt(0, 10_000_000).default(100_000),
    /** Shortest number prefix accepted, counting digits only (a short prefix would list a whole country). */
    minPrefixDigits: envInt(1, 15).default(4),
    /** Per API key: sustained requests per second and burst. */
    rateLimitPerSecond: rate.default(20),
    rateLimitBurst: envInt(1, 1_000_000).default(40),
    /** Retry-After (seconds) sent with 503 answers. */
    retryAfterSeconds: envInt(1, 3600).default(5),
    /** Longest a graceful shutdown waits for in-flight requests. */
    shutdownTimeoutMs: envInt(100, 600_000).default(10_000),
  })
  .refine((c) => c.defaultPageSize <= c.maxPageSize, { message: 'defaultPageSize must not exceed maxPageSize', path: ['defaultPageSize'] });
export type ApiConfig = z.infer<typeof apiSection>;
