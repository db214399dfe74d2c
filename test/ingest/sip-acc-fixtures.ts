// Kamailio and OpenSIPS dialog CDRs, byte for byte as the collector's documented configs
// (ingest/README.md) make their proxies post them. Call-IDs and tags in RFC 3261's shapes; times
// as each module writes them.

// Kamailio acc_json cdr_json_write: json_dumps(object, JSON_ENSURE_ASCII), jansson's default
// separators (", " and ": ") and insertion order: start_time, end_time, duration (acc's dialog
// variables, "%ld.%03d"), then cdr_extra in its order. Every value a string; a dlg_var never set
// is "" (cdr_extra_nullable=0). answer_time is $TV(Sn) ("seconds.microseconds").
const kamailio = (o: Record<string, string>): string => `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;

/** An answered call, 07700900123 → 02079460000: INVITE at .123, 200 OK 2.22 s later, BYE 67.767 s after the INVITE. */
export const KAMAILIO_ANSWERED = kamailio({
  start_time: '1606832400.123', end_time: '1606832467.890', duration: '67.767',
  callid: '3848276298220188511@atlanta.example.com', from_tag: '9fxced76sl', to_tag: '314159',
  caller: '07700900123', callee: '02079460000', sip_code: '200', sip_reason: 'OK', answer_time: '1606832402.345678',
});

/** A failed dialog (cdr_on_failed=1, the default): start and end both the INVITE's time, duration "0", 486 Busy Here. */
export const KAMAILIO_BUSY = kamailio({
  start_time: '1606832500.456', end_time: '1606832500.456', duration: '0',
  callid: 'a84b4c76e66710@pc33.atlanta.example.com', from_tag: '1928301774', to_tag: 'as7d3e1f09',
  caller: '07700900124', callee: '02079460001', sip_code: '486', sip_reason: 'Busy Here', answer_time: '',
});

/** The caller hung up while it rang: CANCEL, so the INVITE's final response is 487. */
export const KAMAILIO_CANCELLED = kamailio({
  start_time: '1606832600.001', end_time: '1606832600.001', duration: '0',
  callid: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6@192.0.2.4', from_tag: '5b8a3c', to_tag: '',
  caller: '07700900125', callee: '02079460002', sip_code: '487', sip_reason: 'Request Terminated', answer_time: '',
});

// OpenSIPS: the event_route builds the object with the json module ($json(cdr/<param>) = $param(<param>)),
// whose text is json-c's default (`{ "k": v, ... }`); integer parameters stay integers, sip_code is a string.
const opensips = (o: Record<string, string | number>): string => `{ ${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;

/** E_ACC_CDR: created (INVITE) at …600, established at …602 (setuptime 2), 65.432 s of talk. */
export const OPENSIPS_CDR = opensips({
  method: 'INVITE', from_tag: '8a7e3f2b', to_tag: 'b1c2d3e4', callid: '1-28457@192.0.2.10', sip_code: '200', sip_reason: 'OK',
  time: 1606832602, duration: 65, ms_duration: 65432, setuptime: 2, created: 1606832600, caller: '07700900126', callee: '02079460003',
});

/** E_ACC_MISSED_EVENT: nobody answered for 30 s, 480 Temporarily Unavailable. */
export const OPENSIPS_MISSED = opensips({
  method: 'INVITE', from_tag: '77cc01', to_tag: 'ee9900', callid: '2-28457@192.0.2.10', sip_code: '480', sip_reason: 'Temporarily Unavailable',
  time: 1606832700, created: 1606832700, setuptime: 30, caller: '07700900127', callee: '02079460004',
});
