import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { ClickhouseConfig } from '../config/sections/clickhouse.ts';
import { CallwatchError, errorMessage, type ErrorCode } from '../errors.ts';
import { ident, raw, sqlIdentifier, sqlString, tsvLines, tsvRows, type RawSql, type TsvValue } from './escape.ts';
import { HttpReads, parseRows } from './http-reads.ts';

export type Engine = ClickhouseConfig['engine'];
export type Role = 'writer' | 'reader';

/** ClickHouse error code from an error of either engine (18.16's errors carry no `.code`). */
export function clickhouseErrorCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  const m = /Code: (\d+)/.exec(errorMessage(err));
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/**
 * ClickHouse error codes that say "not now" rather than "never": the same statement can succeed
 * later. On a cluster they are normal weather: ZooKeeper away makes replicated tables read-only
 * (242) or fails the Keeper call (225, 999), a replica or shard being down fails the Distributed
 * insert (279, 210, 209), an insert's fate unknown after a lost session (319, safe to repeat: the
 * tables deduplicate). Reported as CW_ERR_CLICKHOUSE_UNAVAILABLE, so no caller takes them for a
 * bad statement or bad data.
 */
export const TRANSIENT_CLICKHOUSE_CODES: ReadonlySet<number> = new Set([
  32, // ATTEMPT_TO_READ_AFTER_EOF
  159, // TIMEOUT_EXCEEDED
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  225, // NO_ZOOKEEPER
  242, // TABLE_IS_READ_ONLY
  252, // TOO_MANY_PARTS
  279, // ALL_CONNECTION_TRIES_FAILED
  319, // UNKNOWN_STATUS_OF_INSERT
  999, // KEEPER_EXCEPTION
]);

// Node's codes for a server that was not reached or dropped the connection ("socket hang up" is ECONNRESET).
// fetch (undici, the external-data requests) names a dropped connection or a stalled answer UND_ERR_*.
const UNREACHED = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);
// @clickhouse/client's own error when the server accepted the request but did not answer in request_timeout.
const CLIENT_TIMEOUT = 'Timeout error.';

/**
 * Which failure a ClickHouse error is: the server not reached or not answering in time
 * (CW_ERR_CLICKHOUSE_UNAVAILABLE) or the statement failing on it (CW_ERR_CLICKHOUSE_QUERY). Whether
 * a retry helps is the code table's to say (core/errors.ts), not the caller's.
 */
export function clickhouseFailure(err: unknown): ErrorCode {
  const errno = (err as { code?: unknown }).code;
  if (typeof errno === 'string' && UNREACHED.has(errno)) return 'CW_ERR_CLICKHOUSE_UNAVAILABLE';
  if (err instanceof Error && err.message === CLIENT_TIMEOUT) return 'CW_ERR_CLICKHOUSE_UNAVAILABLE';
  const chCode = clickhouseErrorCode(err);
  return chCode !== undefined && TRANSIENT_CLICKHOUSE_CODES.has(chCode) ? 'CW_ERR_CLICKHOUSE_UNAVAILABLE' : 'CW_ERR_CLICKHOUSE_QUERY';
}

/** The project's error for a failed ClickHouse call: UNAVAILABLE (an outage: retryable, says core/errors.ts) or QUERY. */
export function classifyClickhouseError(err: unknown, sqlText: string): CallwatchError {
  const message = errorMessage(err);
  const chCode = clickhouseErrorCode(err);
  const details = chCode === undefined ? {} : { chCode };
  if (clickhouseFailure(err) === 'CW_ERR_CLICKHOUSE_UNAVAILABLE') return new CallwatchError('CW_ERR_CLICKHOUSE_UNAVAILABLE', message, details, { cause: err });
  return new CallwatchError('CW_ERR_CLICKHOUSE_QUERY', `${message.split('\n')[0] ?? message} [${sqlText.slice(0, 200)}]`, details, { cause: err });
}

// Same output on both engines: 64-bit integers as JSON numbers (our counts stay far below 2^53).
const READ_SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const;

/** How a read is run, where it differs from the server's defaults. */
export interface ReadOptions {
  /**
   * Threads the server may use for this query (max_threads). A look-up of one number reads a few
   * granules and runs beside its sibling reads: with one thread each, a busy robocaller's profile at
   * 100M CDRs took 37-39 ms at p50 instead of 44-45 on two cores (bench/scale/README.md).
   */
  maxThreads?: number;
}

/** Column types an external table may have (what its rows' TabSeparated text is parsed as). */
export type ExternalColumnType = 'String' | 'UInt16' | 'UInt64' | 'Date';

