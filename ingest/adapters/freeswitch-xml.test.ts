import { describe, expect, it } from 'vitest';
import { adaptFreeswitchCdr } from './freeswitch-json.ts';
import { switchUrlEncode } from '../../test/ingest/switch-url-encode.ts';
import { XML_CDR, XML_CDR_UUID } from '../../test/ingest/freeswitch-xml-fixture.ts';
import { decodeFreeswitchXmlBody, looksLikeXml } from './freeswitch-xml.ts';

const expected = {
  cdr_id: XML_CDR_UUID,
  setup_time: 1463475600534,
  answer_time: 1463475603954,
  end_time: 1463475671494,
  caller: '+447700900123',
  callee: '02079460000',
  direction: 'INBOUND',
  disposition: 'ANSWERED',
  duration_ms: 70960,
  billable_ms: 67540,
  queue: null,
  queue_wait_ms: null,
  agent: null,
  channel: 'VOICE',
  hangup_cause: 16,
};

describe('FreeSWITCH mod_xml_cdr adapter', () => {
  it('maps the XML CDR exactly as the JSON one, in every encode mode of the module', () => {
    const bodies: [string, string][] = [
      ['text/xml', XML_CDR], // encode=textxml
      ['application/x-www-form-plaintext', `cdr=${XML_CDR}`], // encode=false (the default): not escaped at all
      ['application/x-www-form-urlencoded', `cdr=${switchUrlEncode(XML_CDR)}`], // encode=true
      ['application/x-www-form-base64-encoded', `cdr=${Buffer.from(XML_CDR).toString('base64')}`], // encode=base64
    ];
    for (const [type, body] of bodies) {
      const r = adaptFreeswitchCdr(decodeFreeswitchXmlBody(type, body));
      expect('input' in r ? r.input : r, type).toEqual(expected);
    }
  });

  it('refuses DTDs, broken XML and other roots with a specific 400', () => {
    expect(() => decodeFreeswitchXmlBody('text/xml', '<!DOCTYPE x [<!ENTITY a "aaaa">]><cdr/>')).toThrow(/DTD/);
    expect(() => decodeFreeswitchXmlBody('text/xml', '<cdr><variables></cdr>')).toThrow(/not well-formed/);
    expect(() => decodeFreeswitchXmlBody('text/xml', '<other/>')).toThrow(/<cdr>/);
    const empty = adaptFreeswitchCdr(decodeFreeswitchXmlBody('text/xml', '<cdr><variables/></cdr>'));
    expect('errors' in empty ? empty.errors.map((e) => e.field) : empty).toEqual(['variables']);
    expect([looksLikeXml('  <cdr/>'), looksLikeXml('{"a":1}')]).toEqual([true, false]);
  });
});
