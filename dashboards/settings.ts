import { clickhouseSection } from '../core/config/sections/clickhouse.ts';
import { processorsSection } from '../core/config/sections/processors.ts';

/**
 * What the generated dashboards and rules depend on. The committed provisioning files are made from
 * `defaultSettings()` (the configuration's defaults, so they never depend on who ran the generator);
 * tests build the same dashboards for their own database and compare the defaults with the files.
 */
export interface DashboardSettings {
  /** ClickHouse database every query names in full (the plugin's default database is not relied on). */
  database: string;
  clickhouseUid: string;
  prometheusUid: string;
  /** Thresholds of the weekly aggregates, as the processors use them. */
  shortCallSeconds: number;
  serviceLevelSeconds: number;
  /** Grafana folder the dashboards and alert rules go in. */
  folder: string;
}

export const CLICKHOUSE_DATASOURCE_UID = 'callwatch-clickhouse';
export const PROMETHEUS_DATASOURCE_UID = 'callwatch-prometheus';

export function defaultSettings(): DashboardSettings {
  const processors = processorsSection.parse({});
  return {
    database: clickhouseSection.parse({}).database,
    clickhouseUid: CLICKHOUSE_DATASOURCE_UID,
    prometheusUid: PROMETHEUS_DATASOURCE_UID,
    shortCallSeconds: processors.shortCallSeconds,
    serviceLevelSeconds: processors.serviceLevelSeconds,
    folder: 'callwatch',
  };
}
