import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyEntry } from '../../core/config/sections/ingest.ts';
import { CallwatchError } from '../../core/errors.ts';
import { REPORT_CHANNELS, type ReportChannel } from '../../core/records.ts';

/** The holder of an API key, as the routes see it (never the key itself). */
export interface Principal {
  name: string;
  scopes: ReadonlySet<string>;
  entry: ApiKeyEntry;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m?.[1]) return m[1];
  }
  const x = headers['x-api-key'];
  return typeof x === 'string' && x.trim() !== '' ? x.trim() : undefined;
}

/**
 * API keys are configured as sha256 hashes; a presented key is hashed and looked up, so the
 * configuration never holds a usable key and the lookup time does not depend on the key's bytes.
 */
export class ApiKeyStore {
  private readonly byHash = new Map<string, Principal>();

  constructor(entries: readonly ApiKeyEntry[]) {
    for (const e of entries) this.byHash.set(e.sha256, { name: e.name, scopes: new Set(e.scopes), entry: e });
  }

  /** The principal for the request's key; CW_ERR_INGEST_UNAUTHORIZED when missing or unknown. */
  authenticate(headers: IncomingHttpHeaders): Principal {
    const key = presentedKey(headers);
    if (key === undefined) throw new CallwatchError('CW_ERR_INGEST_UNAUTHORIZED', 'send Authorization: Bearer <key> or X-API-Key');
    const p = this.byHash.get(sha256Hex(key));
    if (!p) throw new CallwatchError('CW_ERR_INGEST_UNAUTHORIZED', 'key not recognised');
    return p;
  }
}

/** The platform a CDR push is for: the key's one `ingest:<platform>` scope, or the `?platform=` it names. */
export function ingestPlatform(p: Principal, requested: string | undefined): string {
  const platforms = [...p.scopes].filter((s) => s.startsWith('ingest:')).map((s) => s.slice('ingest:'.length));
  if (platforms.length === 0) throw new CallwatchError('CW_ERR_INGEST_FORBIDDEN', `key ${p.name} has no ingest:<platform> scope`);
  if (requested !== undefined) {
    if (!platforms.includes(requested)) throw new CallwatchError('CW_ERR_INGEST_FORBIDDEN', `key ${p.name} may not ingest for that platform`);
    return requested;
  }
  if (platforms.length > 1) throw new CallwatchError('CW_ERR_INGEST_BAD_REQUEST', `key ${p.name} ingests for several platforms: name one with ?platform=`);
  return platforms[0] ?? '';
}

/** The channel a report is submitted for: one of the key's `report:<CHANNEL>` scopes. */
export function reportChannel(p: Principal, requested: unknown): ReportChannel {
  const channels = REPORT_CHANNELS.filter((c) => p.scopes.has(`report:${c}`));
  if (channels.length === 0) throw new CallwatchError('CW_ERR_INGEST_FORBIDDEN', `key ${p.name} has no report:<channel> scope`);
  if (typeof requested === 'string') {
    const c = channels.find((x) => x === requested);
    if (!c) throw new CallwatchError('CW_ERR_INGEST_FORBIDDEN', `key ${p.name} may not submit reports for that channel`, { reason: 'channel_not_allowed' });
    return c;
  }
  const only = channels.length === 1 ? channels[0] : undefined;
  if (!only) throw new CallwatchError('CW_ERR_INGEST_BAD_REQUEST', `key ${p.name} reports for several channels: set "channel"`);
  return only;
}
