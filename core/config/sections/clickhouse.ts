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
  /**
   * A cluster of the server's `remote_servers` (e.g. `callwatch`), or '' for one server. With a
   * cluster the migrations create every table ON CLUSTER as a Replicated*MergeTree `X_local` on each
   * node plus a Distributed `X` over them (core/clickhouse/cluster-ddl.ts); the services then read
   * and write `X` through the server in `url` unchanged. Only for the `server` engine.
   */
  cluster: z.string().regex(/^([A-Za-z_][A-Za-z0-9_]*)?$/, 'a plain identifier or empty').default(() => stackDefaults().clickhouseCluster),
  /** Data folder of the chdb engine. */
  chdbPath: z.string().min(1).default('.stack/chdb'),
  requestTimeoutMs: envInt(1000, 600_000).default(60_000),
}).refine((c) => c.engine === 'server' || c.cluster === '', { message: 'a cluster needs engine "server" (chdb cannot be a cluster node)', path: ['cluster'] });
export type ClickhouseConfig = z.infer<typeof clickhouseSection>;
