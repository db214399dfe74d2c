import { envNameFor } from '../core/config/load.ts';
import { clickhouseSection } from '../core/config/sections/clickhouse.ts';
import { CLICKHOUSE_PLUGIN } from './clickhouse-query.ts';
import type { DashboardSettings } from './settings.ts';

// Datasource provisioning (Grafana docs "Provisioning → Data sources"; plugin docs "Configure the
// ClickHouse data source": jsonData host/port/protocol/username/defaultDatabase, secureJsonData
// password). Grafana expands ${VAR} from its environment when it reads the file, so the reader's
// password never sits in the repository: export the variable the project's own config reads.

/** The local stack's Prometheus (stack/monitoring.sh, PROMETHEUS_PORT in stack/ports.env), scraping every service's /metrics. */
export const PROMETHEUS_URL = 'http://127.0.0.1:19090';

export function datasourcesFile(s: DashboardSettings): unknown {
  const ch = clickhouseSection.parse({});
  const url = new URL(ch.url);
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'callwatch ClickHouse',
        uid: s.clickhouseUid,
        type: CLICKHOUSE_PLUGIN,
        orgId: 1,
        editable: false,
        jsonData: {
          host: url.hostname,
          port: Number(url.port),
          protocol: url.protocol === 'https:' ? 'https' : 'http',
          secure: url.protocol === 'https:',
          // The READ-ONLY user: dashboards can run any SQL, so they must not be able to write.
          username: ch.readerUser,
          defaultDatabase: s.database,
        },
        secureJsonData: { password: `\${${envNameFor('clickhouse', 'readerPassword')}}` },
      },
      {
        name: 'callwatch Prometheus',
        uid: s.prometheusUid,
        type: 'prometheus',
        orgId: 1,
        access: 'proxy',
        url: PROMETHEUS_URL,
        editable: false,
        jsonData: { timeInterval: '15s' },
      },
    ],
  };
}
