import type { CdrRecord } from '../../core/records.ts';

// Hand-made records shared by tests. Numbers are from Ofcom's drama ranges (never real subscribers).
export function sampleCdr(i: number, overrides: Partial<CdrRecord> = {}): CdrRecord {
  const setup = Date.UTC(2016, 4, 17, 9, 0, 0) + i * 1000;
  return {
    cdr_id: `cdr-${i}`,
    platform: 'test-pbx',
    setup_time: setup,
    answer_time: i % 3 === 0 ? null : setup + 5_000,
    end_time: setup + 65_000,
    caller: '+447700900123',
    caller_raw: '07700 900123',
    callee: '+442079460000',
    callee_raw: '020 7946 0000',
    direction: 'INBOUND',
    disposition: i % 3 === 0 ? 'NO_ANSWER' : 'ANSWERED',
    duration_ms: 65_000,
    billable_ms: i % 3 === 0 ? 0 : 60_000,
    queue: i % 2 === 0 ? 'helpline' : null,
    queue_wait_ms: i % 2 === 0 ? 4_000 : null,
    agent: null,
    channel: 'VOICE',
    hangup_cause: 16,
    received_at: setup + 70_000,
    ...overrides,
  };
}
