import { z } from 'zod';
import { stackDefaults } from '../stack-defaults.ts';
import { envInt } from './common.ts';

export const clickhouseSection = z.strictObject({
  /** `server`: a ClickHouse server over HTTP; `chdb`: the in-process engine (npm chdb). */
  engine: z.enum(['server', 'chdb']).default('server'),
  url: z.url().default(() => stackDefaults().clickhouseUrl),
  database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier').default('callwatch'),
  user: z.string().min(1).default(() => stackDefaults().clickhouseWriterUser),
  password: z.string().default(() => stackDefaults().clickhouseWriterPassword),
  readerUser: z.string().min(1).default(() => stackDefaults().clickhouseReaderUser),
  readerPassword: z.string().default(() => stackDefaults().clickhouseReaderPassword),
  /** Data folder of the chdb engine. */
  chdbPath: z.string().min(1).default('.stack/chdb'),
  requestTimeoutMs: envInt(1000, 600_000).default(60_000),
});
export type ClickhouseConfig = z.infer<typeof clickhouseSection>;
