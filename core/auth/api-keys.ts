import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyEntry } from '../config/sections/auth.ts';
import { CallwatchError, type ErrorCode } from '../errors.ts';

// API-key authentication shared by every HTTP service (collectors, investigator API). The errors
// default to the neutral CW_ERR_AUTH_* codes; a service passes its own released codes instead, so
// its clients keep seeing the codes they were promised.

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
 * API keys are configured as sha256 hashes (auth.apiKeys); a presented key is hashed and looked up,
 * so the configuration never holds a usable key and the lookup time does not depend on the key's bytes.
 */
export class ApiKeyStore {
  private readonly byHash = new Map<string, Principal>();

  constructor(entries: readonly ApiKeyEntry[]) {
    for (const e of entries) this.byHash.set(e.sha256, { name: e.name, scopes: new Set(e.scopes), entry: e });
  }

  /** The principal for the request's key; `unauthorized` (a 401 code) when the key is missing or unknown. */
  authenticate(headers: IncomingHttpHeaders, unauthorized: ErrorCode = 'CW_ERR_AUTH_UNAUTHORIZED'): Principal {
    const key = presentedKey(headers);
    if (key === undefined) throw new CallwatchError(unauthorized, 'send Authorization: Bearer <key> or X-API-Key');
    const p = this.byHash.get(sha256Hex(key));
    if (!p) throw new CallwatchError(unauthorized, 'key not recognised');
    return p;
  }
}

/** Throws `forbidden` (a 403 code) unless the key carries `scope`. */
export function requireScope(p: Principal, scope: string, forbidden: ErrorCode = 'CW_ERR_AUTH_FORBIDDEN'): void {
  if (!p.scopes.has(scope)) throw new CallwatchError(forbidden, `key ${p.name} has no ${scope} scope`);
}
