import { describe, expect, it } from 'vitest';
import { classifyClickhouseError } from './client.ts';

// Error texts as ClickHouse 18.16 sends them over HTTP (the client wraps them in a plain Error).
describe('classifyClickhouseError', () => {
  it('takes a replicated table gone read-only (ZooKeeper away, Code 242) for a retryable outage', () => {
    const err = classifyClickhouseError(new Error('Code: 242, e.displayText() = DB::Exception: Table is in readonly mode, e.what() = DB::Exception'), 'INSERT INTO db.cdrs');
    expect(err.code).toBe('CW_ERR_CLICKHOUSE_UNAVAILABLE');
    expect(err.details).toEqual({ chCode: 242 });
  });

  it('takes Keeper and Distributed connection failures for outages too', () => {
    for (const code of [225, 999, 279, 210, 209, 319]) {
      expect(classifyClickhouseError(new Error(`Code: ${code}, e.displayText() = DB::Exception: x`), 'INSERT').code).toBe('CW_ERR_CLICKHOUSE_UNAVAILABLE');
    }
    expect(classifyClickhouseError(new Error('connect ECONNREFUSED 127.0.0.1:25121'), 'SELECT 1').code).toBe('CW_ERR_CLICKHOUSE_UNAVAILABLE');
  });

  it('keeps a bad statement a query error, with its code and the statement', () => {
    const err = classifyClickhouseError(new Error('Code: 60, e.displayText() = DB::Exception: Table db.nope doesn\'t exist., e.what() = DB::Exception'), 'SELECT * FROM db.nope');
    expect(err.code).toBe('CW_ERR_CLICKHOUSE_QUERY');
    expect(err.details).toEqual({ chCode: 60 });
    expect(err.message).toContain('[SELECT * FROM db.nope]');
  });
});
