// The investigator API: `npm run start:api` after `npm run build` (in development `npx tsx api/main.ts`). Configuration: CALLWATCH_API__* (core/config/sections/api.ts);
// keys with the `investigate` scope in CALLWATCH_AUTH__API_KEYS (the deployment's one key list).
// Reads go through the read-only ClickHouse user; the writer user only appends to the audit log.
// Lifecycle: core/service/lifecycle.ts.
import { Clickhouse } from '../core/clickhouse/client.ts';
import { migrate } from '../core/clickhouse/migrate.ts';
import { configSchema } from '../core/config/schema.ts';
import { runService } from '../core/service/lifecycle.ts';
import { buildApiApp } from './app.ts';

await runService({
  name: 'api',
  schema: configSchema,
  logLevel: (config) => config.log.level,
  stopTimeoutMs: (config) => config.api.shutdownTimeoutMs,
  async connect(config, logger) {
    if (!config.auth.apiKeys.some((k) => k.scopes.includes('investigate'))) {
      logger.warn('no API key has the investigate scope (auth.apiKeys): every look-up will be refused');
    }
    const writer = await Clickhouse.connect(config.clickhouse, 'writer');
    // The audit table must exist before the first look-up can be answered.
    await migrate(writer);
    // chdb has no users and allows one data path per process: one connection serves both roles.
    const reader = config.clickhouse.engine === 'chdb' ? writer : await Clickhouse.connect(config.clickhouse, 'reader');
    return { writer, reader };
  },
  async serve({ writer, reader }, config, logger) {
    const app = buildApiApp({ config, reader, writer, logger });
    const address = await app.listen({ host: config.api.host, port: config.api.port });
    logger.info({ address, openapi: `${address}/openapi.json` }, 'investigator API listening');
    return { drain: () => app.close() };
  },
  close: async ({ writer, reader }) => {
    await Promise.all([writer.close(), reader === writer ? Promise.resolve() : reader.close()]);
  },
});
