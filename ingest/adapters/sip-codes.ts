import type { Disposition } from '../../core/records.ts';

// What a SIP final response code says about an unanswered call. The Q.850 cause is RFC 3398
// §8.2.6.1's mapping of SIP responses to ISUP causes; a code it does not list has no cause stored
// (null) rather than an invented one.
const Q850_BY_SIP: Readonly<Record<number, number>> = {
  400: 41, 401: 21, 402: 21, 403: 21, 404: 1, 405: 63, 406: 79, 407: 21, 408: 102, 410: 22, 413: 127, 414: 127,
  415: 79, 416: 127, 420: 127, 421: 127, 423: 127, 480: 18, 481: 41, 482: 25, 483: 25, 484: 28, 485: 1, 486: 17,
  488: 127, 500: 41, 501: 79, 502: 38, 503: 41, 504: 102, 505: 127, 513: 127, 600: 17, 603: 21, 604: 1, 606: 58,
};

/** A SIP final response code ("486", 486), or undefined when the value is not one. */
export function sipCode(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^[1-6]\d\d$/.test(text)) return undefined;
  return Number(text);
}

/** The Q.850 cause of a failed call's SIP code (RFC 3398); null for 2xx and for 487 (the caller cancelled). */
export function q850FromSip(code: number): number | null {
  if (code < 300 || code === 487) return null;
  return Q850_BY_SIP[code] ?? null;
}

/**
 * A failed call's disposition from its final response: busy (486, 600), not answered (408 request
 * timeout, 480 temporarily unavailable: the callee did not pick up or was not reachable), cancelled
 * by the caller (487 request terminated, which a CANCEL produces), congestion (503 service
 * unavailable, 502/504 from an overloaded or unreachable next hop), anything else failed.
 */
export function sipDisposition(code: number): Disposition {
  if (code >= 200 && code < 300) return 'ANSWERED';
  if (code === 486 || code === 600) return 'BUSY';
  if (code === 408 || code === 480) return 'NO_ANSWER';
  if (code === 487) return 'CANCELLED';
  if (code === 502 || code === 503 || code === 504) return 'CONGESTION';
  return 'FAILED';
}

/**
 * The user part of what a SIP proxy logs for a party: a bare user ($fU, $rU), or a URI or name-addr
 * (`"Bob" <sip:+442079460000@example.org;user=phone>`, `tel:+44-20-7946-0000`). The number itself is
 * normalised later, as every source's is.
 */
export function sipUser(value: string): string {
  let v = value.trim();
  const angle = /<([^>]*)>/.exec(v);
  if (angle?.[1] !== undefined) v = angle[1].trim();
  const scheme = /^(sips?|tel):/i.exec(v);
  if (!scheme) return v;
  v = v.slice(scheme[0].length);
  if (scheme[1]?.toLowerCase() !== 'tel') {
    const at = v.lastIndexOf('@');
    if (at >= 0) v = v.slice(0, at);
  }
  const params = v.indexOf(';');
  if (params >= 0) v = v.slice(0, params);
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/**
 * A call's identity on a SIP proxy: the dialog's Call-ID, From tag and To tag, joined with `#`
 * (trailing empty tags left out). A dialog is one call leg; a re-sent record has the same tags, so the same
 * id; two branches of one forked INVITE differ in their To tags.
 */
export function dialogId(callId: string, fromTag: string | undefined, toTag: string | undefined): string {
  // Trailing empty tags are left out; an empty From tag before a To tag keeps its place.
  const parts = [callId, fromTag ?? '', toTag ?? ''];
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.join('#');
}
