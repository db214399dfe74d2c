import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { NumberNormaliser } from '../validation/numbers.ts';
import { cdrContract, cdrInputContract } from './cdr-input-contract.ts';
import { acceptNativeCdr } from './native-cdr-fast.ts';
import { validateCdr, type CdrContext } from './validate-cdr.ts';

// The native CDR contract is the schema's: its field list is schemas/cdr.avsc's, and a field added
// to (a copy of) the schema is accepted, validated and written without any change in ingest/.

const schemaText = readFileSync(fileURLToPath(new URL('../../schemas/cdr.avsc', import.meta.url)), 'utf8');
const schema = JSON.parse(schemaText) as { fields: { name: string; type: unknown; default?: unknown }[] };
const NOW = Date.UTC(2024, 4, 1, 12);
const ctx: CdrContext = { platform: 'pbx1', nowMs: NOW, futureSkewMs: 300_000, maxTextLength: 50, numbers: new NumberNormaliser('GB') };
const good = { cdr_id: 'c1', setup_time: Date.UTC(2024, 4, 1, 9), end_time: Date.UTC(2024, 4, 1, 9, 1), caller: '07700900123', callee: '02079460000', disposition: 'NO_ANSWER' };

describe('the native CDR contract', () => {
  it('takes its field list from schemas/cdr.avsc: every field but the collector\'s own', () => {
    const collectorOwned = new Set(['platform', 'received_at', 'caller_raw', 'callee_raw']);
    expect(cdrContract().inputFields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name).filter((n) => !collectorOwned.has(n)));
    expect(Object.keys(cdrContract().zod.def.shape as object)).toEqual(cdrContract().inputFields.map((f) => f.name));
    expect(cdrContract().fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
  });

  it('requires what a platform must send and derives or defaults the rest', () => {
    expect(cdrContract().inputFields.filter((f) => !f.optional).map((f) => f.name)).toEqual(['cdr_id', 'setup_time', 'end_time', 'caller', 'callee', 'disposition']);
    const v = validateCdr(good, ctx);
    expect(v.ok && [v.value.direction, v.value.channel, v.value.duration_ms, v.value.billable_ms, v.value.queue, v.value.hangup_cause]).toEqual(['UNKNOWN', 'VOICE', 60_000, 0, null, null]);
  });

  it('accepts, checks and writes a field added to a copy of the schema, with no change in ingest/', () => {
    const copy = structuredClone(schema);
    const at = copy.fields.findIndex((f) => f.name === 'received_at');
    copy.fields.splice(at, 0, { name: 'trunk', type: ['null', 'string'], default: null }, { name: 'mos_x100', type: ['null', 'int'], default: null });
    const contract = cdrInputContract(copy);
    const withCopy: CdrContext = { ...ctx, contract };
    const input = { ...good, trunk: 'BT-07', mos_x100: 412 };

    // The fast check and zod both know the new fields...
    expect(acceptNativeCdr(input, contract)).toBe(input);
    expect(contract.zod.safeParse(input).success).toBe(true);
    // ...validation writes them (null when left out), and the record is valid Avro for the copy.
    const v = validateCdr(input, withCopy);
    expect(v.ok && [v.value, (v.value as unknown as Record<string, unknown>).trunk, (v.value as unknown as Record<string, unknown>).mos_x100]).toEqual([expect.anything(), 'BT-07', 412]);
    const type = avro.Type.forSchema(copy as avro.Schema, { wrapUnions: false });
    expect(v.ok && type.isValid(v.value)).toBe(true);
    const absent = validateCdr(good, withCopy);
    expect(absent.ok && (absent.value as unknown as Record<string, unknown>).trunk).toBe(null);
    // ...and check them by their kind: text by the identifier rules, integers non-negative.
    const bad = validateCdr({ ...good, trunk: 'BT\u0007', mos_x100: -1 }, withCopy);
    expect(bad.ok ? [] : bad.errors.map((e) => `${e.field}:${e.reason}`)).toEqual(['mos_x100:out_of_range']);
    const badText = validateCdr({ ...good, trunk: 'BT\u0007' }, withCopy);
    expect(badText.ok ? [] : badText.errors.map((e) => `${e.field}:${e.reason}`)).toEqual(['trunk:control_characters']);
    // The current schema does not know it.
    expect(validateCdr(input, ctx).ok).toBe(false);
  });

  it('a record the current contract writes is valid Avro for schemas/cdr.avsc', () => {
    const v = validateCdr({ ...good, queue: 'q', queue_wait_ms: 5, agent: 'a', hangup_cause: 16, direction: 'INBOUND', channel: 'SMS' }, ctx);
    expect(v.ok && avro.Type.forSchema(schema as avro.Schema, { wrapUnions: false }).isValid(v.value)).toBe(true);
  });

  it('refuses to guess the input rule of a field type it does not know', () => {
    const copy = structuredClone(schema);
    copy.fields.push({ name: 'tags', type: { type: 'array', items: 'string' }, default: [] });
    expect(() => cdrInputContract(copy)).toThrow(/tags/);
  });
});
