import { z } from 'zod';
import { isCountryCode, type CountryCode } from '../../phone/normalise.ts';
import { envInt, ianaTimeZone, rate } from './common.ts';
import { csvMapping } from './csv-mapping.ts';

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
  /**
   * Time zone of the platform's clock, for CDR formats whose times carry no offset (Asterisk
   * Master.csv, CSV mappings): default ingest.asteriskTimeZone.
   */
  timeZone: ianaTimeZone.optional(),
  /** Older name of timeZone (Asterisk only); timeZone wins when both are set. */
  asteriskTimeZone: ianaTimeZone.optional(),
  /** Region for this platform's national numbers (written without a country code): default ingest.defaultRegion. */
  defaultRegion: z
    .string()
    .refine(isCountryCode, 'a two-letter region libphonenumber knows, e.g. GB')
    .transform((v): CountryCode => v)
    .optional(),
  /**
   * This platform's CSV layout (core/config/sections/csv-mapping.ts): its text/csv bodies are read
   * with it instead of as Asterisk Master.csv (`?format=asterisk-csv` still forces that).
   */
  csv: csvMapping.optional(),
  /** Per-key override of the collectors' request rate limit. */
  rateLimitPerSecond: rate.optional(),
  rateLimitBurst: envInt(1, 1_000_000).optional(),
});
export type ApiKeyEntry = z.infer<typeof apiKeyEntry>;

// The deployment's one key list, read by every service that authenticates requests (the collectors
// and the investigator API); each service checks the scopes it needs.
export const authSection = z.strictObject({
  apiKeys: z.array(apiKeyEntry).default([]),
});
export type AuthConfig = z.infer<typeof authSection>;