/**
 * Rows sent with a query as a table of their own (ClickHouse's external data) rather than as
 * literals in the SQL text: 18.16 parses 20,000 key tuples written as literals in ~0.3 s of server
 * CPU (and only ~5,000 fit under max_query_size), the same keys as TabSeparated data in a few ms.
 */
export interface ExternalTable {
  /** A plain identifier, unique within the query. */
  name: string;
  columns: readonly { name: string; type: ExternalColumnType }[];
  rows: readonly (readonly TsvValue[])[];
}

/** How a server (not chdb) is reached over HTTP, for requests @clickhouse/client cannot make. */
interface HttpEndpoint {
  url: string;
  authorization: string;
  timeoutMs: number;
}

/**
 * One client for both engines: a ClickHouse server over HTTP, or the in-process engine (chdb)
 * plugged into the same @clickhouse/client. chdb ignores the `database` option, so every statement
 * names its tables in full (`db.table`); `database` here is the project's database name.
 */
export class Clickhouse {
  private constructor(
    private readonly client: ClickHouseClient,
    readonly engine: Engine,
    readonly database: string,
    /** The ClickHouse cluster the tables live on ('' = one server); see core/clickhouse/cluster-ddl.ts. */
    readonly cluster: string = '',
    private readonly http?: HttpEndpoint,
    /** A server's reads (query), outside @clickhouse/client: ./http-reads.ts. */
    private readonly reads?: HttpReads,
  ) {}

  static async connect(config: ClickhouseConfig, role: Role = 'writer'): Promise<Clickhouse> {
    if (config.engine === 'chdb') {
      const { createChdbConnection } = await import('chdb/connection');
      const connection = createChdbConnection({ path: config.chdbPath === ':memory:' ? ':memory:' : resolvePath(config.chdbPath) });
      return new Clickhouse(createClient({ connection } as Parameters<typeof createClient>[0]), 'chdb', config.database);
    }
    const client = createClient({
      url: config.url,
      username: role === 'writer' ? config.user : config.readerUser,
      password: role === 'writer' ? config.password : config.readerPassword,
      request_timeout: config.requestTimeoutMs,
      // Compression would add the enable_http_compression setting, which 18.16 read-only users may not send.
      compression: { request: false, response: false },
      keep_alive: { enabled: true },
    });
    const user = role === 'writer' ? config.user : config.readerUser;
    const password = role === 'writer' ? config.password : config.readerPassword;
    const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const http = { url: config.url, authorization, timeoutMs: config.requestTimeoutMs };
    return new Clickhouse(client, 'server', config.database, config.cluster, http, new HttpReads(http));
  }

  /**
   * On a cluster, an INSERT into a Distributed table returns only once every row is in its shard's
   * table (not queued on this server's disk for later sending): the processors commit Kafka offsets
   * after an insert, so it must mean stored.
   */
  // On a cluster: wait until the rows are in their shard, and never drop a re-sent block as a duplicate
  // of an earlier one (replicated tables do, by block hash): a re-sent block must reach the
  // materialized views again, in case the first attempt stored the rows but died before the views ran.
  private get writeSettings(): { insert_distributed_sync?: 1; insert_deduplicate?: 0 } {
    return this.cluster === '' ? {} : { insert_distributed_sync: 1, insert_deduplicate: 0 };
  }

  /** A statement with no result (DDL, INSERT … SELECT, OPTIMIZE). */
  async command(sqlText: string): Promise<void> {
    try {
      await this.client.command({ query: sqlText, clickhouse_settings: this.writeSettings });
    } catch (err) {
      throw classifyClickhouseError(err, sqlText);
    }
  }

  async query<T>(sqlText: string, options: ReadOptions = {}): Promise<T[]> {
    const settings = options.maxThreads === undefined ? READ_SETTINGS : { ...READ_SETTINGS, max_threads: options.maxThreads };
    try {
      if (this.reads !== undefined) return await this.reads.query<T>(sqlText, settings);
      const rs = await this.client.query({ query: sqlText, format: 'JSONEachRow', clickhouse_settings: settings });
      return await rs.json<T>();
    } catch (err) {
      throw classifyClickhouseError(err, sqlText);
    }
  }

