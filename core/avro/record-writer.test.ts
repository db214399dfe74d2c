import type avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.ts';
import { compileRecordWriter, type RecordWriter } from './record-writer.ts';
import { loadSchema, loadSchemaText } from './schemas.ts';

// The compiled writer must write avsc's bytes exactly (the topics' data and every consumer depend on
// them): every record below is written by both, into buffers large enough and too small.

const STRINGS = ['', 'a', '+447700900123', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'é', 'queue é', '\u20ac'.repeat(30), '\u{1F4DE} call', '\ud800', 'a\udc00b', '\u07ff\u0800', 'k'.repeat(300) + '\u00e9'];
const LONGS = [0, 1, -1, 63, 64, 2 ** 34, 2 ** 48, 8191, 8192, -64, -65, 1073741823, 1073741824, -1073741824, -1073741825, 2 ** 31, -(2 ** 31), 2 ** 32 + 5, Date.UTC(2026, 11, 1), 9007199254740990, -9007199254740990];
const INTS = [0, 1, -1, 127, 128, 2 ** 31 - 1, -(2 ** 31), 300];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)] as T;
}

function randomString(rng: Rng): string {
  if (rng.chance(0.5)) return pick(rng, STRINGS);
  const alphabet = ['a', 'Z', '0', ' ', '+', 'é', '\u20ac', '\u{1F4DE}', '\ud83d', '\ude00', '\u0000'];
  return Array.from({ length: rng.int(80) }, () => pick(rng, alphabet)).join('');
}

/** A random value for an avsc type (the kinds the writer compiles). */
function randomValue(rng: Rng, t: avro.Type): unknown {
  switch (t.typeName) {
    case 'string':
      return randomString(rng);
    case 'long':
      return rng.chance(0.5) ? pick(rng, LONGS) : rng.between(-5e9, 5e9);
    case 'int':
      return rng.chance(0.5) ? pick(rng, INTS) : rng.between(-1e6, 1e6);
    case 'boolean':
      return rng.chance(0.5);
    case 'double':
    case 'float':
      return pick(rng, [0, -0, 1.5, -2.25, 1e300, Number.NaN, Number.POSITIVE_INFINITY, rng.next()]);
    case 'enum':
      return pick(rng, (t as unknown as { symbols: string[] }).symbols);
    case 'union:unwrapped': {
      const branches = (t as unknown as { types: avro.Type[] }).types;
      const b = pick(rng, branches);
      return b.typeName === 'null' ? null : randomValue(rng, b);
    }
    default:
      throw new Error(`no generator for ${t.typeName}`);
  }
}

function randomRecord(rng: Rng, type: avro.Type, defaulted: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of (type as unknown as { fields: { name: string; type: avro.Type }[] }).fields) {
    // A field with a default may be left out: both write the default.
    out[f.name] = defaulted.has(f.name) && rng.chance(0.2) ? undefined : randomValue(rng, f.type);
  }
  return out;
}

function compare(write: RecordWriter, type: avro.Type, record: Record<string, unknown>, rng: Rng): void {
  const size = type.toBuffer(record).length;
  const ours = Buffer.alloc(size + 20, 0xaa);
  const theirs = Buffer.alloc(size + 20, 0xaa);
  const at = rng.int(10);
  const label = JSON.stringify(record, (_k, v: unknown) => (v === undefined ? '(undefined)' : v));
  expect(write(record, ours, at), label).toBe(type.encode(record, theirs, at));
  expect(ours.subarray(at, at + size).equals(theirs.subarray(at, at + size)), label).toBe(true);
  // Too small: both say by how much.
  const short = rng.int(size + at);
  expect(write(record, Buffer.alloc(short), Math.min(at, short)), label).toBe(type.encode(record, Buffer.alloc(short), Math.min(at, short)));
}

const EVERY_KIND = {
  type: 'record',
  name: 'EveryKind',
  fields: [
    { name: 's', type: 'string' },
    { name: 'l', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'i', type: 'int' },
    { name: 'b', type: 'boolean' },
    { name: 'd', type: 'double' },
    { name: 'f', type: 'float' },
    { name: 'e', type: { type: 'enum', name: 'Many', symbols: Array.from({ length: 70 }, (_v, k) => `S${String(k)}`) } },
    { name: 'ns', type: ['null', 'string'], default: null },
    { name: 'sn', type: ['string', 'null'], default: 'dflt' },
    { name: 'nl', type: ['null', 'long'], default: null },
    { name: 'ni', type: ['null', 'int'] },
    { name: 'ne', type: ['null', { type: 'enum', name: 'Few', symbols: ['A', 'B'] }], default: null },
    { name: 'ds', type: 'string', default: 'd\u00e9faut' },
    { name: 'dl', type: 'long', default: -7 },
  ],
};

describe('compileRecordWriter', () => {
  it('writes the CDR schema byte for byte as avsc, and says as avsc how much room was missing', () => {
    const { type, text } = loadSchema('cdr');
    const write = compileRecordWriter(JSON.parse(text), type);
    expect(write).toBeDefined();
    const defaulted = new Set((JSON.parse(text) as { fields: { name: string; default?: unknown }[] }).fields.filter((f) => 'default' in f).map((f) => f.name));
    const rng = new Rng(1305);
    for (let n = 0; n < 20_000; n++) compare(write as RecordWriter, type, randomRecord(rng, type, defaulted), rng);
  });

  it('does the same for every kind it compiles: ints, booleans, doubles, floats, 70 enum symbols, unions either way round, defaults', () => {
    const type = loadSchemaText(JSON.stringify(EVERY_KIND), 'test');
    const write = compileRecordWriter(EVERY_KIND, type);
    expect(write).toBeDefined();
    const defaulted = new Set(EVERY_KIND.fields.filter((f) => 'default' in f).map((f) => f.name));
    const rng = new Rng(7);
    for (let n = 0; n < 20_000; n++) compare(write as RecordWriter, type, randomRecord(rng, type, defaulted), rng);
  });

  it('refuses what avsc refuses (the serde then names the fields)', () => {
    const { type, text } = loadSchema('cdr');
    const write = compileRecordWriter(JSON.parse(text), type) as RecordWriter;
    const rng = new Rng(3);
    const good = randomRecord(rng, type, new Set());
    const bad: Record<string, unknown>[] = [
      { ...good, cdr_id: 5 },
      { ...good, cdr_id: undefined },
      { ...good, setup_time: 1.5 },
      { ...good, setup_time: '2026' },
      { ...good, setup_time: 2 ** 60 },
      { ...good, setup_time: Number.MAX_SAFE_INTEGER },
      { ...good, disposition: 'MAYBE' },
      { ...good, answer_time: 'soon' },
      { ...good, hangup_cause: 2 ** 31 },
      { ...good, queue: 7 },
    ];
    for (const r of bad) {
      expect(() => type.encode(r, Buffer.alloc(4096), 0)).toThrow();
      expect(() => write(r, Buffer.alloc(4096), 0)).toThrow();
    }
    expect(() => write(null, Buffer.alloc(10), 0)).toThrow();
  });

  it('compiles nothing for what it does not handle (avsc writes those)', () => {
    const nested = { type: 'record', name: 'N', fields: [{ name: 'a', type: { type: 'array', items: 'string' } }] };
    expect(compileRecordWriter(nested, loadSchemaText(JSON.stringify(nested), 'test'))).toBeUndefined();
    const union3 = { type: 'record', name: 'U', fields: [{ name: 'a', type: ['null', 'string', 'long'] }] };
    expect(compileRecordWriter(union3, loadSchemaText(JSON.stringify(union3), 'test'))).toBeUndefined();
  });
});
