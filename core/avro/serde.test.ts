import { describe, expect, it } from 'vitest';
import { frame, readHeader } from './serde.ts';
import { loadSchema, SCHEMA_FILES, type SchemaKey } from './schemas.ts';
import { isCallwatchError } from '../errors.ts';

describe('Confluent wire format', () => {
  it('frames and reads back the schema id and body', () => {
    const buf = frame(0x01020304, Buffer.from([9, 8, 7]));
    expect([...buf]).toEqual([0, 1, 2, 3, 4, 9, 8, 7]);
    const { schemaId, body } = readHeader(buf);
    expect(schemaId).toBe(0x01020304);
    expect([...body]).toEqual([9, 8, 7]);
  });

  it('rejects short messages and wrong magic bytes with typed errors', () => {
    const codeOf = (b: Buffer) => {
      try {
        readHeader(b);
      } catch (err) {
        return isCallwatchError(err) ? err.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(Buffer.alloc(0))).toBe('CW_ERR_AVRO_SHORT_MESSAGE');
    expect(codeOf(Buffer.from([0, 0, 0, 1]))).toBe('CW_ERR_AVRO_SHORT_MESSAGE');
    expect(codeOf(Buffer.from([1, 0, 0, 0, 1]))).toBe('CW_ERR_AVRO_MAGIC_BYTE');
    expect(codeOf(Buffer.from('{"a":1}'))).toBe('CW_ERR_AVRO_MAGIC_BYTE');
  });

  it('every schema file parses', () => {
    for (const key of Object.keys(SCHEMA_FILES) as SchemaKey[]) expect(loadSchema(key).type.name).toMatch(/^io\.callwatch\./);
  });
});
