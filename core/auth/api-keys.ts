import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyEntry } from '../config/sections/auth.ts';
import { CallwatchError } from '../errors.ts';

// API-key authentication shared by every HTTP service (collectors, investigator API). It throws the
// shared failures CW_ERR_UNAUTHORIZED / CW_ERR_FORBIDDEN; each service's reply policy sends them under
// the code it released (core/http/error-reply.ts).

/** The holder of an API key, as the routes see it (never the key itself). */
export interface Principal {
  name: string;
  scopes: ReadonlySet<string>;
  entry: ApiKeyEntry;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface KeyPresentation {
  /**
   * Also take the key as the password of HTTP Basic credentials (`Authorization: Basic
   * base64(user:key)`, any user name): telephony platforms' CDR modules (FreeSWITCH mod_json_cdr /
   * mod_xml_cdr `cred`, CGRateS, Kamailio http_client) can send credentials but no other header.
   */
  basic?: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The password of `Authorization: Basic base64(user:password)`, or undefined. */
export function basicPassword(auth: string): string | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(auth);
  if (!m?.[1] || !BASE64.test(m[1])) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // RFC 7617: the user-id cannot contain a colon, so the first one ends it; the password may hold more.
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return password === '' ? undefined : password;
}

/** The key a request presents: `Authorization: Bearer <key>`, `X-API-Key: <key>`, or (opt-in) Basic credentials. */
export function presentedKey(headers: IncomingHttpHeaders, how: KeyPresentation = {}): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m?.[1]) return m[1];
    if (how.basic) {
      const password = basicPassword(auth);
      if (password !== undefined) return password;
    }
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

  /** The principal for the request's key; CW_ERR_UNAUTHORIZED (401) when the key is missing or unknown. */
  authenticate(headers: IncomingHttpHeaders, how: KeyPresentation = {}): Principal {
    const key = presentedKey(headers, how);
    if (key === undefined) {
      throw new CallwatchError('CW_ERR_UNAUTHORIZED', how.basic ? 'send Authorization: Bearer <key>, X-API-Key, or Basic credentials with the key as password' : 'send Authorization: Bearer <key> or X-API-Key');
    }
    const p = this.byHash.get(sha256Hex(key));
    if (!p) throw new CallwatchError('CW_ERR_UNAUTHORIZED', 'key not recognised');
    return p;
  }
}

/** Throws CW_ERR_FORBIDDEN (403) unless the key carries `scope`. */
export function requireScope(p: Principal, scope: string): void {
  if (!p.scopes.has(scope)) throw new CallwatchError('CW_ERR_FORBIDDEN', `key ${p.name} has no ${scope} scope`);
}
