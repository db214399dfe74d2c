import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Interim responses seen before the final one (e.g. 100 for Expect: 100-continue). */
  interim: number[];
}

function parseResponse(raw: Buffer): RawResponse | undefined {
  let text = raw.toString('latin1');
  const interim: number[] = [];
  while (/^HTTP\/1\.1 1\d\d/.test(text) && text.includes('\r\n\r\n')) {
    interim.push(Number(text.slice(9, 12)));
    text = text.slice(text.indexOf('\r\n\r\n') + 4);
  }
  const split = text.indexOf('\r\n\r\n');
  if (split < 0 || /^HTTP\/1\.1 1\d\d/.test(text)) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const body = Buffer.from(text.slice(split + 4), 'latin1');
  const length = headers['content-length'];
  if (length !== undefined && body.length < Number(length)) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8'), interim };
}

/**
 * Sends one HTTP/1.1 request byte for byte as a client library puts it on the wire (header order
 * and spelling as given; with `Expect: 100-continue`, as curl sends for bodies over 1 KiB, the
 * body only after the server's `100 Continue`) and reads one answer (Content-Length framed, or
 * until the server closes).
 */
export async function rawRequest(port: number, head: string, body: Buffer | string = ''): Promise<RawResponse> {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const expectsContinue = /^expect:\s*100-continue\s*$/im.test(head);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let bodySent = !expectsContinue;
    let done = false;
    const finish = (r: RawResponse): void => {
      done = true;
      socket.destroy();
      resolve(r);
    };
    socket.on('connect', () => {
      socket.write(`${head.trim().split(/\r?\n/).join('\r\n')}\r\n\r\n`);
      if (bodySent) socket.write(payload);
    });
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      if (!bodySent && /^HTTP\/1\.1 100/.test(all.toString('latin1'))) {
        bodySent = true;
        socket.write(payload);
      }
      const r = parseResponse(all);
      if (r && !done) finish(r);
    });
    socket.on('error', (err) => {
      if (!done) reject(err);
    });
    socket.on('close', () => {
      if (done) return;
      const r = parseResponse(Buffer.concat(chunks));
      if (r) finish(r);
      else reject(new Error('connection closed without a complete answer'));
    });
  });
}
