import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallwatchError } from '../../core/errors.ts';
import { adaptAsteriskCsv, adaptAsteriskRow } from './asterisk-csv.ts';

// Rows as cdr_csv writes them: every string quoted, integers bare, loguniqueid + loguserfield on.
const ANSWERED =
  '"","07700900123","02079460000","from-pstn","""Acme Ltd"" <07700900123>","SIP/trunk-00000001","SIP/201-00000002","Dial","SIP/201,30","2016-05-17 10:00:00","2016-05-17 10:00:05","2016-05-17 10:01:05",65,60,"ANSWERED","DOCUMENTATION","1463475600.1",""';
const NO_ANSWER_EMPTY_SRC =
  '"acct-7","","02079460000","from-pstn","""Anonymous"" <anonymous>","SIP/trunk-00000003","","Dial","SIP/202,20","2016-05-17 10:02:00",,"2016-05-17 10:02:20",20,0,"NO ANSWER","DOCUMENTATION","1463475720.3","vip"';
const QUEUE_16_COLUMNS =
  '"","+442079460999","100","from-internal","""Caller"" <+442079460999>","SIP/301-0004","","Queue","support,t,,,300","2016-05-17 10:05:00","2016-05-17 10:05:00","2016-05-17 10:06:00",60,60,"ANSWERED","DOCUMENTATION"';

