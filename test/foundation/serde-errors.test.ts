import { describe, expect, it } from 'vitest';
import { AvroSerde, frame } from '../../core/avro/serde.ts';
import { CallwatchError } from '../../core/errors.ts';
import { testConfig, uniqueTag } from '../support/env.ts';
import { sampleCdr } from '../support/fixtures.ts';
import type { CdrRecord } from '../../core/records.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CallwatchError);
    return (err as CallwatchError).code;
  }
  throw new Error('expected a rejection');
}

describe('decoding bad bytes gives typed errors', () => {
  const tag = uniqueTag('serde');
  const config = testConfig(tag);
  const serde = AvroSerde.fromConfig(config.registry);

  it('garbage shorter than a header', async () => {
    expect(await codeOf(serde.decode('cdr', Buffer.from([1, 2])))).toBe('CW_ERR_AVRO_SHORT_MESSAGE');
  });

  it('wrong magic byte', async () => {
    expect(await codeOf(serde.decode('cdr', Buffer.from('{"cdr_id":"x","platform":"p"}')))).toBe('CW_ERR_AVRO_MAGIC_BYTE');
  });

  it('unknown schema id (asked of the real registry)', async () => {
    expect(await codeOf(serde.decode('cdr', frame(2_000_000_000, Buffer.from([0]))))).toBe('CW_ERR_AVRO_UNKNOWN_SCHEMA_ID');
  });

  it('a known id with a body that is not that schema', async () => {
    const id = await serde.register('cdr', `${config.kafka.topicPrefix}errors-value`);
    expect(await codeOf(serde.decode('cdr', frame(id, Buffer.from([0xff, 0xff, 0xff]))))).toBe('CW_ERR_AVRO_DECODE');
    const good = serde.encode('cdr', sampleCdr(1));
    expect(await codeOf(serde.decode('cdr', good.subarray(0, good.length - 10)))).toBe('CW_ERR_AVRO_DECODE');
  });

  it('encoding a record that does not match names the fields', async () => {
    await serde.register('cdr', `${config.kafka.topicPrefix}errors-value`);
    let caught: unknown;
    try {
      // What an untyped caller (a plain-JS client, a JSON.parse result) could pass: the types forbid it, the serde must too.
      serde.encode('cdr', { ...sampleCdr(1), duration_ms: 'long', channel: 'PIGEON' } as unknown as CdrRecord);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CallwatchError);
    expect((caught as CallwatchError).code).toBe('CW_ERR_AVRO_ENCODE');
    expect((caught as CallwatchError).message).toMatch(/duration_ms/);
    expect((caught as CallwatchError).message).toMatch(/channel/);
  });

  it('framer writes a record in place, byte for byte as encode() does, and says how much room was missing', async () => {
    await serde.register('cdr', `${config.kafka.topicPrefix}errors-value`);
    const write = serde.framer('cdr');
    const records = Array.from({ length: 12 }, (_v, i) => ({ ...sampleCdr(i), agent: i % 5 === 3 ? 'a'.repeat(3000 + i) : null }));
    const buf = Buffer.alloc(8192);
    for (const [i, r] of records.entries()) {
      const expected = serde.encode('cdr', r);
      const end = write(r, buf, 100);
      expect(end, `record ${String(i)}`).toBe(100 + expected.length);
      expect(buf.subarray(100, end).equals(expected), `record ${String(i)}`).toBe(true);
      // Too small: minus at least the bytes missing, so the caller can grow its buffer and ask again.
      const short = Buffer.alloc(expected.length - 1);
      expect(write(r, short, 0)).toBeLessThan(0);
      expect(write(r, Buffer.alloc(short.length - write(r, short, 0)), 0)).toBe(expected.length);
      expect(write(r, Buffer.alloc(3), 0)).toBeLessThan(0);
    }
    expect((await serde.decode('cdr', serde.encode('cdr', records[3] as CdrRecord))).value).toEqual(records[3]);
    let caught: unknown;
    try {
      write({ ...sampleCdr(2), channel: 'PIGEON' } as unknown as CdrRecord, buf, 0);
    } catch (err) {
      caught = err;
    }
    expect((caught as CallwatchError).code).toBe('CW_ERR_AVRO_ENCODE');
    expect((caught as CallwatchError).message).toMatch(/channel/);
  });
});
