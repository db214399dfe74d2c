import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { CallwatchError, errorMessage } from '../errors.ts';

// The record types the project writes to Kafka, each with its .avsc under schemas/ and its topic's
// subject (Confluent TopicNameStrategy: "<topic>-value").
export const SCHEMA_FILES = {
  cdr: 'cdr.avsc',
  nuisanceReport: 'nuisance_report.avsc',
  spikeAlert: 'spike_alert.avsc',
} as const;

export type SchemaKey = keyof typeof SCHEMA_FILES;

export interface LoadedSchema {
  key: SchemaKey;
  /** Canonical JSON text, as registered. */
  text: string;
  type: avro.Type;
}

const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export function loadSchemaText(text: string, origin: string): avro.Type {
  try {
    return avro.Type.forSchema(JSON.parse(text) as avro.Schema, { wrapUnions: false });
  } catch (err) {
    throw new CallwatchError('CW_ERR_AVRO_SCHEMA_FILE', `${origin}: ${errorMessage(err)}`, { origin }, { cause: err });
  }
}

const cache = new Map<SchemaKey, LoadedSchema>();

export function loadSchema(key: SchemaKey, dir = SCHEMAS_DIR): LoadedSchema {
  const hit = cache.get(key);
  if (hit && dir === SCHEMAS_DIR) return hit;
  const file = `${dir}${SCHEMA_FILES[key]}`;
  const raw = readFileSync(file, 'utf8');
  const type = loadSchemaText(raw, file);
  const loaded: LoadedSchema = { key, text: JSON.stringify(JSON.parse(raw)), type };
  if (dir === SCHEMAS_DIR) cache.set(key, loaded);
  return loaded;
}
