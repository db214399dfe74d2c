import { CallwatchError } from '../errors.ts';

// Migrations are written for one server (`{db}.cdrs ... ENGINE = ReplacingMergeTree(version)`). On a
// ClickHouse cluster (config clickhouse.cluster) the runner translates each statement:
//
//   CREATE TABLE {db}.x (...) ENGINE = <Kind>MergeTree(args) ...
//     -> {db}.x_local ON CLUSTER: Replicated<Kind>MergeTree('/clickhouse/tables/{shard}/{db}/x_local', '{replica}', args)
//        on every node (the {shard}/{replica} macros of each server's config), and
//     -> {db}.x ON CLUSTER: Distributed(cluster, {db}, x_local, <shard_by>), through which the services
//        read and write, so their SQL is the same on one server and on a cluster.
//   CREATE MATERIALIZED VIEW {db}.mv TO {db}.t AS SELECT ... FROM {db}.s ...
//     -> ON CLUSTER, TO {db}.t_local, FROM {db}.s_local: on every node, from the local source to the
//        local target. An insert through the Distributed source lands on one replica per shard, fires
//        the view there, and the target's part replicates like any other (fetched parts do not fire
//        views again, so nothing is counted twice).
//   CREATE VIEW -> ON CLUSTER, unchanged: a plain view reads the Distributed tables.
//   INSERT ... SELECT (back-fills) -> unchanged, run once, through the Distributed tables.
//   DROP TABLE/VIEW -> ON CLUSTER (both x and x_local for a sharded table).
//   ALTER TABLE x ADD/DROP/MODIFY COLUMN -> ON CLUSTER on x_local, then x made again AS x_local; other ALTERs (mutations) on x_local.
// Anything else is refused with CW_ERR_MIGRATION rather than run half-right.
//
// The sharding key: a `-- shard_by: <expression>` line right before the CREATE TABLE, e.g.
// `-- shard_by: cityHash64(caller)`. It must send every copy of a record to one shard (a function of
// what the sort key leads with, never rand()): ReplacingMergeTree merges and FINAL deduplicate only
// within one part set of one shard and one partition (processors/README.md, "On a cluster").
// Tables of migrations that cannot be edited any more have a built-in key (DEFAULT_SHARD_BY).

/** Sharding keys of tables created by migrations that predate the `-- shard_by:` directive. */
export const DEFAULT_SHARD_BY: Readonly<Record<string, string>> = {
  // 0001: identities (platform, cdr_id) and (report_id, call_index); a report's calls stay together.
  cdrs: 'cityHash64(platform, cdr_id)',
  report_calls: 'cityHash64(report_id)',
  // 0100: one live verdict per (week, scope, key).
  spike_verdicts: 'cityHash64(week, scope, key)',
  // 0200: append-only; any stable spread will do.
  audit_log: 'cityHash64(request_id)',
};

export const LOCAL_SUFFIX = '_local';

type Kind = 'sharded' | 'view' | 'materialized';

/** What the migrations so far have created (and a sharded table's key), so later DROP/ALTER/MV statements know what a name is. */
export type ClusterCatalog = Map<string, { kind: Kind; shardBy?: string }>;

const NAME = String.raw`\{db\}\.([A-Za-z_][A-Za-z0-9_]*)`;
const IF_NOT_EXISTS = String.raw`(IF\s+NOT\s+EXISTS\s+)?`;
const DIRECTIVE = /^\s*--\s*shard_by:\s*(.+?)\s*$/m;
const MERGE_TREE = /^(Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing)?MergeTree$/;

function refuse(statement: string, why: string): never {
  throw new CallwatchError('CW_ERR_MIGRATION', `cannot run on a cluster: ${why} [${statement.slice(0, 160)}]`);
}

/** Index of the parenthesis closing the one at `open`, skipping quoted strings. */
export function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '`' || c === '"') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** ZooKeeper path of a replicated local table: one per shard, database and table. */
export function replicationPath(table: string): string {
  return `/clickhouse/tables/{shard}/{db}/${table}`;
}

