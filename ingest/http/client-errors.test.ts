import { describe, expect, it } from 'vitest';
import { clientErrorResponse } from './client-errors.ts';

describe('connection-level errors in the collector format', () => {
  const parse = (bytes: string) => {
    const [head = '', body = ''] = bytes.split('\r\n\r\n');
    return { status: head.split('\r\n')[0], head, body: JSON.parse(body) as unknown };
  };

  it('a stalled body is 408 CW_ERR_INGEST_REQUEST_TIMEOUT with the request id', () => {
    const r = parse(clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT', 'req-1').bytes);
    expect(r.status).toBe('HTTP/1.1 408 Request Timeout');
    expect(r.head).toContain('\r\nX-Request-Id: req-1\r\n');
    expect(r.head).toContain('\r\nConnection: close');
    expect(r.body).toEqual({ error: { code: 'CW_ERR_INGEST_REQUEST_TIMEOUT', message: 'the request was not received in time' } });
  });

  it('oversized headers are 431, anything else that is not HTTP is 400', () => {
    expect(parse(clientErrorResponse('HPE_HEADER_OVERFLOW', 'r').bytes)).toMatchObject({ status: 'HTTP/1.1 431 Request Header Fields Too Large', body: { error: { code: 'CW_ERR_INGEST_HEADERS_TOO_LARGE' } } });
    expect(parse(clientErrorResponse('HPE_INVALID_METHOD', 'r').bytes)).toMatchObject({ status: 'HTTP/1.1 400 Bad Request', body: { error: { code: 'CW_ERR_INGEST_BAD_REQUEST' } } });
    expect(parse(clientErrorResponse(undefined, 'r').bytes)).toMatchObject({ status: 'HTTP/1.1 400 Bad Request' });
  });
});