describe('Asterisk Master.csv adapter', () => {
  it('maps an answered call, reading local times in the configured zone (BST here)', () => {
    const [r] = adaptAsteriskCsv(`${ANSWERED}\n`, 'Europe/London', 10);
    expect(r && 'input' in r ? r.input : r).toEqual({
      cdr_id: expect.stringMatching(/^1463475600\.1#[0-9a-f]{12}$/) as unknown,
      setup_time: Date.UTC(2016, 4, 17, 9, 0, 0),
      answer_time: Date.UTC(2016, 4, 17, 9, 0, 5),
      end_time: Date.UTC(2016, 4, 17, 9, 1, 5),
      caller: '07700900123',
      callee: '02079460000',
      disposition: 'ANSWERED',
      duration_ms: 65_000,
      billable_ms: 60_000,
      queue: null,
      channel: 'VOICE',
    });
  });

  it('takes clid when src is empty, an empty answer as null, and maps NO ANSWER', () => {
    const [r] = adaptAsteriskCsv(NO_ANSWER_EMPTY_SRC, 'UTC', 10);
    const input = r && 'input' in r ? r.input : {};
    expect(input.caller).toBe('"Anonymous" <anonymous>');
    expect(input.answer_time).toBeNull();
    expect(input.disposition).toBe('NO_ANSWER');
    expect(input.billable_ms).toBe(0);
  });

  it('derives a stable id for rows without uniqueid, and reads the queue from Queue()', () => {
    const [a] = adaptAsteriskCsv(QUEUE_16_COLUMNS, 'UTC', 10);
    const [b] = adaptAsteriskCsv(QUEUE_16_COLUMNS, 'UTC', 10);
    const ia = a && 'input' in a ? a.input : {};
    expect(ia.cdr_id).toMatch(/^ast-[0-9a-f]{32}$/);
    expect(ia.cdr_id).toBe(b && 'input' in b ? b.input.cdr_id : undefined);
    expect(ia.queue).toBe('support');
  });

  it('skips a header row and blank lines, and keeps line numbers', () => {
    const text = `accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,end,duration,billsec,disposition,amaflags,uniqueid,userfield\n\n${ANSWERED}\n${NO_ANSWER_EMPTY_SRC}\n`;
    const rows = adaptAsteriskCsv(text, 'UTC', 10);
    expect(rows.map((r) => [r.index, r.line])).toEqual([[0, 3], [1, 4]]);
  });

  it('rejects a row with the wrong column count, an unknown disposition and a bad date on their own', () => {
    const bad = ANSWERED.replace('"ANSWERED"', '"MAYBE"').replace('2016-05-17 10:00:00', '2016-02-30 10:00:00');
    const rows = adaptAsteriskCsv(`"a","b","c"\n${bad}\n${ANSWERED}`, 'UTC', 10);
    expect(rows[0] && 'errors' in rows[0] ? rows[0].errors.map((e) => e.reason) : []).toEqual(['malformed_row']);
    expect(rows[1] && 'errors' in rows[1] ? rows[1].errors.map((e) => `${e.field}:${e.reason}`).sort() : []).toEqual(['disposition:unknown_value', 'start:invalid_time']);
    expect(rows[2] && 'input' in rows[2]).toBe(true);
  });

  const at = (rows: ReturnType<typeof adaptAsteriskCsv>, i: number): Record<string, unknown> => {
    const r = rows[i];
    return r && 'input' in r ? r.input : {};
  };
  // Two legs of one parallel Dial (Asterisk 12+): same uniqueid, different dstchannel, end, sequence.
  const leg = (dstchannel: string, end: string, seq: number, disp = 'NO ANSWER') =>
    `"","89245555937","211553","pstn","""89245555937"" <89245555937>","SIP/211553-03","${dstchannel}","Dial","SIP/301&SIP/200@pbx,60,t","2024-01-27 15:33:20","2024-01-27 15:33:20","${end}",60,60,"${disp}","DOCUMENTATION","1706369600.6","","","1706369600.6",${seq}`;

  it('tells the legs of one call apart: uniqueid + sequence, the same on every re-send', () => {
    const rows = adaptAsteriskCsv(`${leg('SIP/301-04', '2024-01-27 15:34:20', 3)}
${leg('SIP/pbx-05', '2024-01-27 15:33:50', 6)}
`, 'UTC', 10);
    expect([at(rows, 0).cdr_id, at(rows, 1).cdr_id]).toEqual(['1706369600.6#3', '1706369600.6#6']);
    expect(at(adaptAsteriskCsv(leg('SIP/pbx-05', '2024-01-27 15:33:50', 6), 'UTC', 10), 0).cdr_id).toBe('1706369600.6#6');
    // Without sequence (18 columns) a digest of the columns in which legs differ.
    const cut = (line: string): string => line.replace(/,"","1706369600\.6",\d+$/, ''); // drop peeraccount, linkedid, sequence
    const a = adaptAsteriskCsv(`${cut(leg('SIP/301-04', '2024-01-27 15:34:20', 3))}\n${cut(leg('SIP/pbx-05', '2024-01-27 15:33:50', 6))}`, 'UTC', 10);
    expect(a.map((r) => ('input' in r ? String(r.input.cdr_id) : 'x')).every((id) => /^1706369600\.6#[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(at(a, 0).cdr_id).not.toBe(at(a, 1).cdr_id);
  });

  it('never takes a userfield (17 columns, loguserfield without loguniqueid) for the id', () => {
    const row = '"","3","11","attendo","3","lcr/439","IAX2/pbx-14597","Read","dtmf||20|noanswer||3","2009-04-23 15:16:52","2009-04-23 15:16:52","2009-04-23 15:17:37",45,45,"ANSWERED","DOCUMENTATION","102441/54"';
    expect(at(adaptAsteriskCsv(row, 'UTC', 10), 0).cdr_id).toMatch(/^ast-[0-9a-f]{32}$/);
    const withId = row.replace('"102441/54"', '"asterisk-1240499812.774"');
    expect(at(adaptAsteriskCsv(withId, 'UTC', 10), 0).cdr_id).toMatch(/^asterisk-1240499812\.774#[0-9a-f]{12}$/);
  });

  it('keeps a NO ANSWER leg unanswered whatever answer time and billsec Asterisk wrote, with a warning', () => {
    const [r] = adaptAsteriskCsv(leg('SIP/301-04', '2024-01-27 15:34:20', 3), 'UTC', 10);
    expect(r && 'input' in r ? [r.input.answer_time, r.input.billable_ms, r.input.duration_ms, r.input.disposition, r.warnings?.map((w) => w.reason)] : r).toEqual([null, 0, 60_000, 'NO_ANSWER', ['answer_dropped']]);
  });

  it('decodes fields that are not UTF-8 on their own: declared charset, else Latin-1 with a warning', () => {
    const bytes = Buffer.concat([Buffer.from('"","07700900123","02079460000","ctx","""'), Buffer.from([0x5a, 0x6f, 0xeb]), Buffer.from('"" <07700900123>","","","Dial","","2016-05-17 09:00:00",,"2016-05-17 09:00:10",10,0,"BUSY","DOCUMENTATION","1463475600.9",""\n')]);
    const [latin] = adaptAsteriskCsv(bytes, 'UTC', 10);
    expect(latin && 'input' in latin ? latin.warnings?.map((w) => `${w.field}:${w.reason}`) : latin).toEqual(['clid:charset_fallback']);
    const cyr = Buffer.from(bytes);
    const [declared] = adaptAsteriskCsv(cyr, 'UTC', 10, 'windows-1251');
    expect(declared && 'input' in declared ? declared.warnings : declared).toEqual([]);
    expect(() => adaptAsteriskCsv(bytes, 'UTC', 10, 'x-no-such-charset')).toThrow(/unknown charset/);
  });

  it('fails the whole body on an unclosed quote (400), naming the line', () => {
    expect(() => adaptAsteriskCsv(`${ANSWERED}\n"unclosed,`, 'UTC', 10)).toThrow(CallwatchError);
    try {
      adaptAsteriskCsv(`${ANSWERED}\n"unclosed,`, 'UTC', 10);
    } catch (err) {
      expect((err as CallwatchError).code).toBe('CW_ERR_INGEST_MALFORMED_BODY');
    }
  });

  it('refuses more rows than allowed with CW_ERR_INGEST_TOO_MANY_RECORDS', () => {
    expect(() => adaptAsteriskCsv(`${ANSWERED}\n${ANSWERED}\n`, 'UTC', 1)).toThrow(/too many records/);
  });

  it('never throws and never lets billable exceed duration, whatever the row (property)', () => {
    const cell = fc.string({ maxLength: 12 });
    const row = fc.tuple(
      fc.array(cell, { minLength: 9, maxLength: 9 }),
      fc.date({ min: new Date('2001-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
      fc.nat(100_000), fc.nat(100_000),
      fc.constantFrom('ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'odd'),
      fc.array(cell, { minLength: 1, maxLength: 6 }),
    );
    fc.assert(
      fc.property(row, ([head, start, duration, billsec, disp, tail]) => {
        const t = start.toISOString().slice(0, 19).replace('T', ' ');
        const r = adaptAsteriskRow([...head, t, '', t, String(duration), String(billsec), disp, ...tail], 'Europe/London');
        if ('input' in r) {
          expect(r.input.billable_ms as number).toBeLessThanOrEqual(r.input.duration_ms as number);
          expect(typeof r.input.cdr_id).toBe('string');
        } else expect(r.errors.length).toBeGreaterThan(0);
      }),
    );
  });
});