  /** Inserts rows as JSONEachRow into `table` (qualified by the caller: db.table). */
  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.client.insert({ table, values: rows, format: 'JSONEachRow', clickhouse_settings: this.writeSettings });
    } catch (err) {
      throw classifyClickhouseError(err, `INSERT INTO ${table}`);
    }
  }

  /**
   * Inserts rows as TabSeparated into `table` (db.table): the listed columns, in that order (18.16
   * parses TabSeparated several times faster than JSONEachRow). Values as for JSONEachRow: DateTime
   * as epoch seconds, Date as YYYY-MM-DD, null for NULL.
   */
  async insertTabSeparated(table: string, columns: readonly string[], rows: readonly Readonly<Record<string, TsvValue>>[]): Promise<void> {
    if (rows.length === 0) return;
    const [first, ...rest] = columns.map(sqlIdentifier);
    if (first === undefined) throw new CallwatchError('CW_ERR_SQL_LITERAL', 'an insert names no columns');
    const text = tsvRows(columns, rows);
    try {
      await this.client.insert({ table, values: Readable.from([Buffer.from(text)], { objectMode: false }), format: 'TabSeparated', columns: [first, ...rest], clickhouse_settings: this.writeSettings });
    } catch (err) {
      throw classifyClickhouseError(err, `INSERT INTO ${table}`);
    }
  }

  /**
   * A query that reads `table` (ExternalTable): `build` gets the table expression to write after FROM
   * (`SELECT … FROM ${ref}`). On a server the rows travel as external data beside the SQL text (a
   * multipart HTTP request, which @clickhouse/client cannot send; on a cluster the server forwards
   * them with the query to every shard); chdb has no HTTP request, so there the rows are one
   * TabSeparated string literal read by the format() table function.
   */
  async queryWithTable<T>(table: ExternalTable, build: (ref: RawSql) => string): Promise<T[]> {
    const name = ident(table.name);
    const structure = table.columns.map((c) => `${sqlIdentifier(c.name)} ${c.type}`).join(', ');
    const text = tsvLines(table.rows);
    if (this.http === undefined) {
      const sqlText = build(raw(`format(TabSeparated, ${sqlString(structure)}, ${sqlString(text)})`));
      try {
        // The rows are part of the SQL text here: allow for them (26.x parses long literals quickly).
        const rs = await this.client.query({ query: sqlText, format: 'JSONEachRow', clickhouse_settings: { ...READ_SETTINGS, max_query_size: String(sqlText.length + 65_536) } });
        return await rs.json<T>();
      } catch (err) {
        throw classifyClickhouseError(err, sqlText);
      }
    }
    const sqlText = build(name);
    return this.postWithExternalData<T>(this.http, `${sqlText}\nFORMAT JSONEachRow`, table.name, structure, text);
  }

  private async postWithExternalData<T>(http: HttpEndpoint, sqlText: string, name: string, structure: string, text: string): Promise<T[]> {
    const params = new URLSearchParams({ query: sqlText, [`${name}_structure`]: structure, [`${name}_format`]: 'TabSeparated', wait_end_of_query: '1' });
    for (const [k, v] of Object.entries(READ_SETTINGS)) params.set(k, String(v));
    const form = new FormData();
    form.append(name, new Blob([text]), name);
    let body: string;
    try {
      const res = await fetch(`${http.url.replace(/\/$/, '')}/?${params.toString()}`, {
        method: 'POST',
        headers: { authorization: http.authorization },
        body: form,
        signal: AbortSignal.timeout(http.timeoutMs),
      });
      body = await res.text();
      if (!res.ok) throw new Error(body.trim() || `HTTP ${res.status}`);
    } catch (err) {
      // fetch reports an unreachable server as a TypeError whose cause carries the errno code.
      const cause = (err as { cause?: unknown }).cause;
      if (err instanceof Error && err.name === 'TimeoutError') throw new CallwatchError('CW_ERR_CLICKHOUSE_UNAVAILABLE', `no answer in ${http.timeoutMs} ms`, {}, { cause: err });
      throw classifyClickhouseError(cause instanceof Error ? cause : err, sqlText);
    }
    try {
      return parseRows<T>(body);
    } catch (err) {
      throw classifyClickhouseError(err, sqlText);
    }
  }

  async ping(): Promise<boolean> {
    try {
      const r = await this.client.ping();
      return r.success;
    } catch {
      return false;
    }
  }

  async version(): Promise<string> {
    const rows = await this.query<{ v: string }>('SELECT version() AS v');
    return rows[0]?.v ?? 'unknown';
  }

  async close(): Promise<void> {
    this.reads?.close();
    await this.client.close();
  }
}

function resolvePath(p: string): string {
  return p.startsWith('/') ? p : `${process.cwd()}/${p}`;
}
