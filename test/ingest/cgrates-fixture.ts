// The voice CDR of cgrates ees/httpjsonmap_it_test.go as the *http_json_map event exporter posts it
// with an export template: every value a string (utils.IfaceAsString: RFC 3339 times, Go
// durations). The CGRID there is a sha1; this one is a stand-in of the same shape.
export const CGRATES_VOICE = {
  CGRID: 'b3c1f9a0d1e44f5ca2b5a2f7c3b9b7a1d6e8f012', ToR: '*voice', OriginID: 'dsafdsaf', OriginHost: '192.168.1.1', RequestType: '*rated',
  Tenant: 'cgrates.org', Category: 'call', Account: '1001', Subject: '1001', Destination: '1002',
  SetupTime: '2013-11-07T08:42:25Z', AnswerTime: '2013-11-07T08:42:26Z', Usage: '10s', RunID: '*default', Cost: '1.01',
};
