import { z } from 'zod';
import { CallwatchError } from '../../core/errors.ts';
import { loadSchema } from '../../core/avro/schemas.ts';
import type { FieldError, FieldWarning } from '../validation/reasons.ts';
import type { CdrContext } from './validate-cdr.ts';

// What a platform may send as a native CDR (POST /v1/cdrs, and what every adapter produces), derived
// from the CDR's Avro schema (schemas/cdr.avsc) instead of written out again: the field list, each
// field's input type, which fields may be left out, and the zod schema and fast check built from
// them. Adding a field to the schema adds it here, to validation and to the record the collector
// writes, with no change in ingest/. What the schema cannot say is in the few rules below.
//
// Reading the schema:
//   timestamp-millis long      an event time: epoch ms or ISO-8601 text with offset (≤ 64 characters)
//   string                     text (ids, names: identifier rules) — or a phone number when the
//                              schema has a `<name>_raw` companion, which then holds the text as sent
//   enum                       one of its symbols
//   long / int                 a non-negative integer (durations, counts, codes), int ≤ 2^31 − 1
//   boolean, double, float     as they are
//   ["null", T]                may be null or left out (stored as null)
//   a field default            the field may be left out (stored as the default)

/** Fields the collector fills, never the client: the platform from the API key, received_at from its clock. */
export const COLLECTOR_FIELDS = { platform: 'apiKey', received_at: 'clock' } as const;

/**
 * Input rules the schema cannot express. `absent`: the value when a client leaves the field out
 * (direction: the enum's own default). `derived`: computed by the collector when left out
 * (validate-cdr.ts: duration from setup to end, billable from answer to end). `max`: a tighter
 * upper bound (Q.850 cause values are 0–127).
 */
export const CDR_INPUT_RULES: Readonly<Record<string, { absent?: string; derived?: true; max?: number }>> = {
  direction: { absent: 'UNKNOWN' },
  duration_ms: { derived: true },
  billable_ms: { derived: true },
  hangup_cause: { max: 127 },
};

/** Longest event time text accepted (ISO-8601 with fraction and offset fits easily). */
export const MAX_EVENT_TIME_TEXT = 64;
const MAX_INT = 2 ** 31 - 1;

export type CdrInputField =
  | { name: string; kind: 'collector'; source: 'apiKey' | 'clock' }
  /** The text of the number field `of` as the client sent it. */
  | { name: string; kind: 'raw'; of: string }
  | { name: string; kind: 'number' }
  | { name: string; kind: 'time'; nullable: boolean }
  | { name: string; kind: 'text'; nullable: boolean; absent?: string | null }
  | { name: string; kind: 'enum'; symbols: readonly string[]; absent?: string }
  | { name: string; kind: 'integer'; nullable: boolean; max: number; derived: boolean; absent?: number | null }
  | { name: string; kind: 'boolean' | 'double'; nullable: boolean; absent?: boolean | number | null };

/** A field a client sends, with whether it may be left out. */
export type CdrClientField = Exclude<CdrInputField, { kind: 'collector' | 'raw' }> & { readonly optional: boolean };

/** The native CDR contract: the schema's fields as the collector reads them from a client. */
export interface CdrInputContract {
  /** Every field of the record, in schema order (what the collector writes). */
  readonly fields: readonly (CdrClientField | Extract<CdrInputField, { kind: 'collector' | 'raw' }>)[];
  /** The fields a client sends (not collector-owned, not raw companions), in schema order. */
  readonly inputFields: readonly CdrClientField[];
  /** How many input fields are required (no null, no default, not derived). */
  readonly requiredCount: number;
  /** The last event time field a client sends: the time rules are judged (and reported) after it. */
  readonly lastTime: CdrClientField | undefined;
  /** Lookup by input field name (the fast check's switch). */
  readonly byName: ReadonlyMap<string, CdrClientField>;
  /** Builds the record from an accepted input, every field by its kind, in schema order (compileAssembly). */
  readonly assemble: AssembleCdr;
  /** The same contract for zod: strict (unknown fields refused by name), errors as the collector reports them. */
  readonly zod: z.ZodObject<Record<string, z.ZodType>, z.core.$strict>;
}

type AvroField = { name?: unknown; type?: unknown; default?: unknown };

