import { PanelBuilder as BarChartPanel } from '@grafana/grafana-foundation-sdk/barchart';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TextPanel } from '@grafana/grafana-foundation-sdk/text';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { GraphDrawStyle, LegendDisplayMode, LegendPlacement, VisibilityMode, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { TextMode } from '@grafana/grafana-foundation-sdk/text';
import { ClickhouseFormat, ClickhouseQueryBuilder, clickhouseRef } from './clickhouse-query.ts';

// Panel shapes the ClickHouse dashboards share. Weekly data are drawn as bars (one point a week).

/** The SDK's default hides legends; series panels here always show which line is which. */
export function visibleLegend(): VizLegendOptionsBuilder {
  return new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom);
}

export interface PanelSpec {
  title: string;
  description: string;
  sql: string;
  unit?: string;
  width?: number;
  height?: number;
}

export function weeklySeriesPanel(uid: string, p: PanelSpec): TimeSeriesPanel {
  return new TimeSeriesPanel()
    .title(p.title)
    .description(p.description)
    .datasource(clickhouseRef(uid))
    .withTarget(new ClickhouseQueryBuilder(uid, p.sql, ClickhouseFormat.TimeSeries))
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(60)
    .showPoints(VisibilityMode.Never)
    .legend(visibleLegend())
    .unit(p.unit ?? 'short')
    .min(0)
    .span(p.width ?? 12)
    .height(p.height ?? 9);
}

export function tablePanel(uid: string, p: PanelSpec): TablePanel {
  return new TablePanel()
    .title(p.title)
    .description(p.description)
    .datasource(clickhouseRef(uid))
    .withTarget(new ClickhouseQueryBuilder(uid, p.sql, ClickhouseFormat.Table))
    .unit(p.unit ?? 'short')
    .span(p.width ?? 12)
    .height(p.height ?? 9);
}

export function barChartPanel(uid: string, p: PanelSpec & { xField: string }): BarChartPanel {
  return new BarChartPanel()
    .title(p.title)
    .description(p.description)
    .datasource(clickhouseRef(uid))
    .withTarget(new ClickhouseQueryBuilder(uid, p.sql, ClickhouseFormat.Table))
    .xField(p.xField)
    .legend(visibleLegend())
    .unit(p.unit ?? 'short')
    .span(p.width ?? 12)
    .height(p.height ?? 9);
}

export function notePanel(title: string, markdown: string, width = 24, height = 5): TextPanel {
  return new TextPanel().title(title).mode(TextMode.Markdown).content(markdown).span(width).height(height);
}
