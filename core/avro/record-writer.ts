import type avro from 'avsc';

// A record schema's Avro binary writer compiled into one function with every field named in its
// code, for the collectors' hot path (AvroSerde.framer): avsc's own writer goes through a type
// object, a Tap and a Buffer.byteLength call per string; this one writes ASCII strings directly.
// It writes exactly avsc's bytes (record-writer.test.ts compares them on random records): the same
// zig-zag varints (integer arithmetic below 2^30, floating above, as avsc), strings as avsc writes
// them (avsc's own loop up to 64 bytes, Buffer#write above), union branch indexes in the schema's
// order, a field left undefined written as its default. Schemas with anything else (nested records,
// arrays, maps, fixed, bytes, unions other than [null, T]) get no compiled writer: avsc writes them.

/** Writes `value` into `buf` at `pos`: the end, or minus the bytes missing when it does not fit (avsc's Type#encode). */
export type RecordWriter = (value: unknown, buf: Buffer, pos: number) => number;

type Kind = 'string' | 'long' | 'int' | 'boolean' | 'double' | 'float' | { symbols: readonly string[] };

interface FieldPlan {
  name: string;
  kind: Kind;
  /** Index of the null branch and of the value's, for a [null, T] union. */
  union?: { nullIndex: number; valueIndex: number };
  /** avsc's bytes of the default, when the field has one. */
  defaultBytes?: Buffer;
}

class InvalidValue extends Error {}
function invalid(): never {
  throw new InvalidValue('value does not match the schema');
}

function writeLong(buf: Buffer, pos: number, n: number): number {
  let p = pos;
  if (n >= -1073741824 && n < 1073741824) {
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (m > 0x7f) {
      buf[p++] = (m & 0x7f) | 0x80;
      m >>>= 7;
    }
    buf[p++] = m;
  } else {
    let f = n >= 0 ? n * 2 : -n * 2 - 1;
    while (f >= 128) {
      buf[p++] = (f & 0x7f) | 0x80;
      f /= 128;
    }
    buf[p++] = f & 0x7f;
  }
  return p;
}

/** avsc's bound of a long it writes from a number (one below Number.MAX_SAFE_INTEGER). */
const MAX_LONG = 9007199254740990;

function checkedLong(n: unknown): number {
  if (typeof n !== 'number' || n % 1 !== 0 || n > MAX_LONG || n < -MAX_LONG) invalid();
  return n;
}

function checkedInt(n: unknown): number {
  if (n !== ((n as number) | 0)) invalid();
  return n;
}

function writeString(buf: Buffer, pos: number, s: unknown): number {
  if (typeof s !== 'string') invalid();
  const n = s.length;
  if (n < 64) {
    // ASCII (most ids, numbers, names): its length is its byte length, one varint byte.
    let q = pos + 1;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[q++] = c;
    }
    if (i === n) {
      buf[pos] = n << 1;
      return q;
    }
  }
  const len = Buffer.byteLength(s);
  const start = writeLong(buf, pos, len);
  const end = start + len;
  if (end > buf.length) return end;
  if (len > 64) {
    buf.write(s, start, len, 'utf8');
    return end;
  }
  // avsc's own loop for short strings (a lone surrogate as its three bytes, as avsc writes it).
  let p = start;
  for (let i = 0; i < n; i++) {
    let c1 = s.charCodeAt(i);
    let c2: number;
    if (c1 < 0x80) buf[p++] = c1;
    else if (c1 < 0x800) {
      buf[p++] = (c1 >> 6) | 0xc0;
      buf[p++] = (c1 & 0x3f) | 0x80;
    } else if ((c1 & 0xfc00) === 0xd800 && ((c2 = s.charCodeAt(i + 1)) & 0xfc00) === 0xdc00) {
      c1 = 0x10000 + ((c1 & 0x03ff) << 10) + (c2 & 0x03ff);
      i++;
      buf[p++] = (c1 >> 18) | 0xf0;
      buf[p++] = ((c1 >> 12) & 0x3f) | 0x80;
      buf[p++] = ((c1 >> 6) & 0x3f) | 0x80;
      buf[p++] = (c1 & 0x3f) | 0x80;
    } else {
      buf[p++] = (c1 >> 12) | 0xe0;
      buf[p++] = ((c1 >> 6) & 0x3f) | 0x80;
      buf[p++] = (c1 & 0x3f) | 0x80;
    }
  }
  return end;
}

function writeBytes(buf: Buffer, pos: number, bytes: Buffer): number {
  const end = pos + bytes.length;
  if (end <= buf.length) bytes.copy(buf, pos);
  return end;
}

function writeBoolean(buf: Buffer, pos: number, b: unknown): number {
  if (typeof b !== 'boolean') invalid();
  buf[pos] = b ? 1 : 0;
  return pos + 1;
}

function writeDouble(buf: Buffer, pos: number, d: unknown): number {
  if (typeof d !== 'number') invalid();
  if (pos + 8 <= buf.length) buf.writeDoubleLE(d, pos);
  return pos + 8;
}

