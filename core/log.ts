import pino, { type Logger } from 'pino';

// Paths that may carry personal data if someone logs a whole request or record by mistake.
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  '*.reporter',
  '*.reporterNumber',
  '*.reporter_number',
  '*.caller',
  '*.callee',
  '*.description',
  'password',
  '*.password',
];

export type { Logger };

export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service, pid: process.pid },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