/** What the compiled assembly calls per kind of field; validate-cdr.ts provides it. */
export interface CdrAssembly {
  text(errors: FieldError[], field: string, value: string | null, ctx: CdrContext): string | null;
  number(errors: FieldError[], warnings: FieldWarning[], field: string, raw: string, ctx: CdrContext): string;
  /** Epoch ms; null when absent; undefined when unreadable (its error pushed). */
  time(errors: FieldError[], field: string, value: unknown, ctx: CdrContext): number | null | undefined;
  timeRules(errors: FieldError[], setup: number | null | undefined, answer: number | null | undefined, answerGiven: boolean, end: number | null | undefined, disposition: unknown): void;
}

export type AssembleCdr = (c: Readonly<Record<string, unknown>>, ctx: CdrContext, errors: FieldError[], warnings: FieldWarning[], h: CdrAssembly) => Record<string, unknown>;

/**
 * The record assembly for these fields as one function with every property named in its code
 * (a generic loop reads and writes by a variable name, which V8 cannot specialise: 1.6× the CPU per
 * CDR). Names come from the Avro schema (avsc allows only [A-Za-z_][A-Za-z0-9_]*) and are written as
 * JSON string literals; defaults as JSON.
 */
function compileAssembly(fields: CdrInputContract['fields'], lastTime: CdrClientField | undefined): AssembleCdr {
  const q = (name: string): string => JSON.stringify(name);
  const has = (name: string): boolean => fields.some((f) => f.name === name && f.kind === 'time');
  const lines = [`const out = {${fields.map((f) => `${q(f.name)}: null`).join(', ')}};`, 'let v;'];
  fields.forEach((f, i) => {
    const n = q(f.name);
    switch (f.kind) {
      case 'collector':
        lines.push(`out[${n}] = ${f.source === 'apiKey' ? 'ctx.platform' : 'ctx.nowMs'};`);
        break;
      case 'raw':
        lines.push(`out[${n}] = c[${q(f.of)}];`);
        break;
      case 'number':
        lines.push(`out[${n}] = h.number(errors, warnings, ${n}, c[${n}], ctx);`);
        break;
      case 'text':
        lines.push(`v = c[${n}]; out[${n}] = v === undefined ? ${JSON.stringify(f.absent ?? null)} : h.text(errors, ${n}, v, ctx);`);
        break;
      case 'time':
        lines.push(`const t${String(i)} = h.time(errors, ${n}, c[${n}], ctx); out[${n}] = t${String(i)} ?? null;`);
        if (f === lastTime) {
          const t = (name: string): string => (has(name) ? `t${String(fields.findIndex((x) => x.name === name))}` : 'undefined');
          const answerGiven = has('answer_time') ? `c[${q('answer_time')}] !== null && c[${q('answer_time')}] !== undefined` : 'false';
          lines.push(`h.timeRules(errors, ${t('setup_time')}, ${t('answer_time')}, ${answerGiven}, ${t('end_time')}, c[${q('disposition')}]);`);
        }
        break;
      default:
        lines.push(`v = c[${n}]; out[${n}] = v === undefined ? ${JSON.stringify(f.absent ?? null)} : v;`);
    }
  });
  lines.push('return out;');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiled from the schema's field names (see above), not from input
  return new Function('c', 'ctx', 'errors', 'warnings', 'h', lines.join('\n')) as AssembleCdr;
}

function bad(field: string, what: string): never {
  throw new CallwatchError('CW_ERR_AVRO_SCHEMA_FILE', `cdr input contract: field ${field}: ${what}`, { origin: 'schemas/cdr.avsc' });
}

/** ["null", T] → { nullable, T }; anything else as it is. */
function unwrapNull(type: unknown, field: string): { nullable: boolean; type: unknown } {
  if (!Array.isArray(type)) return { nullable: false, type };
  const rest = type.filter((t) => t !== 'null');
  if (rest.length !== 1) bad(field, 'only ["null", T] unions are supported');
  return { nullable: rest.length < type.length, type: rest[0] };
}

