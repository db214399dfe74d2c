import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

// The query model of the grafana-clickhouse-datasource plugin (v4, SQL editor), which the foundation
// SDK does not ship: enough of it for raw SQL panels, annotations and alert rules.

export const CLICKHOUSE_PLUGIN = 'grafana-clickhouse-datasource';

/** The plugin's `format`: how the result becomes Grafana frames. */
export const ClickhouseFormat = { TimeSeries: 0, Table: 1 } as const;
export type ClickhouseFormat = (typeof ClickhouseFormat)[keyof typeof ClickhouseFormat];

/** The plugin's `queryType` (v4): what the editor shows the result as. */
export type ClickhouseQueryType = 'timeseries' | 'table';

export interface ClickhouseQuery extends Dataquery {
  refId: string;
  hide?: boolean;
  datasource: { type: typeof CLICKHOUSE_PLUGIN; uid: string };
  editorType: 'sql';
  rawSql: string;
  format: ClickhouseFormat;
  queryType: ClickhouseQueryType;
}

export class ClickhouseQueryBuilder implements Builder<Dataquery> {
  private readonly internal: ClickhouseQuery;

  constructor(datasourceUid: string, rawSql: string, format: ClickhouseFormat = ClickhouseFormat.Table) {
    this.internal = {
      refId: 'A',
      datasource: { type: CLICKHOUSE_PLUGIN, uid: datasourceUid },
      editorType: 'sql',
      rawSql,
      format,
      queryType: format === ClickhouseFormat.TimeSeries ? 'timeseries' : 'table',
      // Marks the object as a Dataquery variant for the SDK's types; JSON output drops functions.
      _implementsDataqueryVariant() {
        /* type marker only */
      },
    };
  }

  build(): ClickhouseQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  hide(hide: boolean): this {
    this.internal.hide = hide;
    return this;
  }
}

export function clickhouseRef(uid: string): DataSourceRef {
  return { type: CLICKHOUSE_PLUGIN, uid };
}
