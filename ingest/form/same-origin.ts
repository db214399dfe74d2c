import type { FastifyRequest } from 'fastify';

/**
 * Whether a form POST comes from this site's own page. Browsers send `Origin` with every POST form
 * (and `Referer` unless told not to); a cross-site page gets its own origin there, which it cannot
 * forge. A request with neither header is not from a browser page and so cannot be a forgery
 * riding on a visitor's browser: it is let through (the per-IP rate limit still applies).
 * `allowed` adds origins (scheme://host[:port]) for a deployment whose proxy changes the Host.
 */
export function sameOrigin(request: FastifyRequest, allowed: readonly string[] = []): boolean {
  const own = `${request.protocol}://${request.host}`.toLowerCase();
  const ok = (origin: string): boolean => origin === own || allowed.some((a) => a.toLowerCase() === origin);
  const origin = request.headers.origin;
  if (typeof origin === 'string') return ok(origin.trim().toLowerCase()); // "null" (sandboxed or privacy-stripped) is refused
  const referer = request.headers.referer;
  if (typeof referer === 'string') {
    try {
      return ok(new URL(referer).origin.toLowerCase());
    } catch {
      return false;
    }
  }
  return true;
}