function describeField(f: AvroField, names: ReadonlySet<string>): CdrInputField {
  const name = typeof f.name === 'string' ? f.name : bad('?', 'no name');
  const collector = (COLLECTOR_FIELDS as Record<string, 'apiKey' | 'clock' | undefined>)[name];
  if (collector !== undefined) return { name, kind: 'collector', source: collector };
  if (name.endsWith('_raw') && names.has(name.slice(0, -4))) return { name, kind: 'raw', of: name.slice(0, -4) };
  const rule = CDR_INPUT_RULES[name] ?? {};
  const { nullable, type } = unwrapNull(f.type, name);
  const hasDefault = 'default' in f;
  const t = typeof type === 'string' ? { type } : (type as { type?: unknown; logicalType?: unknown; symbols?: unknown });
  if (t.type === 'long' && 'logicalType' in t && t.logicalType === 'timestamp-millis') return { name, kind: 'time', nullable };
  switch (t.type) {
    case 'string':
      if (names.has(`${name}_raw`)) return { name, kind: 'number' };
      return { name, kind: 'text', nullable, ...(hasDefault ? { absent: f.default as string | null } : {}) };
    case 'enum': {
      const symbols = Array.isArray(t.symbols) ? t.symbols.map(String) : bad(name, 'enum without symbols');
      const absent = rule.absent ?? (hasDefault ? String(f.default) : undefined);
      return { name, kind: 'enum', symbols, ...(absent === undefined ? {} : { absent }) };
    }
    case 'long':
    case 'int':
      return {
        name,
        kind: 'integer',
        nullable,
        max: rule.max ?? (t.type === 'int' ? MAX_INT : Number.MAX_SAFE_INTEGER),
        derived: rule.derived === true,
        ...(hasDefault ? { absent: f.default as number | null } : {}),
      };
    case 'boolean':
      return { name, kind: 'boolean', nullable, ...(hasDefault ? { absent: f.default as boolean | null } : {}) };
    case 'double':
    case 'float':
      return { name, kind: 'double', nullable, ...(hasDefault ? { absent: f.default as number | null } : {}) };
    default:
      return bad(name, `type ${JSON.stringify(f.type)} has no input rule (cdr-input-contract.ts)`);
  }
}

/** Whether a client may leave the field out. */
function isOptional(f: Exclude<CdrInputField, { kind: 'collector' | 'raw' }>): boolean {
  switch (f.kind) {
    case 'number':
      return false;
    case 'enum':
      return f.absent !== undefined;
    case 'integer':
      return f.nullable || f.derived || f.absent !== undefined;
    case 'time':
      return f.nullable;
    default:
      return f.nullable || f.absent !== undefined;
  }
}

const eventTime = z.union([z.number(), z.string().max(MAX_EVENT_TIME_TEXT)]);

function zodFor(f: CdrClientField): z.ZodType {
  let base: z.ZodType;
  switch (f.kind) {
    case 'number':
    case 'text':
      base = z.string();
      break;
    case 'time':
      base = eventTime;
      break;
    case 'enum':
      base = z.enum(f.symbols as [string, ...string[]]);
      break;
    case 'integer':
      base = z.int().min(0).max(f.max);
      break;
    case 'boolean':
      base = z.boolean();
      break;
    case 'double':
      base = z.number();
      break;
  }
  if ('nullable' in f && f.nullable) return base.nullable().optional();
  return f.optional ? base.optional() : base;
}

/** The native CDR contract of a CDR schema (its JSON), e.g. a copy with one more field in a test. */
export function cdrInputContract(schema: unknown): CdrInputContract {
  const fieldsJson = (schema as { fields?: unknown }).fields;
  if (!Array.isArray(fieldsJson)) return bad('(record)', 'no fields');
  const all = fieldsJson as AvroField[];
  const names = new Set(all.map((f) => String(f.name)));
  const fields = all.map((f) => {
    const d = describeField(f, names);
    return d.kind === 'collector' || d.kind === 'raw' ? d : { ...d, optional: isOptional(d) };
  });
  const inputFields = fields.filter((f): f is CdrClientField => f.kind !== 'collector' && f.kind !== 'raw');
  const lastTime = inputFields.filter((f) => f.kind === 'time').pop();
  return {
    fields,
    inputFields,
    requiredCount: inputFields.filter((f) => !f.optional).length,
    lastTime,
    byName: new Map(inputFields.map((f) => [f.name, f])),
    assemble: compileAssembly(fields, lastTime),
    zod: z.strictObject(Object.fromEntries(inputFields.map((f) => [f.name, zodFor(f)]))),
  };
}

let current: CdrInputContract | undefined;

/** The contract of the current schemas/cdr.avsc (built once, when first needed). */
export function cdrContract(): CdrInputContract {
  current ??= cdrInputContract(JSON.parse(loadSchema('cdr').text));
  return current;
}
