import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { Clickhouse } from '../../core/clickhouse/client.ts';
import { ident, sql, sqlString } from '../../core/clickhouse/escape.ts';
import type { Config } from '../../core/config/schema.ts';
import type { CdrRecord } from '../../core/records.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { auditAggregates } from '../support/aggregate-audit.ts';
import { numberCdrTruth } from '../support/generate.ts';
import { auth, startHarness, type Harness } from '../ingest/harness.ts';
import { ProcessorChild, processorEnv, REPO_ROOT } from '../processors/support.ts';

// Shared by the cluster tests (stack.sh up --cluster; vitest project `cluster`, npm run test:cluster).
// Everything is read through the processors' own aggregate functions (processors/aggregates/) and
// through system tables, so the tests follow the storage wherever its tables are named.

const run = promisify(execFile);

/** A cluster node by name (stack/cluster.sh): zookeeper, ch1-ch4, kafka1-kafka3, registry. */
export async function clusterNode(command: 'kill' | 'start' | 'stop', node: string): Promise<void> {
  await run('bash', [`${REPO_ROOT}stack/stack.sh`, command, '--cluster', node], { cwd: REPO_ROOT, timeout: 180_000 });
}

/** ClickHouse servers of the cluster: HTTP URL per node, in shard order (ch1 ch2 = shard 1, ch3 ch4 = shard 2). */
export function clickhouseNodes(): { node: string; url: string; shard: number }[] {
  const ports = (process.env.CLUSTER_CLICKHOUSE_HTTP_PORTS ?? '25121,25122,25123,25124').split(',');
  return ports.map((p, i) => ({ node: `ch${i + 1}`, url: `http://127.0.0.1:${p}`, shard: Math.floor(i / 2) + 1 }));
}

