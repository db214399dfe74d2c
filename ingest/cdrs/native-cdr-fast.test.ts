import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CONTACT_CHANNELS, DIRECTIONS, DISPOSITIONS } from '../../core/records.ts';
import { acceptNativeCdr } from './native-cdr-fast.ts';
import { nativeCdrSchema } from './validate-cdr.ts';

// Each field: right values and the near misses zod must judge (wrong type, out of range, NaN, long strings...).
const odd = fc.constantFrom<unknown>(undefined, null, '', 'x', -1, 1.5, Number.NaN, Infinity, 2 ** 53, true, [], {}, '1'.repeat(65));
const time = fc.oneof(fc.integer({ min: 0, max: 2e12 }), fc.string({ maxLength: 70 }), fc.double(), odd);
const int = (max: number) => fc.oneof(fc.integer({ min: -5, max }), fc.constantFrom(max, max + 1), odd);
const en = (values: readonly string[]) => fc.oneof(fc.constantFrom(...values), fc.constantFrom('answered', 'MAYBE'), odd);
const text = fc.oneof(fc.string({ maxLength: 20 }), odd);

const candidate = fc.record(
  {
    cdr_id: text, setup_time: time, answer_time: time, end_time: time, caller: text, callee: text,
    direction: en(DIRECTIONS), disposition: en(DISPOSITIONS), duration_ms: int(Number.MAX_SAFE_INTEGER), billable_ms: int(Number.MAX_SAFE_INTEGER),
    queue: text, queue_wait_ms: int(Number.MAX_SAFE_INTEGER), agent: text, channel: en(CONTACT_CHANNELS), hangup_cause: int(127),
    platform: text, colour: text,
  },
  { requiredKeys: [] },
);
const good = fc.record(
  {
    cdr_id: fc.string(), setup_time: fc.integer({ min: 0, max: 2e12 }), answer_time: fc.option(fc.integer({ min: 0, max: 2e12 })), end_time: fc.string({ maxLength: 64 }),
    caller: fc.string(), callee: fc.string(), direction: fc.constantFrom(...DIRECTIONS), disposition: fc.constantFrom(...DISPOSITIONS),
    duration_ms: fc.nat(), billable_ms: fc.nat(), queue: fc.option(fc.string()), queue_wait_ms: fc.option(fc.nat()), agent: fc.option(fc.string()),
    channel: fc.constantFrom(...CONTACT_CHANNELS), hangup_cause: fc.option(fc.integer({ min: 0, max: 127 })),
  },
  { requiredKeys: ['cdr_id', 'setup_time', 'end_time', 'caller', 'callee', 'disposition'] },
);

// A good record with one field set to a value at or just past a boundary (or removed).
const FIELDS = ['cdr_id', 'setup_time', 'answer_time', 'end_time', 'caller', 'callee', 'direction', 'disposition', 'duration_ms', 'billable_ms', 'queue', 'queue_wait_ms', 'agent', 'channel', 'hangup_cause', 'platform', 'colour'];
const boundary = fc.constantFrom<unknown>(
  undefined, null, 0, -0, -1, 127, 128, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Infinity, -Infinity, Number.NaN,
  '', 'x', 'a'.repeat(64), 'a'.repeat(65), 'ANSWERED', 'WEBCHAT', 'INBOUND', 'answered', true, [], {}, 1_714_550_400_000n,
);
const nearMiss = fc.tuple(good, fc.constantFrom(...FIELDS), boundary, fc.boolean()).map(([g, field, value, remove]) => {
  const out: Record<string, unknown> = { ...g, [field]: value };
  return remove ? Object.fromEntries(Object.entries(out).filter(([k]) => k !== field)) : out;
});

describe('acceptNativeCdr', () => {
  it('accepts only what zod accepts, with the same data (property)', () => {
    fc.assert(
      fc.property(fc.oneof(nearMiss, candidate, good, fc.anything()), (input) => {
        const fast = acceptNativeCdr(input);
        if (fast === undefined) return;
        const parsed = nativeCdrSchema.safeParse(input);
        expect(parsed.success).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { numRuns: 20_000 },
    );
  });

  it('takes the common all-valid record without zod (property)', () => {
    fc.assert(
      fc.property(good, (input) => {
        expect(acceptNativeCdr(input)).toBe(input);
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves unknown fields, the platform field, arrays and class instances to zod', () => {
    const base = { cdr_id: 'c1', setup_time: 1, end_time: 2, caller: 'a', callee: 'b', disposition: 'ANSWERED' };
    expect(acceptNativeCdr(base)).toBe(base);
    expect(acceptNativeCdr({ ...base, platform: 'p' })).toBeUndefined();
    expect(acceptNativeCdr(JSON.parse('{"__proto__": 1, "cdr_id": "c1"}'))).toBeUndefined();
    expect(acceptNativeCdr([base])).toBeUndefined();
    expect(acceptNativeCdr(new Date())).toBeUndefined();
    expect(acceptNativeCdr({ ...base, disposition: undefined })).toBeUndefined();
  });
});
