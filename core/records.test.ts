import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { loadSchema } from './avro/schemas.ts';
import { CALL_TYPES, CONTACT_CHANNELS, DIRECTIONS, DISPOSITIONS, REPORT_CHANNELS } from './records.ts';

// The enum lists are hand-written beside the record types; these checks keep them equal to the
// symbols the registered schemas declare, so a schema change cannot leave validation behind.
function enumSymbols(type: avro.Type, typeName: string): readonly string[] | undefined {
  if (type instanceof avro.types.EnumType) return type.name?.endsWith(`.${typeName}`) === true ? type.symbols : undefined;
  const children: avro.Type[] =
    type instanceof avro.types.RecordType ? type.fields.map((f) => f.type)
    : type instanceof avro.types.ArrayType ? [type.itemsType]
    : type instanceof avro.types.UnwrappedUnionType ? type.types
    : [];
  for (const child of children) {
    const symbols = enumSymbols(child, typeName);
    if (symbols) return symbols;
  }
  return undefined;
}

describe('record enum lists', () => {
  const cdr = loadSchema('cdr').type;
  const report = loadSchema('nuisanceReport').type;

  it.each([
    ['Direction', cdr, DIRECTIONS],
    ['Disposition', cdr, DISPOSITIONS],
    ['ContactChannel', cdr, CONTACT_CHANNELS],
    ['ReportChannel', report, REPORT_CHANNELS],
    ['CallType', report, CALL_TYPES],
  ] as const)('%s matches the schema symbols in order', (name, type, list) => {
    expect([...list]).toEqual(enumSymbols(type, name));
  });
});