/** One statement on one node, as the stack's admin user (default, loopback only). */
export async function onNode(url: string, statement: string): Promise<string> {
  const res = await fetch(`${url}/?database=default`, { method: 'POST', body: statement, signal: AbortSignal.timeout(120_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${text.slice(0, 300)}`);
  return text;
}

/** Lines of a TSV answer, without the empty last one. */
async function lines(url: string, statement: string): Promise<string[]> {
  return (await onNode(url, statement)).split('\n').filter((l) => l !== '');
}

/**
 * Active parts of a replicated table on one node that ZooKeeper does not list for that replica. One
 * can be left when ZooKeeper is lost in the middle of an insert's commit (`Code: 319 Unknown status,
 * client must retry`) and the part stays on the replica that wrote it: 18.16's part check detaches
 * such a part as `unexpected_` only once it is 300 s old (MAX_AGE_OF_LOCAL_PART_THAT_WASNT_ADDED_TO_ZOOKEEPER,
 * ReplicatedMergeTreePartCheckThread). Modern ClickHouse looks the part up in Keeper after the
 * connection is back and rolls it back when it is not there (ReplicatedMergeTreeSink).
 */
async function unregisteredParts(url: string, database: string, table: string): Promise<string[]> {
  const where = `database = ${sqlString(database)} AND table = ${sqlString(table)}`;
  const [replicaPath] = await lines(url, `SELECT replica_path FROM system.replicas WHERE ${where}`);
  if (replicaPath === undefined) throw new Error(`${url}: ${database}.${table} is not a replicated table`);
  const registered = new Set(await lines(url, `SELECT name FROM system.zookeeper WHERE path = ${sqlString(`${replicaPath}/parts`)}`));
  return (await lines(url, `SELECT name FROM system.parts WHERE ${where} AND active ORDER BY name`)).filter((p) => !registered.has(p));
}

/** What compareReplicas found: differences between the replicas of a shard, and parts only one replica holds. */
export interface ReplicaComparison {
  /** One line per table and shard whose replicas differ, with the parts only one of them has ('' = none). */
  differences: string;
  /** `node table part` of every active part ZooKeeper does not list (see unregisteredParts). */
  unregistered: string[];
}

/** One replica's view of one table: its active parts (name → rows), those ZooKeeper does not list, and its rows' fingerprint. */
interface ReplicaState {
  node: string;
  parts: Map<string, string>;
  fingerprint: string;
}

/**
 * Waits until every replicated table of the database replicates on every node: not read-only, its
 * ZooKeeper session live, every replica active. A replica restarted after SIGKILL stays read-only
 * until ZooKeeper expires its old session ("Replica ... appears to be already active", up to the
 * session timeout), and one whose session expired with ZooKeeper re-initialises; meanwhile its queue
 * is not loaded, SYSTEM SYNC REPLICA returns at once, and its parts lag the other replica's (merges
 * not done, so ReplacingMergeTree copies not yet merged away).
 */
export async function waitForActiveReplicas(database: string, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    const lagging: string[] = [];
    for (const n of clickhouseNodes()) {
      const rows = await lines(
        n.url,
        `SELECT table, is_readonly, is_session_expired, active_replicas, total_replicas FROM system.replicas WHERE database = ${sqlString(database)} AND (is_readonly OR is_session_expired OR active_replicas < total_replicas)`,
      );
      lagging.push(...rows.map((r) => `${n.node} ${r.replaceAll('\t', ' ')}`));
    }
    if (lagging.length === 0) return;
    if (Date.now() >= until) throw new Error(`replicas not active after ${withinMs} ms (node table is_readonly is_session_expired active total): ${lagging.join('; ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Both replicas of each shard hold the same rows, table by table, once every replica is active
 * (waitForActiveReplicas) and after SYSTEM SYNC REPLICA on each (replication is asynchronous). Compared: row count and an order-independent hash of all columns of
 * every replicated table of the database, over the parts ZooKeeper lists for the replica. A part it
 * does not list (an 18.16 insert cut off from ZooKeeper, see unregisteredParts) is reported apart, and
 * is a difference unless every row of it, by the table's sorting key, is also in the replica's listed
 * parts: that is, unless it is a copy of rows the re-sent insert stored.
 */
export async function compareReplicas(database: string): Promise<ReplicaComparison> {
  const nodes = clickhouseNodes();
  const first = nodes[0];
  if (!first) throw new Error('no ClickHouse nodes');
  await waitForActiveReplicas(database, 120_000);
  const tables = await lines(first.url, `SELECT name, sorting_key FROM system.tables WHERE database = ${sqlString(database)} AND engine LIKE 'Replicated%' AND name != 'schema_migrations' ORDER BY name`);
  const diffs: string[] = [];
  const unregistered: string[] = [];
  for (const line of tables) {
    const [table = '', sortingKey = ''] = line.split('\t');
    // Every column but aggregate states (they have no text form on 18.16; their row count still compares).
    const columns = (await lines(first.url, `SELECT name, type FROM system.columns WHERE database = ${sqlString(database)} AND table = ${sqlString(table)} ORDER BY name`))
      .map((l) => l.split('\t') as [string, string])
      .filter(([, type]) => !type.startsWith('AggregateFunction'))
      .map(([name, type]) => (type.startsWith('Nullable') ? `ifNull(toString(${ident(name).text}), 'NULL')` : `toString(${ident(name).text})`));
    const q = `${ident(database).text}.${ident(table).text}`;
    const byShard = new Map<number, ReplicaState[]>();
    for (const n of nodes) {
      await onNode(n.url, `SYSTEM SYNC REPLICA ${q}`);
      const extra = await unregisteredParts(n.url, database, table);
      const listed = extra.length === 0 ? '1' : `_part NOT IN (${extra.map(sqlString).join(', ')})`;
      if (extra.length > 0) {
        unregistered.push(...extra.map((p) => `${n.node} ${table} ${p}`));
        const key = `cityHash64(${sortingKey})`;
        const unmatched = (await onNode(n.url, `SELECT count() FROM ${q} WHERE NOT (${listed}) AND ${key} NOT IN (SELECT ${key} FROM ${q} WHERE ${listed})`)).trim();
        if (unmatched !== '0') diffs.push(`${table} on ${n.node}: ${unmatched} rows of parts ZooKeeper does not list (${extra.join(', ')}) are in no listed part`);
      }
      const parts = new Map(
        (await lines(n.url, `SELECT name, rows FROM system.parts WHERE database = ${sqlString(database)} AND table = ${sqlString(table)} AND active`))
          .map((l) => l.split('\t') as [string, string])
          .filter(([name]) => !extra.includes(name)),
      );
      const fingerprint = (await onNode(n.url, `SELECT count(), ${columns.length === 0 ? '0' : `sum(cityHash64(${columns.join(', ')}))`} FROM ${q} WHERE ${listed}`)).trim().replace('\t', ' ');
      byShard.set(n.shard, [...(byShard.get(n.shard) ?? []), { node: n.node, parts, fingerprint }]);
    }
    for (const [shard, replicas] of byShard) {
      if (new Set(replicas.map((r) => r.fingerprint)).size === 1) continue;
      // Which parts differ says what replication did not finish (a fetch, a merge) or did twice.
      const only = replicas.map((r) => {
        const mine = [...r.parts].filter(([name, rows]) => replicas.some((o) => o !== r && o.parts.get(name) !== rows));
        return `${r.node} (${r.fingerprint}) only: ${mine.map(([name, rows]) => `${name} ${rows} rows`).join(', ') || 'none'}`;
      });
      diffs.push(`${table} shard ${shard}: ${only.join('; ')}`);
    }
  }
  return { differences: diffs.join('\n'), unregistered };
}

/**
 * compareReplicas, repeated every 10 s while the replicas still differ, for at most `withinMs`.
 * ClickHouse repairs some states after a failure only in its background checks (a part a replica
 * could not fetch is looked for again, and declared lost if no replica has it; a part ZooKeeper does
 * not list is detached after 300 s), so the cluster is judged once it has had that time. Each
 * difference seen is logged.
 */
export async function replicasConverged(database: string, withinMs: number): Promise<ReplicaComparison> {
  const until = Date.now() + withinMs;
  for (;;) {
    const got = await compareReplicas(database);
    if (got.differences === '' || Date.now() >= until) return got;
    console.info(`replicas still differ, checking again in 10 s:\n${got.differences}`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
}

/** Both replicas of each shard hold the same rows, and no replica holds a part ZooKeeper does not list ('' = so). */
export async function replicaDifferences(database: string): Promise<string> {
  const { differences, unregistered } = await compareReplicas(database);
  return [differences, ...unregistered.map((u) => `part not in ZooKeeper: ${u}`)].filter((d) => d !== '').join('\n');
}

/** Weekly CDR series per number, stored vs the truth of the generated CDRs, and every aggregate vs the stored records ('' = equal). */
export async function cdrAggregatesDiff(ch: Clickhouse, cdrs: readonly CdrRecord[]): Promise<string> {
  const agg = new ReadModel(ch);
  const got = (await agg.numberCdrWeeks()).map((w) => ({ number: w.number, week: w.week, calls: w.calls, callees: w.callees, answered_calls: w.answered_calls, short_calls: w.short_calls }));
  const want = numberCdrTruth(cdrs);
  const audit = await auditAggregates(ch);
  if (!audit.ok) return audit.problems.join('; ');
  if (JSON.stringify(got) === JSON.stringify(want)) return '';
  const key = (r: { number: string; week: string }): string => `${r.number} ${r.week}`;
  const wantBy = new Map(want.map((w) => [key(w), JSON.stringify(w)]));
  const wrong = got.filter((g) => wantBy.get(key(g)) !== JSON.stringify(g));
  return `${got.length} number-weeks vs ${want.length} expected; ${wrong.length} differ, e.g. got ${JSON.stringify(wrong[0])} want ${wrong[0] ? wantBy.get(key(wrong[0])) : 'none'}`;
}

/** Calls stored so far, summed over the weekly series (each stored record counts once). */
export async function storedCalls(ch: Clickhouse): Promise<number> {
  const agg = new ReadModel(ch);
  return (await agg.numberCdrWeeks()).reduce((s, w) => s + w.calls, 0);
}

/** Records stored per identity more than once after deduplication (must be 0): read through the aggregates' own table. */
export async function duplicateIdentities(ch: Clickhouse, recordTable: string): Promise<number> {
  const rows = await ch.query<{ n: number }>(
    sql`SELECT count() AS n FROM (SELECT platform, cdr_id, count() AS c FROM ${ident(ch.database)}.${ident(recordTable)} FINAL GROUP BY platform, cdr_id HAVING c > 1)`,
  );
  return rows[0]?.n ?? 0;
}

/** The body a platform posts for a generated CDR (the collector derives durations and normalises numbers). */
export function nativeCdr(c: CdrRecord): Record<string, unknown> {
  return {
    cdr_id: c.cdr_id, setup_time: c.setup_time, answer_time: c.answer_time, end_time: c.end_time, caller: c.caller, callee: c.callee,
    direction: c.direction, disposition: c.disposition, queue: c.queue, queue_wait_ms: c.queue_wait_ms, agent: c.agent, channel: c.channel, hangup_cause: c.hangup_cause,
  };
}

export interface LoadResult {
  requests: number;
  /** Answers other than 2xx (or no answer), each followed by a retry of the same body. */
  retried: number;
  statuses: Record<string, number>;
}

/**
 * A platform pushing CDRs over HTTP: batches, `concurrency` in flight, each batch sent again until a
 * 2xx answers it (the collector answers 2xx only once Kafka has acknowledged every record of it).
 * `onProgress` sees the number of batches acknowledged so far (to inject a failure mid-load);
 * `pauseMs` between batches spreads the load over time, so that the failure hits it while it flows.
 */
export async function pushUntilAcknowledged(
  url: string,
  cdrs: readonly CdrRecord[],
  batchSize: number,
  concurrency: number,
  pauseMs: number,
  onProgress?: (acked: number) => void,
): Promise<LoadResult> {
  const batches: string[] = [];
  for (let i = 0; i < cdrs.length; i += batchSize) batches.push(JSON.stringify(cdrs.slice(i, i + batchSize).map(nativeCdr)));
  const result: LoadResult = { requests: 0, retried: 0, statuses: {} };
  let next = 0;
  let acked = 0;
  const worker = async (): Promise<void> => {
    for (let b = next++; b < batches.length; b = next++) {
      for (;;) {
        result.requests += 1;
        let status = 0;
        try {
          const res = await fetch(`${url}/v1/cdrs`, { method: 'POST', headers: { ...auth('pbx'), 'content-type': 'application/json' }, body: batches[b], signal: AbortSignal.timeout(60_000) });
          status = res.status;
          await res.arrayBuffer();
        } catch {
          status = 0;
        }
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) break;
        result.retried += 1;
        await new Promise((r) => setTimeout(r, 250));
      }
      acked += 1;
      onProgress?.(acked);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}

/** A collector on the cluster listening on a free port (the harness of the ingest tests), with generous rate limits. */
export async function startCollector(label: string): Promise<{ harness: Harness; url: string }> {
  const harness = await startHarness(label, { rateLimitPerSecond: 10_000, rateLimitBurst: 10_000, ackTimeoutMs: 20_000, retryAfterSeconds: 1 });
  const app: FastifyInstance = harness.app;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('collector has no port');
  return { harness, url: `http://127.0.0.1:${address.port}` };
}

/** A processors/main.ts child on the cluster, on the collector's topics and its own database. */
export function startProcessor(config: Config, instanceId: string, extra: Record<string, string> = {}): ProcessorChild {
  return new ProcessorChild(
    processorEnv(config, {
      CALLWATCH_STACK_PORTS_FILE: process.env.CALLWATCH_STACK_PORTS_FILE ?? '',
      CALLWATCH_PROCESSORS__GROUP_ID: `${config.kafka.topicPrefix}processors`,
      CALLWATCH_PROCESSORS__BATCH_SIZE: '2000',
      ...(instanceId === '' ? {} : { CALLWATCH_PROCESSORS__GROUP_INSTANCE_ID: instanceId }),
      ...extra,
    }),
  );
}

/** The leader broker (node id) of partition 0 of `topic`. */
export async function leaderOf(harness: Harness, topic: string): Promise<number> {
  const md = await harness.producer.metadata();
  const leader = md.topics.find((t) => t.name === topic)?.partitions.find((p) => p.id === 0)?.leader;
  if (leader === undefined) throw new Error(`no leader for ${topic}/0`);
  return leader;
}

export async function dropDatabase(ch: Clickhouse): Promise<void> {
  await ch.command(`DROP DATABASE IF EXISTS ${ident(ch.database).text} ON CLUSTER ${ident(ch.cluster).text}`);
}
