import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { enumListName, GENERATED_FILE, recordTypeName, renderRecordTypes } from './avro/record-types.ts';
import { SCHEMA_FILES } from './avro/schemas.ts';

// The committed record types must be exactly what the generator makes of the schemas (CI fails on
// a stale file: run `npm run records:generate` and commit).
describe('generated record types', () => {
  it(`${GENERATED_FILE} is up to date with schemas/*.avsc (else run npm run records:generate)`, () => {
    const committed = readFileSync(fileURLToPath(new URL(`../${GENERATED_FILE}`, import.meta.url)), 'utf8');
    expect(committed).toBe(renderRecordTypes());
  });

  it('maps every schema key to its record type', () => {
    const text = renderRecordTypes();
    for (const key of Object.keys(SCHEMA_FILES)) expect(text).toMatch(new RegExp(`^  ${key}: \\w+Record;$`, 'm'));
  });

  it('names types and symbol lists as the code uses them', () => {
    expect(recordTypeName('Cdr')).toBe('CdrRecord');
    expect(enumListName('ContactChannel')).toBe('CONTACT_CHANNELS');
    expect(enumListName('SpikeAlertAction')).toBe('SPIKE_ALERT_ACTIONS');
  });
});