function createTable(statement: string, body: string, cluster: string, catalog: ClusterCatalog): string[] {
  const head = new RegExp(String.raw`^CREATE\s+TABLE\s+${IF_NOT_EXISTS}${NAME}\s*\(`, 'i').exec(body);
  if (!head?.[2]) return refuse(statement, 'CREATE TABLE must name {db}.table and list its columns');
  const ine = head[1] === undefined ? '' : 'IF NOT EXISTS ';
  const name = head[2];
  const open = head[0].length - 1;
  const close = closingParen(body, open);
  if (close < 0) return refuse(statement, 'unbalanced parentheses');
  const columns = body.slice(open + 1, close);
  const rest = body.slice(close + 1).trim();
  const engine = /^ENGINE\s*=\s*([A-Za-z]+)\s*/i.exec(rest);
  if (!engine?.[1] || !MERGE_TREE.test(engine[1])) return refuse(statement, `engine ${engine?.[1] ?? '(none)'} has no replicated form here (use a *MergeTree)`);
  let afterEngine = rest.slice(engine[0].length);
  let args = '';
  if (afterEngine.startsWith('(')) {
    const end = closingParen(afterEngine, 0);
    if (end < 0) return refuse(statement, 'unbalanced engine arguments');
    args = afterEngine.slice(1, end).trim();
    afterEngine = afterEngine.slice(end + 1).trim();
  }
  const shardBy = DIRECTIVE.exec(statement)?.[1] ?? DEFAULT_SHARD_BY[name];
  if (shardBy === undefined) return refuse(statement, `no sharding key for ${name}: put a line "-- shard_by: <expression>" right before its CREATE TABLE`);
  const local = `${name}${LOCAL_SUFFIX}`;
  const replicatedArgs = [`'${replicationPath(local)}'`, `'{replica}'`, ...(args === '' ? [] : [args])].join(', ');
  catalog.set(name, { kind: 'sharded', shardBy });
  return [
    `CREATE TABLE ${ine}{db}.${local} ON CLUSTER ${cluster} (${columns}) ENGINE = Replicated${engine[1]}(${replicatedArgs}) ${afterEngine}`.trim(),
    `CREATE TABLE ${ine}{db}.${name} ON CLUSTER ${cluster} AS {db}.${local} ENGINE = Distributed(${cluster}, {db}, ${local}, ${shardBy})`,
  ];
}

function createMaterializedView(statement: string, body: string, cluster: string, catalog: ClusterCatalog): string[] {
  const m = new RegExp(String.raw`^CREATE\s+MATERIALIZED\s+VIEW\s+${IF_NOT_EXISTS}${NAME}\s+TO\s+${NAME}\s+AS\s+([\s\S]*)$`, 'i').exec(body);
  if (!m?.[2] || !m[3] || m[4] === undefined) return refuse(statement, 'a materialized view needs TO {db}.target (an inner table would not be sharded)');
  const [, ine, name, target, select] = m;
  if (catalog.get(target)?.kind !== 'sharded') return refuse(statement, `the target ${target} is not a table created by an earlier migration`);
  const from = new RegExp(String.raw`\bFROM\s+${NAME}`, 'i').exec(select);
  if (!from?.[1] || catalog.get(from[1])?.kind !== 'sharded') return refuse(statement, 'the view must select FROM a {db} table created by an earlier migration');
  const localSelect = `${select.slice(0, from.index)}FROM {db}.${from[1]}${LOCAL_SUFFIX}${select.slice(from.index + from[0].length)}`;
  catalog.set(name, { kind: 'materialized' });
  return [`CREATE MATERIALIZED VIEW ${ine === undefined ? '' : 'IF NOT EXISTS '}{db}.${name} ON CLUSTER ${cluster} TO {db}.${target}${LOCAL_SUFFIX} AS ${localSelect}`];
}

function createView(statement: string, body: string, cluster: string, catalog: ClusterCatalog): string[] {
  const m = new RegExp(String.raw`^CREATE\s+VIEW\s+${IF_NOT_EXISTS}${NAME}\s+AS\s+([\s\S]*)$`, 'i').exec(body);
  if (!m?.[2] || m[3] === undefined) return refuse(statement, 'CREATE VIEW must name {db}.view');
  catalog.set(m[2], { kind: 'view' });
  return [`CREATE VIEW ${m[1] === undefined ? '' : 'IF NOT EXISTS '}{db}.${m[2]} ON CLUSTER ${cluster} AS ${m[3]}`];
}

