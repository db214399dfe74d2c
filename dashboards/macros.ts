
/**
 * What Grafana does to a ClickHouse panel's `rawSql` before ClickHouse sees it, so tests can run the
 * very SQL the dashboards hold. Two stages, as in Grafana:
 *
 * 1. Template variables, in the browser (Grafana's templateSrv): `$name`, `${name}`, `[[name]]` and
 *    `${name:format}` for the formats the dashboards use (`percentencode`, `sqlstring`, `raw`).
 *    Alert rules skip this stage (they run in the backend), so their SQL must not use variables.
 * 2. Macros, in the plugin's backend (grafana-clickhouse-datasource pkg/macros, applied by sqlds): the
 *    regex `\$__name(?:\((.*?)\))?`, arguments split on commas and trimmed. Times are UTC.
 *      $__timeFilter(c)  c >= toDateTime(<from s>) AND c <= toDateTime(<to s>)
 *      $__dateFilter(c)  c >= toDate('<from day>') AND c <= toDate('<to day>')
 *      $__fromTime       toDateTime(<from s>)          $__toTime   toDateTime(<to s>)
 *      $__interval_s     the query interval in seconds (at least 1)
 * The plugin's $__timeInterval and the *_ms macros expand to toStartOfInterval / DateTime64, which
 * ClickHouse 18.16 lacks: they are refused here so no dashboard can use them.
 */

/** A dashboard query Grafana could not expand (unknown or refused macro, missing variable value). */
export class GrafanaMacroError extends Error {
  override readonly name = 'GrafanaMacroError';
}

export interface QueryContext {
  from: Date;
  to: Date;
  /** Grafana's computed interval for the panel; the dashboards only use it via $__interval_s. */
  intervalMs?: number;
  /** Template variables: a string, or several strings for a multi-value variable. */
  variables?: Readonly<Record<string, string | readonly string[]>>;
}

const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);
const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

function oneArg(name: string, args: readonly string[]): string {
  const [arg] = args;
  if (args.length !== 1 || arg === undefined || arg === '') {
    throw new GrafanaMacroError(`$__${name} takes exactly one column argument, got ${args.length}`);
  }
  return arg;
}

type Macro = (args: readonly string[], ctx: QueryContext) => string;

const MACROS: Readonly<Record<string, Macro>> = {
  timeFilter: (args, ctx) => {
    const c = oneArg('timeFilter', args);
    return `${c} >= toDateTime(${epochSeconds(ctx.from)}) AND ${c} <= toDateTime(${epochSeconds(ctx.to)})`;
  },
  dateFilter: (args, ctx) => {
    const c = oneArg('dateFilter', args);
    return `${c} >= toDate('${utcDay(ctx.from)}') AND ${c} <= toDate('${utcDay(ctx.to)}')`;
  },
  fromTime: (_args, ctx) => `toDateTime(${epochSeconds(ctx.from)})`,
  toTime: (_args, ctx) => `toDateTime(${epochSeconds(ctx.to)})`,
  interval_s: (_args, ctx) => String(Math.max(Math.floor((ctx.intervalMs ?? 1000) / 1000), 1)),
};

/** The plugin's macros that produce SQL ClickHouse 18.16 cannot run. */
const REFUSED = new Set(['timeInterval', 'timeInterval_ms', 'timeFilter_ms', 'fromTime_ms', 'toTime_ms', 'dateTimeFilter', 'dt']);

// Same shape as sqlds' `\$__%s(?:\((.*?)\))?`, for every name at once: the argument list ends at the
// first ')', so arguments cannot hold parentheses (write `$__timeFilter(setup_time)`, not a call).
const MACRO = /\$__([A-Za-z0-9_]+)(?:\((.*?)\))?/g;

export function expandMacros(sqlText: string, ctx: QueryContext): string {
  return sqlText.replace(MACRO, (_whole, name: string, argText: string | undefined) => {
    if (REFUSED.has(name)) throw new GrafanaMacroError(`$__${name} expands to SQL ClickHouse 18.16 cannot run`);
    const macro = MACROS[name];
    if (!macro) throw new GrafanaMacroError(`unknown macro $__${name}`);
    const args = argText === undefined ? [] : argText.split(',').map((a) => a.trim());
    return macro(args, ctx);
  });
}

// Grafana's encodeURIComponentStrict: encodeURIComponent, then !'()* as %XX too, so the result holds
// only [A-Za-z0-9-_.~%] and is safe inside a single-quoted SQL string whatever the user typed.
function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// Grafana's sqlStringFormatter: ' doubled, " backslashed, each value quoted, values comma-joined.
// It does not escape backslashes, so ClickHouse can be broken out of with \' : the dashboards use it
// only for values that come from the database, never for free text (that goes through percentencode).
function sqlStringQuote(value: string): string {
  return `'${value.replace(/'|"/g, (m) => (m === "'" ? "''" : '\\"'))}'`;
}

const FORMATS: Readonly<Record<string, (value: string | readonly string[]) => string>> = {
  raw: (v) => (typeof v === 'string' ? v : v.join(',')),
  percentencode: (v) => percentEncode(typeof v === 'string' ? v : `{${v.join(',')}}`),
  sqlstring: (v) => (typeof v === 'string' ? sqlStringQuote(v) : v.map(sqlStringQuote).join(',')),
};

// The plugin's default format for a variable without an explicit one: arrays as 'a','b' (unescaped),
// single values as they are.
function pluginDefaultFormat(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : `'${value.join("','")}'`;
}

// templateSrv's variable regex: $name | [[name]] / [[name:format]] | ${name} / ${name:format}.
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?::([^}]+))?\}/g;

export function interpolateVariables(sqlText: string, variables: QueryContext['variables'] = {}): string {
  return sqlText.replace(VARIABLE, (whole, plain?: string, bracket?: string, bracketFormat?: string, braced?: string, bracedFormat?: string) => {
    const name = plain ?? bracket ?? braced ?? '';
    // $__name belongs to the backend macros (and Grafana's own globals): left for stage 2.
    if (name.startsWith('__')) return whole;
    const value = variables[name];
    if (value === undefined) throw new GrafanaMacroError(`template variable $${name} has no value`);
    const formatName = bracketFormat ?? bracedFormat;
    if (formatName === undefined) return pluginDefaultFormat(value);
    const format = FORMATS[formatName];
    if (!format) throw new GrafanaMacroError(`variable format :${formatName} is not one the dashboards use`);
    return format(value);
  });
}

/** Both stages: the SQL ClickHouse receives for a panel query in the given time range. */
export function expandQuery(sqlText: string, ctx: QueryContext): string {
  return expandMacros(interpolateVariables(sqlText, ctx.variables), ctx);
}
