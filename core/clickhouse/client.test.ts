import { describe, expect, it } from 'vitest';
import { classifyClickhouseError } from './client.ts';

// Error texts as ClickHouse 18.16 sends them over HTTP (the client wraps them in a plain Error).
describe('classifyClickhouseError', () => {
  it('takes a replicated table gone read-only (ZooKeeper away, Code 242) for a retryable outage', () => {
    // As a Distributed insert on the 2x2 cluster answered while ZooKeeper was stopped (multi-line).
    const text =
      'Code: 242, e.displayText() = DB::Exception: Table is in readonly mode: Insertion status:\n' +
      'Wrote 0 blocks and 0 rows on shard 0 replica 0, 127.0.0.1:25901 (average 0 ms per block)\n' +
      'Wrote 0 blocks and 0 rows on shard 1 replica 0, 127.0.0.1:25903\n' +
      ', e.what() = DB::Exception';
    const err = classifyClickhouseError(new Error(text), 'INSERT INTO db.cdrs');
    expect(err.code).toBe('CW_ERR_CLICKHOUSE_UNAVAILABLE');
    expect(err.details).toEqual({ chCode: 242 });
  });

  it('takes Keeper and Distributed connection failures for outages too', () => {
    const expired = 'Code: 225, e.displayText() = DB::Exception: ZooKeeper session has been expired.: Insertion status:\n, e.what() = DB::Exception';
    expect(classifyClickhouseError(new Error(expired), 'INSERT').code).toBe('CW_ERR_CLICKHOUSE_UNAVAILABLE');
    for (const code of [999, 279, 210, 209, 319]) {
      expect(classifyClickhouseError(new Error(`Code: ${code}, e.displayText() = DB::Exception: x`), 'INSERT').code).toBe('CW_ERR_CLICKHOUSE_UNAVAILABLE');
    }
    // As Node reports a refused connection: by its errno code, not by the message.
    expect(classifyClickhouseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25121'), { code: 'ECONNREFUSED' }), 'SELECT 1').code).toBe('CW_ERR_CLICKHOUSE_UNAVAILABLE');
  });

  it('takes a replica that died while a Distributed insert was sent to it (Code 32) for an outage', () => {
    // As the cluster's replica-SIGKILL test saw it (the insert is repeated whole; the sink absorbs the copies).
    const text =
      'Code: 32, e.displayText() = DB::Exception: Attempt to read after eof: while receiving packet from 127.0.0.1:25903, e.what() = DB::Exception';
    const err = classifyClickhouseError(new Error(text), 'INSERT INTO db.report_call_records');
    expect(err.code).toBe('CW_ERR_CLICKHOUSE_UNAVAILABLE');
    expect(err.details).toEqual({ chCode: 32 });
  });

  it('keeps a bad statement a query error, with its code and the statement', () => {
    const err = classifyClickhouseError(new Error('Code: 60, e.displayText() = DB::Exception: Table db.nope doesn\'t exist., e.what() = DB::Exception'), 'SELECT * FROM db.nope');
    expect(err.code).toBe('CW_ERR_CLICKHOUSE_QUERY');
    expect(err.details).toEqual({ chCode: 60 });
    expect(err.message).toContain('[SELECT * FROM db.nope]');
  });
});
