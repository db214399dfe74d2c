import * as http from 'node:http';
import * as https from 'node:https';

// Reads from a ClickHouse server over its HTTP(S) interface with node:http alone. @clickhouse/client
// spent ~1.3 ms of Node CPU and ~2 ms of wall time on each request beyond the server's own time
// (a `SELECT 1`: 2.5 ms against 0.5 ms with node:http, bench/scale/README.md); a number profile
// makes seven reads, three of them one after another. Statements, inserts and chdb stay on
// @clickhouse/client (core/clickhouse/client.ts).

/** Where the server is and how to authenticate. */
export interface HttpReadEndpoint {
  url: string;
  /** The Authorization header's value (Basic). */
  authorization: string;
  /** A read that has not answered in this time fails with code ETIMEDOUT (an outage). */
  timeoutMs: number;
}

/**
 * Idle keep-alive sockets are closed after this long: ClickHouse closes them after its
 * keep_alive_timeout (3 s by default), and a request sent on a socket the server is closing fails.
 * Node also honours the server's `Keep-Alive: timeout=…` hint (less one second) when it is shorter.
 */
const IDLE_SOCKET_MS = 2_000;

/** Reads in flight per process, as @clickhouse/client allowed (max_open_connections); more wait for a socket. */
const MAX_SOCKETS = 10;

/** An error the server answered with (a non-200 status, or a body that is not the rows asked for). */
export class ServerAnswerError extends Error {
  override readonly name = 'ServerAnswerError';
}

export class HttpReads {
  private readonly base: URL;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;

  constructor(private readonly endpoint: HttpReadEndpoint) {
    this.base = new URL(endpoint.url);
    this.transport = this.base.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxSockets: MAX_SOCKETS });
  }

  /**
   * The rows of `sqlText` as JSONEachRow, with `settings` as URL parameters. The server answers
   * only once the query has finished (wait_end_of_query), so an error is always a non-200 status,
   * never rows followed by an exception. A request that fails on a reused keep-alive socket the
   * server had just closed is sent once more on a new connection (a read repeats safely).
   */
  async query<T>(sqlText: string, settings: Readonly<Record<string, string | number>>): Promise<T[]> {
    const url = new URL(this.base);
    url.searchParams.set('default_format', 'JSONEachRow');
    url.searchParams.set('wait_end_of_query', '1');
    for (const [k, v] of Object.entries(settings)) url.searchParams.set(k, String(v));
    const path = `${url.pathname}${url.search}`;
    let body: string;
    try {
      body = await this.post(path, sqlText, this.agent);
    } catch (err) {
      if (!(err instanceof StaleSocketError)) throw err;
      // On a connection of its own: the agent's other idle sockets may be as stale as this one.
      body = await this.post(path, sqlText, false);
    }
    return parseRows<T>(body);
  }

  close(): void {
    this.agent.destroy();
  }

  private post(path: string, sqlText: string, agent: http.Agent | false): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        { host: this.base.hostname.replace(/^\[(.*)\]$/, '$1'), port: this.base.port, path, method: 'POST', agent, headers: { authorization: this.endpoint.authorization, 'content-type': 'text/plain; charset=utf-8' } },
        (res) => {
          collect(res).then(
            (text) => (res.statusCode === 200 ? resolve(text) : reject(new ServerAnswerError(text.trim() || `HTTP ${String(res.statusCode)}`))),
            reject,
          );
        },
      );
      // ETIMEDOUT: an outage to core/clickhouse/client.ts's classification, like a connection that timed out.
      req.setTimeout(this.endpoint.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer in ${String(this.endpoint.timeoutMs)} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => reject(req.reusedSocket && err.code === 'ECONNRESET' ? new StaleSocketError(err.message, { cause: err }) : err));
      req.end(sqlText);
    });
  }
}

/** A reused keep-alive socket was reset before the answer (most likely closed by the server while idle). */
class StaleSocketError extends Error {
  readonly code = 'ECONNRESET';
}

function collect(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** JSONEachRow text as rows; anything else the server wrote is its error. */
export function parseRows<T>(body: string): T[] {
  const rows: T[] = [];
  for (const line of body.split('\n')) {
    if (line.length === 0) continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch {
      throw new ServerAnswerError(body.slice(body.indexOf(line)).trim().slice(0, 2_000));
    }
  }
  return rows;
}
