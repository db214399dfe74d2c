import { cdrContract, MAX_EVENT_TIME_TEXT, type CdrInputContract } from './cdr-input-contract.ts';

/** A native CDR as the contract's zod schema (or this fast check) accepted it. */
export type NativeCdrParsed = Readonly<Record<string, unknown>>;

/**
 * The common case of the contract's zod schema without zod's per-record cost (~3 µs): a plain
 * object whose every field is right. Returns the input itself when zod would certainly accept it
 * unchanged, undefined when zod must look (any doubt, and every error, so error reports stay zod's).
 * Field by field it follows the same contract (cdr-input-contract.ts); the property test beside it
 * checks "accepted here ⇒ zod accepts with the same data".
 */
export function acceptNativeCdr(input: unknown, contract: CdrInputContract = cdrContract()): NativeCdrParsed | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const o = input as Record<string, unknown>;
  let required = 0;
  // for…in, not Object.keys: no key array per record (the prototype is Object's or none, so every key is own
  // unless Object.prototype itself was given enumerable properties, which is checked).
  for (const key in o) {
    if (!Object.hasOwn(o, key)) return undefined;
    const f = contract.byName.get(key);
    if (f === undefined) return undefined; // unknown field (or the platform): zod names it
    const v = o[key];
    if (v === undefined || v === null) {
      // Left out (undefined) or null: only where the contract allows it, and then not counted.
      if (v === null ? 'nullable' in f && f.nullable : f.optional) continue;
      return undefined;
    }
    switch (f.kind) {
      case 'number':
      case 'text':
        if (typeof v !== 'string') return undefined;
        break;
      case 'time':
        if (!((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= MAX_EVENT_TIME_TEXT))) return undefined;
        break;
      case 'enum':
        if (typeof v !== 'string' || !f.symbols.includes(v)) return undefined;
        break;
      case 'integer':
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > f.max) return undefined;
        break;
      case 'boolean':
        if (typeof v !== 'boolean') return undefined;
        break;
      case 'double':
        if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
        break;
    }
    if (!f.optional) required++;
  }
  return required === contract.requiredCount ? o : undefined;
}
