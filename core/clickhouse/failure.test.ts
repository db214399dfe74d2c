import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, describe, expect, it } from 'vitest';
import { clickhouseSection } from '../config/sections/clickhouse.ts';
import { ERROR_CODES, isCallwatchError } from '../errors.ts';
import { Clickhouse, clickhouseFailure } from './client.ts';

// The errors @clickhouse/client really throws when the server is not there, drops the connection
// or does not answer, against local sockets; and a statement error as the server sends it.

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function failureOfQueryAt(port: number): Promise<unknown> {
  const client = createClient({ url: `http://127.0.0.1:${String(port)}`, request_timeout: 300, log: { level: ClickHouseLogLevel.OFF } });
  try {
    await client.query({ query: 'SELECT 1', format: 'JSONEachRow' });
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await client.close();
  }
}

describe('clickhouseFailure', () => {
  it('names a refused connection, a dropped one and a server that does not answer UNAVAILABLE, which the table marks retryable', async () => {
    const closedPort = await listen(() => undefined);
    const closing = servers.pop();
    await new Promise((resolve) => closing?.close(resolve));
    const dropping = await listen((req) => req.socket.destroy());
    const silent = await listen(() => undefined);
    for (const port of [closedPort, dropping, silent]) {
      expect(clickhouseFailure(await failureOfQueryAt(port))).toBe('CW_ERR_CLICKHOUSE_UNAVAILABLE');
    }
    expect(ERROR_CODES.CW_ERR_CLICKHOUSE_UNAVAILABLE.retryable).toBe(true);
  });

  it('names an error the server answers with QUERY, which a retry does not fix', async () => {
    const answering = await listen((_req, res) => {
      res.writeHead(500, { 'x-clickhouse-exception-code': '62' }).end('Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 1 (version 18.16.1)');
    });
    const err = await failureOfQueryAt(answering);
    expect(err).toBeInstanceOf(Error);
    expect(clickhouseFailure(err)).toBe('CW_ERR_CLICKHOUSE_QUERY');
    expect(ERROR_CODES.CW_ERR_CLICKHOUSE_QUERY.retryable).toBe(false);
  });
});

describe('queryWithTable (external data over HTTP, outside @clickhouse/client)', () => {
  async function failureOfLookupAt(port: number): Promise<unknown> {
    const ch = await Clickhouse.connect(clickhouseSection.parse({ engine: 'server', url: `http://127.0.0.1:${String(port)}`, database: 'x', requestTimeoutMs: 1000 }));
    try {
      await ch.queryWithTable({ name: 'keys', columns: [{ name: 'k', type: 'String' }], rows: [['a']] }, (ref) => `SELECT k FROM ${ref.text}`);
      return undefined;
    } catch (err) {
      return err;
    } finally {
      await ch.close();
    }
  }

  it('reports a refused connection, a dropped one and a silent server as CW_ERR_CLICKHOUSE_UNAVAILABLE', async () => {
    const closedPort = await listen(() => undefined);
    const closing = servers.pop();
    await new Promise((resolve) => closing?.close(resolve));
    const dropping = await listen((req) => req.socket.destroy());
    const silent = await listen(() => undefined);
    for (const port of [closedPort, dropping, silent]) {
      const err = await failureOfLookupAt(port);
      expect(isCallwatchError(err, 'CW_ERR_CLICKHOUSE_UNAVAILABLE'), String(err)).toBe(true);
    }
  });

  it('reports an error the server answers as CW_ERR_CLICKHOUSE_QUERY with its code', async () => {
    const answering = await listen((_req, res) => {
      res.writeHead(500).end('Code: 60, e.displayText() = DB::Exception: Table x.nope doesn\'t exist., e.what() = DB::Exception\n');
    });
    const err = await failureOfLookupAt(answering);
    expect(isCallwatchError(err, 'CW_ERR_CLICKHOUSE_QUERY')).toBe(true);
    expect(isCallwatchError(err) && err.details).toEqual({ chCode: 60 });
  });
});

