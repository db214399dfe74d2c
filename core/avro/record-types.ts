import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CallwatchError } from '../errors.ts';
import { SCHEMA_FILES, type SchemaKey } from './schemas.ts';

// Renders core/records.generated.ts from the .avsc files under schemas/: one TypeScript interface per
// Avro record, one `as const` symbol list and union type per enum, and the schema-key → record map
// the serde is typed by. Values are as the serde decodes them (avsc without logical-type classes):
// long/int/double → number (timestamp-millis stays epoch milliseconds), ["null", T] → T | null,
// enums → their symbol strings. `npm run records:generate` writes the file; a test checks it is fresh.

export const GENERATED_FILE = 'core/records.generated.ts';

type AvroJson = string | AvroJson[] | { [key: string]: unknown };

interface Out {
  decls: string[];
  named: Set<string>;
}

const PRIMITIVES: Readonly<Record<string, string>> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  string: 'string',
  bytes: 'Buffer',
};

function bad(where: string, what: string): never {
  throw new CallwatchError('CW_ERR_AVRO_SCHEMA_FILE', `${where}: ${what}`, { origin: where });
}

/** TypeScript name of an Avro record: `<Name>Record` (Cdr → CdrRecord). */
export function recordTypeName(avroName: string): string {
  return `${avroName}Record`;
}

/** The symbol list's constant for an Avro enum: upper snake case, plural (ContactChannel → CONTACT_CHANNELS). */
export function enumListName(avroName: string): string {
  return `${avroName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}S`;
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function docComment(doc: unknown, indent: string): string {
  return typeof doc === 'string' && doc !== '' ? `${indent}/** ${doc.replace(/\*\//g, '* /')} */\n` : '';
}

function typeOf(schema: AvroJson, where: string, out: Out): string {
  if (typeof schema === 'string') {
    const primitive = PRIMITIVES[schema];
    if (primitive !== undefined) return primitive;
    const name = shortName(schema);
    if (!out.named.has(name)) bad(where, `unknown type ${schema}`);
    return out.named.has(`enum:${name}`) ? name : recordTypeName(name);
  }
  if (Array.isArray(schema)) {
    const members = schema.map((s, i) => typeOf(s, `${where}[${String(i)}]`, out));
    return members.filter((m) => m !== 'null').concat(members.includes('null') ? ['null'] : []).join(' | ');
  }
  const type = schema.type;
  if (type === 'record') return declareRecord(schema, where, out);
  if (type === 'enum') return declareEnum(schema, where, out);
  if (type === 'array') {
    const items = typeOf(schema.items as AvroJson, `${where}.items`, out);
    return items.includes(' ') ? `(${items})[]` : `${items}[]`;
  }
  if (type === 'map') return `Record<string, ${typeOf(schema.values as AvroJson, `${where}.values`, out)}>`;
  if (typeof type === 'string' && PRIMITIVES[type] !== undefined) return PRIMITIVES[type];
  return bad(where, `type ${JSON.stringify(type)} is not supported by the generator`);
}

function declareEnum(schema: { [key: string]: unknown }, where: string, out: Out): string {
  const name = typeof schema.name === 'string' ? shortName(schema.name) : bad(where, 'enum without a name');
  const symbols = Array.isArray(schema.symbols) ? schema.symbols.map(String) : bad(where, `enum ${name} without symbols`);
  out.named.add(name).add(`enum:${name}`);
  const list = enumListName(name);
  out.decls.push(
    `${docComment(schema.doc, '')}export const ${list} = [${symbols.map((s) => `'${s}'`).join(', ')}] as const;\nexport type ${name} = (typeof ${list})[number];\n`,
  );
  return name;
}

function declareRecord(schema: { [key: string]: unknown }, where: string, out: Out): string {
  const name = typeof schema.name === 'string' ? shortName(schema.name) : bad(where, 'record without a name');
  out.named.add(name);
  const fields = Array.isArray(schema.fields) ? (schema.fields as { [key: string]: unknown }[]) : bad(where, `record ${name} without fields`);
  const lines = fields.map((f) => {
    const field = typeof f.name === 'string' ? f.name : bad(where, `a field of ${name} without a name`);
    return `${docComment(f.doc, '  ')}  ${field}: ${typeOf(f.type as AvroJson, `${where}.${name}.${field}`, out)};`;
  });
  // Nested declarations were pushed while walking the fields; this record follows them.
  out.decls.push(`${docComment(schema.doc, '')}export interface ${recordTypeName(name)} {\n${lines.join('\n')}\n}\n`);
  return recordTypeName(name);
}

const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** The text of core/records.generated.ts for the schemas in `dir`. */
export function renderRecordTypes(dir = SCHEMAS_DIR): string {
  const out: Out = { decls: [], named: new Set() };
  const map: string[] = [];
  for (const [key, file] of Object.entries(SCHEMA_FILES) as [SchemaKey, string][]) {
    const schema = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as AvroJson;
    map.push(`  ${key}: ${typeOf(schema, `schemas/${file}`, out)};`);
  }
  return [
    '// GENERATED by `npm run records:generate` from schemas/*.avsc (core/avro/record-types.ts): do not edit.',
    '// The record types as the Avro serde writes and reads them; core/records.ts is the home that imports them.',
    '',
    ...out.decls,
    '/** The record each schema key of core/avro/schemas.ts carries: the serde is typed by it. */',
    `export interface RecordBySchema {\n${map.join('\n')}\n}\n`,
  ].join('\n');
}
