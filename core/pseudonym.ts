import { createHmac } from 'node:crypto';

/**
 * Keyed pseudonyms for personal identifiers (reporter identity, reporter's own number). HMAC-SHA256
 * with a secret key: the same person maps to the same pseudonym, so distinct reporters can be counted,
 * but without the key the value cannot be reversed or confirmed by guessing. `purpose` separates
 * domains, so a reporter's number and an offending number never share a pseudonym.
 */
export class Pseudonymiser {
  private readonly key: Buffer;

  constructor(key: string | Buffer) {
    this.key = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    if (this.key.length < 16) throw new Error('pseudonymisation key must be at least 16 bytes');
  }

  pseudonym(purpose: 'reporter' | 'reporter-number', value: string): string {
    return createHmac('sha256', this.key).update(purpose).update('\u0000').update(value.normalize('NFC')).digest('hex');
  }
}
