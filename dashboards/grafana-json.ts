// Fix-ups of the foundation SDK's classic dashboard output for the Grafana it targets, found by
// checking the JSON against Grafana's own types (dashboards/grafana-schema.test.ts, @grafana/schema
// 13.2). Both remove keys the current schema no longer has and whose values here are Grafana's
// defaults anyway, so older Grafana versions read the same dashboard.

interface PanelLike {
  type?: string;
  options?: Record<string, unknown>;
  panels?: PanelLike[];
}

interface DashboardLike {
  panels?: PanelLike[];
  templating?: { list?: Record<string, unknown>[] };
}

export function forGrafana<T>(dashboard: T): T {
  const d = dashboard as DashboardLike;
  for (const v of d.templating?.list ?? []) {
    // The SDK's textbox and custom variables carry the interval variable's auto settings.
    if (v.type !== 'interval') {
      delete v.auto;
      delete v.auto_count;
      delete v.auto_min;
    }
  }
  for (const p of (d.panels ?? []).flatMap((x) => [x, ...(x.panels ?? [])])) {
    // Grafana 12 moved table footers into each field's config; the SDK still writes the panel-level
    // footer. A hidden footer is the default in every version, so it can go; a shown one cannot.
    const footer = p.type === 'table' ? (p.options?.footer as { show?: boolean } | undefined) : undefined;
    if (footer !== undefined) {
      if (footer.show === true) throw new Error('a table footer is shown: write it per field (fieldConfig.defaults.custom.footer) for Grafana 12+');
      delete p.options?.footer;
    }
  }
  return dashboard;
}
