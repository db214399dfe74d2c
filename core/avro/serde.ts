import type avro from 'avsc';
import type { RegistryConfig } from '../config/sections/registry.ts';
import { CallwatchError, errorMessage } from '../errors.ts';
import { RegistryClient } from './registry-client.ts';
import type { RecordOf } from '../records.ts';
import { loadSchema, loadSchemaText, type SchemaKey } from './schemas.ts';

export const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

interface Writer {
  type: avro.Type;
  /** Resolvers from this writer schema to each reader, made once per pair. */
  resolvers: Map<SchemaKey, avro.Resolver>;
}

export interface Decoded<T> {
  schemaId: number;
  value: T;
}

/** Splits a Confluent wire-format message into its schema id and Avro body. */
export function readHeader(buf: Buffer): { schemaId: number; body: Buffer } {
  if (buf.length < HEADER_BYTES) {
    throw new CallwatchError('CW_ERR_AVRO_SHORT_MESSAGE', `${buf.length} bytes`, { length: buf.length });
  }
  if (buf[0] !== MAGIC_BYTE) {
    throw new CallwatchError('CW_ERR_AVRO_MAGIC_BYTE', `got 0x${(buf[0] ?? 0).toString(16).padStart(2, '0')}, expected 0x00`, { magic: buf[0] });
  }
  return { schemaId: buf.readUInt32BE(1), body: buf.subarray(HEADER_BYTES) };
}

export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out[0] = MAGIC_BYTE;
  out.writeUInt32BE(schemaId, 1);
  body.copy(out, HEADER_BYTES);
  return out;
}

/** Writes a record, header and body, into `buf` at `pos`: its end, or minus the bytes missing. */
export type Framer<K extends SchemaKey> = (value: RecordOf<K>, buf: Buffer, pos: number) => number;

/**
 * A writer that frames a value as the current schema of `key`, registered under `schemaId`, into
 * `buf` at `pos`, header and body (what encode() returns, written in place), and returns the end, or
 * minus the number of bytes missing when it does not fit. The type is looked up once, not per
 * record. It needs no registry: the collector's preparation threads get the id from the main thread.
 */
export function framerFor<K extends SchemaKey>(key: K, schemaId: number): Framer<K> {
  const { type } = loadSchema(key);
  return (value, buf, pos) => {
    if (pos + HEADER_BYTES > buf.length) return buf.length - (pos + HEADER_BYTES) - 1;
    let end: number;
    try {
      end = type.encode(value, buf, pos + HEADER_BYTES);
    } catch (err) {
      throw encodeError(key, value, err);
    }
    if (end < 0) return end;
    buf[pos] = MAGIC_BYTE;
    buf.writeUInt32BE(schemaId, pos + 1);
    return end;
  };
}

function encodeError(key: SchemaKey, value: unknown, err: unknown): CallwatchError {
  const paths: string[] = [];
  loadSchema(key).type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
  return new CallwatchError('CW_ERR_AVRO_ENCODE', `${key}: ${paths.length ? `invalid fields ${paths.join(', ')}` : errorMessage(err)}`, { fields: paths });
}

/**
 * Avro in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro body).
 * Writers register the project's schemas once; readers fetch unknown writer schemas by id (cached)
 * and resolve them into the project's current reader schema, so older data stays readable.
 */
export class AvroSerde {
  private readonly ids = new Map<SchemaKey, number>();
  private readonly writers = new Map<number, Promise<Writer>>();

  constructor(readonly registry: RegistryClient) {}

  static fromConfig(config: RegistryConfig): AvroSerde {
    return new AvroSerde(new RegistryClient(config));
  }

  /** Registers the current schema of `key` under `subject`; needed before encode(). */
  async register(key: SchemaKey, subject: string): Promise<number> {
    const schema = loadSchema(key);
    const id = await this.registry.register(subject, schema.text);
    this.ids.set(key, id);
    this.writers.set(id, Promise.resolve({ type: schema.type, resolvers: new Map() }));
    return id;
  }

  schemaId(key: SchemaKey): number {
    const id = this.ids.get(key);
    if (id === undefined) throw new CallwatchError('CW_ERR_AVRO_ENCODE', `schema ${key} not registered yet`);
    return id;
  }

  /** Frames `value` as the current schema of `key`; the type follows the key (core/records.generated.ts). */
  encode<K extends SchemaKey>(key: K, value: RecordOf<K>): Buffer {
    const id = this.schemaId(key);
    const { type } = loadSchema(key);
    let body: Buffer;
    try {
      body = type.toBuffer(value);
    } catch (err) {
      throw encodeError(key, value, err);
    }
    return frame(id, body);
  }

  /** framerFor() with the id this serde registered for `key`. */
  framer<K extends SchemaKey>(key: K): Framer<K> {
    return framerFor(key, this.schemaId(key));
  }

  /** Decodes a wire-format message into the current reader schema of `key`, as that schema's record. */
  async decode<K extends SchemaKey>(key: K, buf: Buffer): Promise<Decoded<RecordOf<K>>> {
    const { schemaId, body } = readHeader(buf);
    const writer = await this.writer(schemaId);
    const reader = loadSchema(key).type;
    let resolver = writer.resolvers.get(key);
    try {
      if (!resolver) {
        resolver = reader.createResolver(writer.type);
        writer.resolvers.set(key, resolver);
      }
      return { schemaId, value: reader.fromBuffer(body, resolver, true) as RecordOf<K> };
    } catch (err) {
      throw new CallwatchError('CW_ERR_AVRO_DECODE', `schema id ${schemaId} as ${key}: ${errorMessage(err)}`, { schemaId }, { cause: err });
    }
  }

  private writer(id: number): Promise<Writer> {
    let w = this.writers.get(id);
    if (!w) {
      w = this.registry.schemaById(id).then((text) => {
        if (text === undefined) throw new CallwatchError('CW_ERR_AVRO_UNKNOWN_SCHEMA_ID', `id ${id}`, { schemaId: id });
        return { type: loadSchemaText(text, `registry id ${id}`), resolvers: new Map<SchemaKey, avro.Resolver>() };
      });
      // Failures are not cached: the registry may have been briefly unreachable.
      w.catch(() => this.writers.delete(id));
      this.writers.set(id, w);
    }
    return w;
  }
}
