import { createHmac, randomUUID } from 'node:crypto';

/** What an Idempotency-Key may look like: 1–255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * The report_id: random without an Idempotency-Key; with one, a UUID (version 8, "custom") made
 * from HMAC(key, principal ‖ Idempotency-Key), so a client's retry gets the same id and downstream
 * dedupes on it, while another client's identical key never collides and nobody can predict ids.
 */
export function reportId(hmacKey: string | Buffer, principal: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  const b = createHmac('sha256', hmacKey).update('report-id\u0000').update(principal).update('\u0000').update(idempotencyKey).digest().subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
