import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { framerFor } from '../../core/avro/serde.ts';
import { CallwatchError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import { cdrSample, cdrSampleNames } from '../../test/ingest/cdr-samples.ts';
import { NumberNormaliser } from '../validation/numbers.ts';
import { InlineCdrPreparer, ThreadCdrPreparer } from './cdr-preparer.ts';
import type { CdrBodyJob, PreparedCdrs } from './prepare-cdrs.ts';

// The preparation threads must answer exactly what the event loop answers: the same records
// encoded to the same bytes, the same summary, the same errors (the bad-input and format suites in
// test/ingest run through the threads, the collector's default). And a thread that dies must fail
// only its own jobs, and be replaced.

const NOW = Date.UTC(2024, 4, 1, 12);
const T0 = Date.UTC(2024, 4, 1, 9);
const BOUNDS = { maxRecordsPerRequest: 50, futureSkewSeconds: 300, maxTextLength: 200 };
const SCHEMA_ID = 41;
const logger = createLogger('cdr-preparer-test', 'silent');

const inline = new InlineCdrPreparer({ ...BOUNDS, numbers: new NumberNormaliser('GB'), write: framerFor('cdr', SCHEMA_ID) });
const threads = new ThreadCdrPreparer({ ...BOUNDS, threads: 2, cdrSchemaId: SCHEMA_ID, defaultRegion: 'GB', logger });
afterAll(() => threads.close());

const job = (body: Buffer, mediaType: string, extra: Partial<CdrBodyJob> = {}): CdrBodyJob => ({ body, mediaType, timeZone: 'Europe/London', platform: 'pbx', atomic: false, nowMs: NOW, ...extra });

/** What a preparation came to, comparable across threads: the result's plain data, or the error's. */
async function outcome(preparation: Promise<PreparedCdrs>): Promise<unknown> {
  try {
    const p = await preparation;
    return { ...p, values: Buffer.from(p.values).toString('hex'), ends: [...p.ends] };
  } catch (err) {
    if (err instanceof CallwatchError) return { error: 'CallwatchError', code: err.code, status: err.status, message: err.message, details: err.details };
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Prepares a fresh copy of the job on both sides (the threads take the body's memory). */
async function both(j: CdrBodyJob): Promise<[unknown, unknown]> {
  return [await outcome(inline.prepare({ ...j, body: Buffer.from(j.body) })), await outcome(threads.prepare({ ...j, body: Buffer.from(j.body) }))];
}

const MEDIA_BY_EXTENSION: [RegExp, string][] = [
  [/\.csv$/, 'text/csv'],
  [/\.xml$/, 'text/xml'],
  [/urlform\.txt$/, 'application/x-www-form-urlencoded'],
  [/\.json$/, 'application/json'],
];

describe('CDR preparation threads', () => {
  it('answer every real CDR sample as the event loop does, byte for byte', async () => {
    const names = cdrSampleNames().filter((n) => MEDIA_BY_EXTENSION.some(([re]) => re.test(n)));
    expect(names.length).toBeGreaterThan(10);
    let encoded = 0;
    for (const name of names) {
      const mediaType = (MEDIA_BY_EXTENSION.find(([re]) => re.test(name)) as [RegExp, string])[1];
      const [a, b] = await both(job(cdrSample(name), mediaType));
      expect(b, name).toEqual(a);
      if (typeof a === 'object' && a !== null && 'ids' in a) encoded += (a as { ids: string[] }).ids.length;
    }
    expect(encoded).toBeGreaterThan(0);
  });

  it('answer bad and hostile bodies with the same errors, rejections and warnings', async () => {
    const cdr = (id: string, extra: Record<string, unknown> = {}) => ({ cdr_id: id, setup_time: T0, end_time: T0 + 10_000, caller: '07700900123', callee: '02079460000', disposition: 'NO_ANSWER', ...extra });
    const cases: CdrBodyJob[] = [
      job(Buffer.from(JSON.stringify([cdr('a'), cdr('b', { caller: 447700900123 }), cdr('c', { caller: 'Anonymous' }), cdr('a')])), 'application/json'),
      job(Buffer.from(JSON.stringify([cdr('a'), cdr('x', { disposition: 'MAYBE' })])), 'application/json', { atomic: true }),
      job(Buffer.from(`${JSON.stringify(cdr('n1'))}\n{"cdr_id":\n${JSON.stringify(cdr('n2', { setup_time: NOW + 3_600_000, end_time: NOW + 3_700_000 }))}`), 'application/x-ndjson'),
      job(Buffer.from('[]'), 'application/json'),
      job(Buffer.from('{"cdr_id": "a",'), 'application/json'),
      job(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), 'application/json'),
      job(Buffer.from(JSON.stringify(Array.from({ length: 51 }, (_, i) => cdr(`m${i}`)))), 'application/json'),
      job(Buffer.from('a,b'), 'application/pdf'),
      job(Buffer.from(JSON.stringify([cdr('a')])), 'application/json', { charset: 'iso-8859-1' }),
      job(Buffer.from(JSON.stringify([cdr('a')])), 'text/csv', { format: 'csv-mapped' }),
      job(Buffer.from(JSON.stringify([cdr('r', { caller: '612345678' })])), 'application/json', { defaultRegion: 'FR' }),
      job(Buffer.from(JSON.stringify([cdr('\u0000'), cdr('x'.repeat(201)), cdr('\ud800')])), 'application/json'),
    ];
    for (const [i, c] of cases.entries()) {
      const [a, b] = await both(c);
      expect(b, `case ${i}`).toEqual(a);
    }
  });

  it('answer random batches as the event loop does (property)', async () => {
    const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constantFrom('07700900123', '+442079460000', 'Anonymous', 'ANSWERED', 'NO_ANSWER', 'BUSY'));
    const record = fc.record(
      { cdr_id: fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.integer()), setup_time: fc.oneof(fc.integer({ min: T0 - 1e9, max: NOW + 1e9 }), fc.string()), end_time: fc.integer({ min: T0 - 1e9, max: NOW + 1e9 }), caller: field, callee: field, disposition: field, answer_time: fc.integer({ min: T0 - 1e9, max: NOW + 1e9 }) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 30 }), fc.boolean(), async (records, atomic) => {
        const [a, b] = await both(job(Buffer.from(JSON.stringify(records)), 'application/json', { atomic }));
        expect(b).toEqual(a);
      }),
      { numRuns: 150 },
    );
  });

  it('take a small body out of Buffer’s shared pool by copying it, leaving its neighbours as they were', async () => {
    const body = Buffer.from(JSON.stringify([{ cdr_id: 'p', setup_time: T0, end_time: T0 + 1000, caller: '07700900123', callee: '02079460000', disposition: 'NO_ANSWER' }]));
    const neighbour = Buffer.from('still here');
    expect(body.buffer).toBe(neighbour.buffer); // both in the pool
    const prepared = await threads.prepare(job(body, 'application/json'));
    expect(prepared.ids).toEqual(['p']);
    expect([neighbour.toString(), body.length > 0, JSON.parse(body.toString()) as unknown[]]).toMatchObject(['still here', true, [{ cdr_id: 'p' }]]);
  });

  it('a thread that dies fails its own jobs (500, nothing produced) and is replaced', async () => {
    // A thread module that dies on a body saying "die" and answers anything else as prepare-thread does.
    const entry = new URL('../../test/support/dying-prepare-thread.ts', import.meta.url);
    const dying = new ThreadCdrPreparer({ ...BOUNDS, threads: 1, cdrSchemaId: SCHEMA_ID, defaultRegion: 'GB', logger, entry });
    try {
      const good = job(Buffer.from(JSON.stringify([{ cdr_id: 'g', setup_time: T0, end_time: T0 + 1000, caller: '07700900123', callee: '02079460000', disposition: 'NO_ANSWER' }])), 'application/json');
      expect((await dying.prepare({ ...good, body: Buffer.from(good.body) })).ids).toEqual(['g']);
      const died = await outcome(dying.prepare(job(Buffer.from('die'), 'application/json')));
      expect(died).toMatchObject({ error: expect.stringMatching(/^CDR preparation thread died/) as unknown });
      expect(dying.queuedBytes).toBe(0);
      // The replacement answers.
      expect((await dying.prepare({ ...good, body: Buffer.from(good.body) })).ids).toEqual(['g']);
    } finally {
      await dying.close();
    }
  });
});
