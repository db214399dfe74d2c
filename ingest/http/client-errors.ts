import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { CallwatchError, type ErrorCode } from '../../core/errors.ts';
import { errorBody } from '../../core/http/error-reply.ts';
import { INGEST_REPLY_POLICY } from './errors.ts';

// Errors Node raises on a connection before fastify has a request (a body that stalls past
// requestTimeoutMs, oversized headers, bytes that are not HTTP). Node hands them to the server's
// 'clientError' listener; fastify's default one answers in fastify's own JSON. These are answered
// as every other collector error is: { error: { code, message } }, with an X-Request-Id (there is
// no fastify request, so the id is made here and logged with the code).

const NODE_CODES: Readonly<Record<string, ErrorCode>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'CW_ERR_INGEST_REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'CW_ERR_INGEST_HEADERS_TOO_LARGE',
};

/** The raw HTTP/1.1 answer for a connection-level error (the connection is closed after it). */
export function clientErrorResponse(nodeCode: string | undefined, requestId: string): { error: CallwatchError; bytes: string } {
  const error = new CallwatchError((nodeCode === undefined ? undefined : NODE_CODES[nodeCode]) ?? 'CW_ERR_BAD_REQUEST');
  const body = JSON.stringify(errorBody(error, INGEST_REPLY_POLICY));
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
  ];
  return { error, bytes: `${head.join('\r\n')}\r\n\r\n${body}` };
}

/** fastify's `clientErrorHandler` option: answers in the collector's error format, then closes. */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const requestId = randomUUID();
  const { error, bytes } = clientErrorResponse(err.code, requestId);
  this.log.info({ code: error.code, status: error.status, requestId }, 'connection error');
  // Written, then closed whatever the client does (the server keeps half-open sockets otherwise).
  if (socket.writable) socket.write(bytes, () => socket.destroy());
  else socket.destroy();
}
