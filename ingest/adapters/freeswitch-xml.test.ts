import { describe, expect, it } from 'vitest';
import { adaptFreeswitchCdr } from './freeswitch-json.ts';
import { switchUrlEncode } from '../../test/ingest/switch-url-encode.ts';
import { decodeFreeswitchXmlBody, looksLikeXml } from './freeswitch-xml.ts';

// Laid out as switch_ivr_generate_xml_cdr writes it (switch_xml_toxml, no declaration): variables
// URL-encoded by switch_ivr_set_xml_chan_var, profile_index an attribute, one callflow per profile.
const XML_CDR = `<?xml version="1.0"?>
<cdr core-uuid="eb8bcdd2-d9eb-4f8f-80c3-1a4042aabe31" switchname="fs1">
  <channel_data><state>CS_REPORTING</state><direction>inbound</direction><state_number>11</state_number></channel_data>
  <variables>
    <direction>inbound</direction>
    <uuid>7f1c5d4e-0000-4000-8000-000000000001</uuid>
    <sip_from_display>Zo%C3%AB%20%26%20Co</sip_from_display>
    <caller_id_number>%2B447700900123</caller_id_number>
    <start_epoch>1463475600</start_epoch><start_uepoch>1463475600534355</start_uepoch>
    <answer_epoch>1463475603</answer_epoch><answer_uepoch>1463475603954373</answer_uepoch>
    <end_epoch>1463475671</end_epoch><end_uepoch>1463475671494269</end_uepoch>
    <duration>71</duration><billsec>68</billsec><mduration>70960</mduration><billmsec>67540</billmsec>
    <hangup_cause>NORMAL_CLEARING</hangup_cause><hangup_cause_q850>16</hangup_cause_q850>
  </variables>
  <app_log><application app_name="bridge" app_data="sofia/gateway/uk/02079460000" app_stamp="1463475600600000"></application></app_log>
  <callflow dialplan="XML" unique-id="7f1c5d4e-0000-4000-8000-000000000001" profile_index="2">
    <caller_profile><caller_id_number>1001</caller_id_number><destination_number>transfer-target</destination_number></caller_profile>
    <times><created_time>1463475600534355</created_time><answered_time>0</answered_time></times>
  </callflow>
  <callflow dialplan="XML" unique-id="7f1c5d4e-0000-4000-8000-000000000001" profile_index="1">
    <extension name="uk" number="02079460000"><application app_name="bridge" app_data="sofia/gateway/uk/02079460000"></application></extension>
    <caller_profile><username>1001</username><caller_id_number>+447700900123</caller_id_number><destination_number>02079460000</destination_number></caller_profile>
    <times><created_time>1463475600534355</created_time><answered_time>1463475603954373</answered_time></times>
  </callflow>
</cdr>
`;

const expected = {
  cdr_id: '7f1c5d4e-0000-4000-8000-000000000001',
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
