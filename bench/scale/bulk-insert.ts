import { request } from 'node:http';
import type { StoredRow } from '../../processors/streams/stream.ts';

// Streams rows into a ClickHouse server as TabSeparated over HTTP, one INSERT per `rowsPerInsert`
// rows, with backpressure (memory stays bounded whatever the total). TabSeparated because 18.16
// parses it several times faster than JSONEachRow; the values are exactly the processors' rows
// (DateTime columns as epoch seconds, which 18.16's text parser accepts; NULL as \N).

export interface ServerEndpoint {
  url: string;
  user: string;
  password: string;
}

function tsvValue(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  return /[\\\t\n]/.test(v) ? v.replace(/[\\\t\n]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : '\\n')) : v;
}

/** Sends one INSERT whose body is produced by `body`, resolving when the server has answered 200. */
function postStreamed(server: ServerEndpoint, query: string, body: (write: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
  const url = new URL(server.url);
  url.searchParams.set('user', server.user);
  url.searchParams.set('password', server.password);
  url.searchParams.set('query', query);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'text/tab-separated-values' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`INSERT failed (${res.statusCode ?? '?'}): ${text.slice(0, 500)}`))));
    });
    req.on('error', reject);
    const write = (text: string): Promise<void> =>
      new Promise((ok) => {
        if (req.write(text)) ok();
        else req.once('drain', ok);
      });
    body(write).then(
      () => req.end(),
      (err: unknown) => {
        req.destroy(err instanceof Error ? err : new Error(String(err)));
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * Runs one statement sent as the request body, with no client-side timeout (node:http has none): an
 * INSERT … SELECT of 10M rows runs for longer than the project client's longest request timeout.
 */
export function postSql(server: ServerEndpoint, sqlText: string): Promise<void> {
  const url = new URL(server.url);
  url.searchParams.set('user', server.user);
  url.searchParams.set('password', server.password);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`query failed (${res.statusCode ?? '?'}): ${text.slice(0, 500)}`))));
    });
    req.on('error', reject);
    req.end(sqlText);
  });
}

export interface InsertProgress {
  rows: number;
  inserts: number;
}

/**
 * Inserts every row of `rows` into `table` (qualified, db.table) in INSERTs of `rowsPerInsert` rows.
 * Columns are the first row's keys; every row must have them (the processors' row mappers always do).
 */
export async function bulkInsert(
  server: ServerEndpoint,
  table: string,
  rows: Iterator<StoredRow>,
  rowsPerInsert: number,
  onInsert: (p: InsertProgress) => void,
): Promise<InsertProgress> {
  const progress: InsertProgress = { rows: 0, inserts: 0 };
  // A holder, so the loop sees the advances made inside the request body.
  const cursor = { next: rows.next() };
  if (cursor.next.done === true) return progress;
  const columns = Object.keys(cursor.next.value);
  const query = `INSERT INTO ${table} (${columns.join(', ')}) FORMAT TabSeparated`;
  const more = (): boolean => cursor.next.done !== true;
  while (more()) {
    await postStreamed(server, query, async (write) => {
      let buffer = '';
      let n = 0;
      while (n < rowsPerInsert && cursor.next.done !== true) {
        const row = cursor.next.value;
        let line = '';
        for (let i = 0; i < columns.length; i++) line += (i === 0 ? '' : '\t') + tsvValue(row[columns[i] ?? '']);
        buffer += `${line}\n`;
        n += 1;
        if (buffer.length > 1 << 20) {
          await write(buffer);
          buffer = '';
        }
        cursor.next = rows.next();
      }
      if (buffer.length > 0) await write(buffer);
      progress.rows += n;
    });
    progress.inserts += 1;
    onInsert(progress);
  }
  return progress;
}
