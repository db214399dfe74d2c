// Per-key CSV mappings (auth.apiKeys[].csv) used by the tests, as an operator would write them.

/** Asterisk cdr_custom with the stock cdr_custom.conf "Master.csv =>" mapping (clid first, accountcode 16th, then uniqueid, userfield, sequence). */
export const CDR_CUSTOM_MAPPING = {
  columns: ['clid', 'src', 'dst', 'dcontext', 'channel', 'dstchannel', 'lastapp', 'lastdata', 'start', 'answer', 'end', 'duration', 'billsec', 'disposition', 'amaflags', 'accountcode', 'uniqueid', 'userfield', 'sequence'],
  fields: { cdr_id: ['uniqueid', 'sequence'], setup_time: 'start', answer_time: 'answer', end_time: 'end', caller: 'src', callee: 'dst', disposition: 'disposition', duration: 'duration', billable: 'billsec' },
};