function drop(statement: string, body: string, cluster: string, catalog: ClusterCatalog): string[] {
  const m = new RegExp(String.raw`^DROP\s+(?:TABLE|VIEW)\s+(IF\s+EXISTS\s+)?${NAME}\s*$`, 'i').exec(body);
  if (!m?.[2]) return refuse(statement, 'DROP must name one {db} table or view');
  const name = m[2];
  const kind = catalog.get(name)?.kind;
  catalog.delete(name);
  if (kind === 'view' || kind === 'materialized') return [`DROP TABLE ${m[1] === undefined ? '' : 'IF EXISTS '}{db}.${name} ON CLUSTER ${cluster}`];
  // A sharded table, or a name no migration created: the Distributed table first, then the replicas.
  const ie = kind === undefined || m[1] !== undefined ? 'IF EXISTS ' : '';
  return [`DROP TABLE ${ie}{db}.${name} ON CLUSTER ${cluster}`, `DROP TABLE ${ie}{db}.${name}${LOCAL_SUFFIX} ON CLUSTER ${cluster}`];
}

function alter(statement: string, body: string, cluster: string, catalog: ClusterCatalog): string[] {
  const m = new RegExp(String.raw`^ALTER\s+TABLE\s+${NAME}\s+([\s\S]*)$`, 'i').exec(body);
  if (!m?.[1] || m[2] === undefined) return refuse(statement, 'ALTER TABLE must name {db}.table');
  const entry = catalog.get(m[1]);
  if (entry?.kind !== 'sharded' || entry.shardBy === undefined) return refuse(statement, `${m[1]} is not a table created by an earlier migration`);
  const name = m[1];
  const local = `${name}${LOCAL_SUFFIX}`;
  const alterLocal = `ALTER TABLE {db}.${local} ON CLUSTER ${cluster} ${m[2]}`;
  if (!/^(ADD|DROP|MODIFY)\s+COLUMN\b/i.test(m[2])) return [alterLocal]; // data changes (mutations) concern the replicas only
  // The Distributed table carries the column list too, but 18.16 refuses ALTER … ON CLUSTER on a
  // table that is not replicated in a cluster whose shards are: it is made again from the local one.
  return [
    alterLocal,
    `DROP TABLE IF EXISTS {db}.${name} ON CLUSTER ${cluster}`,
    `CREATE TABLE IF NOT EXISTS {db}.${name} ON CLUSTER ${cluster} AS {db}.${local} ENGINE = Distributed(${cluster}, {db}, ${local}, ${entry.shardBy})`,
  ];
}

/** SQL without comment lines (the `-- shard_by:` directive is read from the statement before this). */
function withoutComments(statement: string): string {
  return statement.replace(/^\s*--.*$/gm, '').trim();
}

/**
 * The statements that do on `cluster` what `statement` (one statement of a migration file, `{db}`
 * not yet substituted) does on one server. `catalog` carries what earlier statements created.
 */
export function translateForCluster(statement: string, cluster: string, catalog: ClusterCatalog): string[] {
  const body = withoutComments(statement);
  if (/^CREATE\s+TABLE\b/i.test(body)) return createTable(statement, body, cluster, catalog);
  if (/^CREATE\s+MATERIALIZED\s+VIEW\b/i.test(body)) return createMaterializedView(statement, body, cluster, catalog);
  if (/^CREATE\s+VIEW\b/i.test(body)) return createView(statement, body, cluster, catalog);
  if (/^INSERT\s+INTO\b/i.test(body)) return [body];
  if (/^DROP\s+(TABLE|VIEW)\b/i.test(body)) return drop(statement, body, cluster, catalog);
  if (/^ALTER\s+TABLE\b/i.test(body)) return alter(statement, body, cluster, catalog);
  return refuse(statement, 'no cluster translation for this kind of statement');
}

/** The migrations' own bookkeeping table: one replicated copy on every node (a single shard). */
export function schemaMigrationsTable(cluster: string): string {
  return `CREATE TABLE IF NOT EXISTS {db}.schema_migrations ON CLUSTER ${cluster} (
    version UInt32, name String, checksum String, applied_at DateTime('UTC')
  ) ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{db}/schema_migrations', '{replica}') ORDER BY version`;
}
