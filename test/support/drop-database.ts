import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { CallwatchError } from '../../core/errors.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';

/**
 * Drops a test's database when the test is done. ClickHouse 18.16 drops a database table by table,
 * each after its background merges stop; on a loaded machine, after a test that wrote many parts, that
 * once took longer than the client's request timeout (test/processors/group.test.ts, 60 s). The server
 * finishes the DROP on its own, and every test's database has a name of its own, so a timeout here is
 * reported and not a failure of the test; any other error still is.
 */
export async function dropTestDatabase(ch: Clickhouse, database: string): Promise<void> {
  try {
    await ch.command(sql`DROP DATABASE IF EXISTS ${ident(database)}`);
  } catch (err) {
    if (!(err instanceof CallwatchError && err.code === 'CW_ERR_CLICKHOUSE_UNAVAILABLE' && /timeout/i.test(err.message))) throw err;
    process.stderr.write(`[test cleanup] DROP DATABASE ${database} is still running on the server after the client's timeout: ${err.message}\n`);
  }
}
