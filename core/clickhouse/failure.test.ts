import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
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

async function connectTo(port: number): Promise<Clickhouse> {
  return Clickhouse.connect(clickhouseSection.parse({ engine: 'server', url: `http://127.0.0.1:${String(port)}`, database: 'x', requestTimeoutMs: 1000 }));
}

// A server's two read paths outside @clickhouse/client: node:http (./http-reads.ts) and fetch with external data.
const READS: [string, (ch: Clickhouse) => Promise<unknown>][] = [
  ['query', (ch) => ch.query('SELECT 1')],
  ['queryWithTable', (ch) => ch.queryWithTable({ name: 'keys', columns: [{ name: 'k', type: 'String' }], rows: [['a']] }, (ref) => `SELECT k FROM ${ref.text}`)],
];

describe.each(READS)('%s on a server', (_name, read) => {
  async function failureOn(port: number): Promise<unknown> {
    const ch = await connectTo(port);
    try {
      await read(ch);
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
      const err = await failureOn(port);
      expect(isCallwatchError(err, 'CW_ERR_CLICKHOUSE_UNAVAILABLE'), String(err)).toBe(true);
    }
  });

  it('reports an error status, or an exception after rows, as CW_ERR_CLICKHOUSE_QUERY with its code', async () => {
    const refusing = await listen((_req, res) => {
      res.writeHead(500).end('Code: 60, e.displayText() = DB::Exception: Table x.nope doesn\'t exist., e.what() = DB::Exception\n');
    });
    const breaking = await listen((_req, res) => {
      res.writeHead(200).end('{"x":1}\nCode: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded, e.what() = DB::Exception\n');
    });
    for (const [port, chCode] of [[refusing, 60], [breaking, 241]] as const) {
      const err = await failureOn(port);
      expect(isCallwatchError(err, 'CW_ERR_CLICKHOUSE_QUERY'), String(err)).toBe(true);
      expect(isCallwatchError(err) && err.details).toEqual({ chCode });
    }
  });
});

describe('query on a server (node:http, ./http-reads.ts)', () => {
  it('speaks TLS to an https:// URL: a server whose certificate it does not trust fails the handshake', async () => {
    // A throwaway self-signed certificate for 127.0.0.1, made for this test only (openssl req -x509).
    const tls = createTlsServer({ key: TEST_KEY, cert: TEST_CERT }, (_req, res) => res.end('{"x":1}\n'));
    servers.push(tls);
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const port = (tls.address() as AddressInfo).port;
    const ch = await Clickhouse.connect(clickhouseSection.parse({ engine: 'server', url: `https://127.0.0.1:${String(port)}`, database: 'x', requestTimeoutMs: 1000 }));
    try {
      await expect(ch.query('SELECT 1')).rejects.toThrow(/self[- ]signed certificate/);
    } finally {
      await ch.close();
    }
  });

  it('sends the settings and waits for the end of the query, and repeats a read once when the server closed the kept-alive socket', async () => {
    const requests: string[] = [];
    const served = new WeakMap<object, number>();
    const closingIdle = await listen((req, res) => {
      requests.push(req.url ?? '');
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      // The second request on a connection finds it closed, as when the server's keep_alive_timeout passed.
      if (n > 1) return req.socket.destroy();
      res.writeHead(200, { connection: 'keep-alive' }).end('{"x":1}\n{"x":2}\n');
    });
    const ch = await connectTo(closingIdle);
    try {
      expect(await ch.query<{ x: number }>('SELECT x', { maxThreads: 1 })).toEqual([{ x: 1 }, { x: 2 }]);
      expect(await ch.query<{ x: number }>('SELECT x')).toEqual([{ x: 1 }, { x: 2 }]);
      // Two idle sockets now, both closed on their next request: the repeat must not take the other one.
      await Promise.all([ch.query('SELECT x'), ch.query('SELECT x')]);
      expect(await ch.query<{ x: number }>('SELECT x')).toEqual([{ x: 1 }, { x: 2 }]);
    } finally {
      await ch.close();
    }
    expect(requests.length).toBeGreaterThanOrEqual(6);
    const first = new URL(requests[0] ?? '', 'http://x').searchParams;
    expect(Object.fromEntries(first)).toEqual({ default_format: 'JSONEachRow', wait_end_of_query: '1', output_format_json_quote_64bit_integers: '0', max_threads: '1' });
  });
});

const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgC9JIm9ufFQvh2Rhp
+JEtzLEf6BfSvi2KSRmdrgiaA2GhRANCAARkBay1kJtSIR5XWd/RKrgBtVJooZtv
9V7idN2kr5DT+sujccxPRsK5gcRsk/dx5Gk/q2GrdT7GHheajLXdZZDN
-----END PRIVATE KEY-----`;

const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBkDCCATagAwIBAgIUHZReqHXn8Ac81hmBAjW24utrSJwwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwMjA1MzYyMVoYDzIxMjYxMTA4
MDUzNjIxWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARkBay1kJtSIR5XWd/RKrgBtVJooZtv9V7idN2kr5DT+sujccxPRsK5
gcRsk/dx5Gk/q2GrdT7GHheajLXdZZDNo2QwYjAdBgNVHQ4EFgQUPw2UhxJPToC3
ULuYXcs939rBu2EwHwYDVR0jBBgwFoAUPw2UhxJPToC3ULuYXcs939rBu2EwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC
IHmhGMR5bBSlaRUqjyF/fu4Yk5XYIm2PUowXFkOSy+sHAiEA74xcjKYwZYnnIDF5
wW8QI7cJBKhgViB7/P88ITQ2XTQ=
-----END CERTIFICATE-----`;
