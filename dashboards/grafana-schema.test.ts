import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The committed dashboard JSON type-checked against Grafana's own types (npm `@grafana/schema`, the
// types Grafana's frontend is built with), not only against the SDK that wrote it: the whole
// dashboard against `Dashboard` (panels, rows, grid positions, templating, time, …), and each panel's
// options and custom field config against its panel plugin's `Options` / `FieldConfig`. Object
// literals get TypeScript's excess-property check, so an unknown or misspelt key fails as well.
//
// The TypeScript compiler runs on a source made in memory: each JSON file pasted as an expression
// with `satisfies`. The types are seen as Grafana reads JSON, through `Json<T>`: a string enum is its
// string values, and every key may be left out (Grafana's generated types mark keys that have a
// default as required; Grafana fills those defaults in when it loads a dashboard). Types of values
// and unknown keys are checked in full. Queries (panel targets) are checked against Grafana's common
// `DataQuery` with the plugin's own keys allowed: @grafana/schema has no types for the ClickHouse
// plugin's or Prometheus's query models (dashboards/clickhouse-query.ts types the former).

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BOARDS = join(ROOT, 'dashboards/provisioning/dashboards/callwatch');
const CHECK_FILE = join(ROOT, 'dashboards/__grafana_schema_check__.ts');

const PANEL_TYPES: Readonly<Record<string, string>> = {
  timeseries: 'timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen',
  table: 'table/panelcfg/x/TablePanelCfg_types.gen',
  barchart: 'barchart/panelcfg/x/BarChartPanelCfg_types.gen',
  text: 'text/panelcfg/x/TextPanelCfg_types.gen',
};

interface PanelJson {
  type: string;
  title?: string;
  options?: unknown;
  fieldConfig?: { defaults?: { custom?: unknown } };
  panels?: PanelJson[];
  targets?: unknown[];
}

/** The TypeScript source that checks the given dashboards (name → JSON text). */
export function checkSource(boards: ReadonlyMap<string, string>): string {
  const lines = [
    "import type { Dashboard, DataQuery } from '@grafana/schema';",
    ...Object.entries(PANEL_TYPES).map(([type, path]) => `import type * as ${type}Cfg from '@grafana/schema/dist/esm/raw/composable/${path}';`),
    'type Json<T> = T extends string ? `${T}` : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]?: Json<T[K]> } : T;',
    'type Query = Json<DataQuery> & { refId: string; datasource: { type: string; uid: string } } & Record<string, unknown>;',
  ];
  let n = 0;
  for (const [name, text] of boards) {
    const board = JSON.parse(text) as { panels?: PanelJson[]; annotations?: { list?: { target?: unknown }[] } };
    const panels = (board.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
    const targets = panels.map((p) => {
      const t = p.targets ?? [];
      delete p.targets;
      return t;
    });
    const annotationTargets = (board.annotations?.list ?? []).map((a) => {
      const t = a.target;
      delete a.target;
      return t;
    });
    annotationTargets.forEach((t, i) => {
      if (t !== undefined) lines.push(`export const annotation${n}_${i} = ${JSON.stringify(t)} satisfies Query;`);
    });
    lines.push(`// ${name}`, `export const board${n} = ${JSON.stringify(board, null, 1)} satisfies Json<Dashboard>;`);
    targets.forEach((t, i) => {
      if (t.length > 0) lines.push(`export const targets${n}_${i} = ${JSON.stringify(t)} satisfies Query[];`);
    });
    panels.forEach((p, i) => {
      if (!(p.type in PANEL_TYPES)) {
        lines.push(`// ${name} panel ${i}: no Grafana types for panel type ${JSON.stringify(p.type)}`, `export const unknownPanelType${n}_${i}: never = ${JSON.stringify(p.type)};`);
        return;
      }
      lines.push(`// ${name} panel ${JSON.stringify(p.title ?? i)}`);
      if (p.options !== undefined) lines.push(`export const options${n}_${i} = ${JSON.stringify(p.options)} satisfies Json<${p.type}Cfg.Options>;`);
      if (p.fieldConfig?.defaults?.custom !== undefined) lines.push(`export const custom${n}_${i} = ${JSON.stringify(p.fieldConfig.defaults.custom)} satisfies Json<${p.type}Cfg.FieldConfig>;`);
    });
    n++;
  }
  return `${lines.join('\n')}\n`;
}

/** Compiles the source with the project's compiler options; returns the error messages. */
export function typeErrors(source: string): string[] {
  const configPath = join(ROOT, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, (p) => ts.sys.readFile(p)).config, ts.sys, ROOT);
  const options: ts.CompilerOptions = { ...parsed.options, noUnusedLocals: false, noEmit: true };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    fileName === CHECK_FILE ? ts.createSourceFile(fileName, source, languageVersion, true) : read(fileName, languageVersion, onError, shouldCreate);
  const exists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === CHECK_FILE || exists(fileName);
  const program = ts.createProgram([CHECK_FILE], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const line = where ? source.split('\n')[where.line]?.slice(0, 60) : '';
    return `${where ? `line ${where.line + 1} (${line}…): ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n').slice(0, 600)}`;
  });
}