function writeFloat(buf: Buffer, pos: number, f: unknown): number {
  if (typeof f !== 'number') invalid();
  if (pos + 4 <= buf.length) buf.writeFloatLE(f, pos);
  return pos + 4;
}

const PRIMITIVES = new Set(['string', 'long', 'int', 'boolean', 'double', 'float']);

/** A field type's kind, or undefined when this writer does not handle it. */
function kindOf(t: unknown): Kind | undefined {
  if (typeof t === 'string') return PRIMITIVES.has(t) ? (t as Kind) : undefined;
  if (typeof t !== 'object' || t === null || Array.isArray(t)) return undefined;
  const o = t as { type?: unknown; symbols?: unknown };
  if (o.type === 'enum' && Array.isArray(o.symbols)) return { symbols: o.symbols.map(String) };
  // A logical type avsc was not told about (timestamp-millis) is its underlying type.
  return typeof o.type === 'string' && PRIMITIVES.has(o.type) ? (o.type as Kind) : undefined;
}

function planField(f: { name?: unknown; type?: unknown; default?: unknown }, type: avro.Type): FieldPlan | undefined {
  if (typeof f.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name)) return undefined;
  const defaultBytes = 'default' in f ? type.toBuffer(f.default) : undefined;
  const base = { name: f.name, ...(defaultBytes === undefined ? {} : { defaultBytes }) };
  if (Array.isArray(f.type)) {
    if (f.type.length !== 2) return undefined;
    const nullIndex = f.type.indexOf('null');
    if (nullIndex < 0) return undefined;
    const valueIndex = 1 - nullIndex;
    const kind = kindOf(f.type[valueIndex]);
    return kind === undefined ? undefined : { ...base, kind, union: { nullIndex, valueIndex } };
  }
  const kind = kindOf(f.type);
  return kind === undefined ? undefined : { ...base, kind };
}

/** The statement writing value `x` of this kind at `p` (dependencies named as compileRecordWriter passes them). */
function writeValue(kind: Kind): string {
  if (typeof kind === 'object') {
    // avsc looks the symbol up among the enum's own; an index below 64 is one varint byte.
    const cases = kind.symbols.map((s, i) => `case ${JSON.stringify(s)}: ${i < 64 ? `buf[p++] = ${String(i * 2)}` : `p = writeLong(buf, p, ${String(i)})`}; break;`);
    return `switch (x) { ${cases.join(' ')} default: invalid(); }`;
  }
  switch (kind) {
    case 'string':
      return 'p = writeString(buf, p, x);';
    case 'long':
      return 'p = writeLong(buf, p, checkedLong(x));';
    case 'int':
      return 'p = writeLong(buf, p, checkedInt(x));';
    case 'boolean':
      return 'p = writeBoolean(buf, p, x);';
    case 'double':
      return 'p = writeDouble(buf, p, x);';
    case 'float':
      return 'p = writeFloat(buf, p, x);';
  }
}

/**
 * The compiled writer of a record schema (its JSON and avsc's type of it, for the defaults' bytes),
 * or undefined when the schema has a field type this writer does not handle.
 */
export function compileRecordWriter(schema: unknown, type: avro.Type): RecordWriter | undefined {
  const s = schema as { type?: unknown; fields?: unknown };
  if (s.type !== 'record' || !Array.isArray(s.fields)) return undefined;
  const plans: FieldPlan[] = [];
  for (const f of s.fields as { name?: unknown; type?: unknown; default?: unknown }[]) {
    const fieldType = (type as unknown as { fields: { name: string; type: avro.Type }[] }).fields.find((x) => x.name === f.name)?.type;
    if (fieldType === undefined) return undefined;
    const plan = planField(f, fieldType);
    if (plan === undefined) return undefined;
    plans.push(plan);
  }
  const defaults: Buffer[] = [];
  const lines = ['if (v === null || typeof v !== "object") invalid();', 'let p = pos;', 'let x;'];
  for (const f of plans) {
    lines.push(`x = v[${JSON.stringify(f.name)}];`);
    const write = writeValue(f.kind);
    let body = f.union
      ? `if (x === null) buf[p++] = ${String(f.union.nullIndex * 2)}; else if (x === undefined) invalid(); else { buf[p++] = ${String(f.union.valueIndex * 2)}; ${write} }`
      : write;
    if (f.defaultBytes !== undefined) {
      defaults.push(f.defaultBytes);
      body = `if (x === undefined) p = writeBytes(buf, p, defaults[${String(defaults.length - 1)}]); else { ${body} }`;
    }
    lines.push(body);
  }
  lines.push('return p > buf.length ? buf.length - p : p;');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiled from the schema's field names (checked above) and symbols (JSON literals), not from input
  const make = new Function('writeLong', 'writeString', 'writeBytes', 'writeBoolean', 'writeDouble', 'writeFloat', 'checkedLong', 'checkedInt', 'invalid', 'defaults', `return function (v, buf, pos) {\n${lines.join('\n')}\n};`) as (
    ...deps: unknown[]
  ) => RecordWriter;
  return make(writeLong, writeString, writeBytes, writeBoolean, writeDouble, writeFloat, checkedLong, checkedInt, invalid, defaults);
}
