// A mod_xml_cdr document laid out as switch_ivr_generate_xml_cdr (switch_ivr.c) writes it and
// switch_xml_toxml serialises it: <cdr core-uuid switchname>, <channel_data>, <variables> whose
// values switch_ivr_set_xml_chan_var URL-encodes, <app_log>, then one <callflow profile_index=…>
// per caller profile (newest first) with <caller_profile> and <times> in microseconds.
export const XML_CDR_UUID = '7f1c5d4e-0000-4000-8000-000000000001';

export const XML_CDR = `<?xml version="1.0"?>
<cdr core-uuid="eb8bcdd2-d9eb-4f8f-80c3-1a4042aabe31" switchname="fs1">
  <channel_data><state>CS_REPORTING</state><direction>inbound</direction><state_number>11</state_number><flags>0=1;1=1;3=1</flags></channel_data>
  <variables>
    <direction>inbound</direction>
    <uuid>${XML_CDR_UUID}</uuid>
    <sip_from_display>Zo%C3%AB%20%26%20Co</sip_from_display>
    <caller_id_number>%2B447700900123</caller_id_number>
    <start_epoch>1463475600</start_epoch><start_uepoch>1463475600534355</start_uepoch>
    <answer_epoch>1463475603</answer_epoch><answer_uepoch>1463475603954373</answer_uepoch>
    <end_epoch>1463475671</end_epoch><end_uepoch>1463475671494269</end_uepoch>
    <duration>71</duration><billsec>68</billsec><mduration>70960</mduration><billmsec>67540</billmsec>
    <hangup_cause>NORMAL_CLEARING</hangup_cause><hangup_cause_q850>16</hangup_cause_q850>
  </variables>
  <app_log><application app_name="bridge" app_data="sofia/gateway/uk/02079460000" app_stamp="1463475600600000"></application></app_log>
  <callflow dialplan="XML" unique-id="${XML_CDR_UUID}" profile_index="2">
    <caller_profile><caller_id_number>1001</caller_id_number><destination_number>transfer-target</destination_number></caller_profile>
    <times><created_time>1463475600534355</created_time><answered_time>0</answered_time></times>
  </callflow>
  <callflow dialplan="XML" unique-id="${XML_CDR_UUID}" profile_index="1">
    <extension name="uk" number="02079460000"><application app_name="bridge" app_data="sofia/gateway/uk/02079460000"></application></extension>
    <caller_profile><username>1001</username><caller_id_number>+447700900123</caller_id_number><destination_number>02079460000</destination_number></caller_profile>
    <times><created_time>1463475600534355</created_time><answered_time>1463475603954373</answered_time></times>
  </callflow>
</cdr>
`;