const committed = new Map(
  readdirSync(BOARDS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, readFileSync(join(BOARDS, f), 'utf8')] as const),
);

describe("dashboard JSON against Grafana's own types (@grafana/schema)", () => {
  it('every committed dashboard, and every panel\'s options and field config, type-checks', () => {
    expect(committed.size).toBe(4);
    const source = checkSource(committed);
    // Every panel of every board is checked (rows excepted): the sanity of the check itself.
    expect(source.match(/satisfies Json<(timeseries|table|barchart|text)Cfg\.Options>/g)?.length).toBeGreaterThan(20);
    expect(typeErrors(source)).toEqual([]);
  }, 120_000);

  it('fails on what Grafana would not read: a wrong type, an unknown key, an unknown enum value, an unknown panel type', () => {
    const board = JSON.parse(committed.get('pipeline-health.json') ?? '{}') as { panels: (PanelJson & { gridPos: { h: unknown } })[]; graphTooltip: unknown; timezone: unknown };
    const first = board.panels.find((p) => p.type === 'timeseries');
    if (!first) throw new Error('pipeline-health has no time series panel');
    first.gridPos.h = 'eight';
    const wrongType = typeErrors(checkSource(new Map([['x', JSON.stringify(board)]])));
    expect(wrongType.join('\n')).toMatch(/'string' is not assignable to type 'number'/);

    const unknownKey = JSON.stringify({ ...JSON.parse(committed.get('pipeline-health.json') ?? '{}'), refreshEvery: '30s' });
    expect(typeErrors(checkSource(new Map([['x', unknownKey]]))).join('\n')).toMatch(/refreshEvery/);

    const tooltip = JSON.parse(committed.get('pipeline-health.json') ?? '{}') as { panels: { type: string; options?: { tooltip?: { mode?: string } } }[] };
    const ts0 = tooltip.panels.find((p) => p.options?.tooltip?.mode !== undefined);
    if (!ts0?.options?.tooltip) throw new Error('no panel with a tooltip mode');
    ts0.options.tooltip.mode = 'everything';
    expect(typeErrors(checkSource(new Map([['x', JSON.stringify(tooltip)]]))).join('\n')).toMatch(/everything/);

    const odd = JSON.parse(committed.get('pipeline-health.json') ?? '{}') as { panels: { type: string }[] };
    const p0 = odd.panels.find((p) => p.type === 'timeseries');
    if (p0) p0.type = 'graph-old';
    expect(typeErrors(checkSource(new Map([['x', JSON.stringify(odd)]]))).join('\n')).toMatch(/not assignable to type 'never'/);
  }, 120_000);
});
