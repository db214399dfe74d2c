import { describe, expect, it } from 'vitest';
import { csvMapping, type CsvMapping } from '../../core/config/sections/csv-mapping.ts';
import { CDR_CUSTOM_MAPPING } from '../../test/ingest/csv-mappings.ts';
import { adaptMappedCsv } from './csv-mapping.ts';

const CDR_CUSTOM: CsvMapping = csvMapping.parse(CDR_CUSTOM_MAPPING);

// Cisco CUCM CDR flat file (documented field names, a subset): two header rows (names, types),
// epoch-second times (0 = never connected), Q.850 causes, no disposition column.
const CUCM: CsvMapping = csvMapping.parse({
  columns: ['cdrRecordType', 'globalCallID_callManagerId', 'globalCallID_callId', 'dateTimeOrigination', 'callingPartyNumber', 'originalCalledPartyNumber', 'finalCalledPartyNumber', 'dateTimeConnect', 'dateTimeDisconnect', 'origCause_value', 'destCause_value', 'duration'],
  headerRows: 2,
  fields: {
    cdr_id: ['globalCallID_callManagerId', 'globalCallID_callId'], setup_time: 'dateTimeOrigination', answer_time: 'dateTimeConnect', end_time: 'dateTimeDisconnect',
    caller: 'callingPartyNumber', callee: 'originalCalledPartyNumber', duration: 'duration', hangup_cause: 'destCause_value',
  },
  timeFormat: 'epoch-seconds',
});
const CUCM_FILE = [
  '"cdrRecordType","globalCallID_callManagerId","globalCallID_callId","dateTimeOrigination","callingPartyNumber","originalCalledPartyNumber","finalCalledPartyNumber","dateTimeConnect","dateTimeDisconnect","origCause_value","destCause_value","duration"',
  'INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(50),VARCHAR(50),VARCHAR(50),INTEGER,INTEGER,INTEGER,INTEGER,INTEGER',
  '1,2,104857,1463475600,"07700900123","02079460000","2001",1463475605,1463475665,0,16,60',
  '1,2,104858,1463475700,"07700900124","02079460000","2001",0,1463475703,0,17,0',
].join('\r\n');

const inputs = (rows: ReturnType<typeof adaptMappedCsv>) => rows.map((r) => ('input' in r ? r.input : r.errors.map((e) => `${e.field}:${e.reason}`)));

describe('per-key CSV mapping', () => {
  it('reads Asterisk cdr_custom rows in their own order (the real KelySaina Master.csv lines)', () => {
    const body = Buffer.from([
      '""""" <client1>","client1","6789","default","PJSIP/client1-00000002","PJSIP/client2-00000003","Dial","PJSIP/client2","2023-07-26 01:51:32","2023-07-26 01:51:50","2023-07-26 01:52:04","31","13","ANSWERED","DOCUMENTATION","","1690325492.2","",2',
      '""""" <client2>","client2","1234","default","PJSIP/client2-00000004","PJSIP/client1-00000005","Dial","PJSIP/client1","2023-07-26 01:52:11","","2023-07-26 01:52:42","30","0","NO ANSWER","DOCUMENTATION","","1690325531.5","",4',
    ].join('\n'));
    expect(inputs(adaptMappedCsv(body, CDR_CUSTOM, 'UTC', 10))).toEqual([
      { cdr_id: '1690325492.2#2', setup_time: Date.UTC(2023, 6, 26, 1, 51, 32), answer_time: Date.UTC(2023, 6, 26, 1, 51, 50), end_time: Date.UTC(2023, 6, 26, 1, 52, 4), caller: 'client1', callee: '6789', disposition: 'ANSWERED', duration_ms: 31_000, billable_ms: 13_000, queue: null, agent: null, channel: 'VOICE', hangup_cause: null },
      { cdr_id: '1690325531.5#4', setup_time: Date.UTC(2023, 6, 26, 1, 52, 11), answer_time: null, end_time: Date.UTC(2023, 6, 26, 1, 52, 42), caller: 'client2', callee: '1234', disposition: 'NO_ANSWER', duration_ms: 30_000, billable_ms: 0, queue: null, agent: null, channel: 'VOICE', hangup_cause: null },
    ]);
  });

  it('reads a CUCM-style file: two header rows, epoch seconds, 0 as never connected, disposition from the cause', () => {
    expect(inputs(adaptMappedCsv(Buffer.from(CUCM_FILE), CUCM, 'UTC', 10))).toEqual([
      { cdr_id: '2#104857', setup_time: 1463475600_000, answer_time: 1463475605_000, end_time: 1463475665_000, caller: '07700900123', callee: '02079460000', disposition: 'ANSWERED', duration_ms: 60_000, queue: null, agent: null, channel: 'VOICE', hangup_cause: 16 },
      { cdr_id: '2#104858', setup_time: 1463475700_000, answer_time: null, end_time: 1463475703_000, caller: '07700900124', callee: '02079460000', disposition: 'BUSY', duration_ms: 0, billable_ms: 0, queue: null, agent: null, channel: 'VOICE', hangup_cause: 17 },
    ]);
  });

  it('rejects rows that do not fit, naming the switch\'s own columns', () => {
    const bad = 'x,2,1,notatime,"a","b","c",0,1463475703,0,300,zz\n1,2';
    expect(inputs(adaptMappedCsv(Buffer.from(`h1\nh2\n${bad}`), CUCM, 'UTC', 10))).toEqual([
      ['dateTimeOrigination:invalid_time', 'duration:wrong_type', 'destCause_value:out_of_range'],
      ['(row):malformed_row'],
    ]);
  });

  it('is validated once: unknown settings and fields naming absent columns are refused by name', () => {
    const r = csvMapping.safeParse({ columns: ['a', 'b', 'a'], fields: { cdr_id: ['a'], setup_time: 'when', caller: 'a', callee: 'b', colour: 'a' }, delimiter: ';' });
    expect(r.success).toBe(false);
    const messages = r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages.some((m) => m.includes('delimiter'))).toBe(true);
    expect(messages.some((m) => m.startsWith('fields') && m.includes('colour'))).toBe(true);
    const r2 = csvMapping.safeParse({ columns: ['a', 'b', 'a'], fields: { cdr_id: ['a'], setup_time: 'when', caller: 'a', callee: 'b' } });
    expect(r2.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['fields.setup_time: names column "when", which is not in columns', 'columns: column names repeat: a']);
  });
});
