import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { spikesSection } from '../../core/config/sections/spikes.ts';
import { SpikeEvaluator } from '../../processors/spikes/evaluate.ts';
import { dataset } from './dataset.ts';
import { partsSummary, waitForMerges } from './parts.ts';
import { MULT, MULT_INVERSE, NUMBER_BLOCK, OFFSET, type NumberKind } from './population.ts';
import { postSql } from './bulk-insert.ts';
import { argValue, clickhouseConfig, databaseFor, parseCount, writerEndpoint } from './server-config.ts';

// npx tsx bench/scale/amplify.ts --from=10m --copies=10 [--parallel=2] [--settle-max-s=1200]
//
// The 100M data set when generating it in Node is too slow for the machine (on the shared 2-core
// machine the generator got ~5% of a core per worker: 2,000 rows/s). This builds a database of
// `copies` × the source size from a loaded source database, with INSERT … SELECT on the server: copy
// k (0 … copies−1) of every stored CDR and reported-call row — rows exactly as the processors wrote
// them — with disjoint identities (cdr_id / report_id suffixed, reporter pseudonyms re-keyed) and its
// own population (subscriber, nuisance and robocaller number i becomes number i + k·pool of the same
// block: ./population.ts numbering), so every copy is a new set of numbers behaving exactly like the
// source's, and the population grows with the volume as the generator's does. Times, weeks, hours and
// all other columns are kept; the shared WITHHELD bucket and contact-centre queues grow k-fold, as in
// the generator. The target is migrated with the project's migrate() and the inserts go into the
// record tables, so the materialized views fill the identity indexes and aggregates as in production.

const from = parseCount(argValue('from') ?? '10m');
const copies = Number(argValue('copies') ?? 10);
const parallel = Number(argValue('parallel') ?? 2);
const settleMaxS = Number(argValue('settle-max-s') ?? 1200);
const settleIdleS = Number(argValue('settle-idle-s') ?? 60);
const source = databaseFor(from);
const target = databaseFor(from * copies);
const src = dataset(from);
const pools: Readonly<Record<NumberKind, number>> = {
  subscriber: src.population.subscribers,
  nuisance: src.population.nuisanceNumbers,
  robocaller: src.population.robocallers.length,
};
const KIND_OF_DIGIT: Readonly<Record<string, NumberKind>> = { '1': 'subscriber', '2': 'nuisance', '3': 'robocaller' };

const log = (msg: string): void => console.log(`${new Date().toISOString().slice(11, 19)} [${target}] ${msg}`);
const config = clickhouseConfig(target);
const ch = await Clickhouse.connect(config, 'writer');

/** SQL: the copy-k number of a canonical number column (others, e.g. WITHHELD or +44 queue lines, unchanged). */
function numberSql(column: string, k: number): string {
  if (k === 0) return column;
  // OrZero: if() evaluates both branches on every row, WITHHELD included.
  const digits = `toUInt64OrZero(substring(${column}, 6, 8))`;
  const index = `(((${digits} + ${NUMBER_BLOCK - OFFSET}) % ${NUMBER_BLOCK}) * ${MULT_INVERSE} % ${NUMBER_BLOCK})`;
  const shifted = (pool: number): string => `(((${index} + ${k * pool}) * ${MULT} % ${NUMBER_BLOCK} + ${OFFSET}) % ${NUMBER_BLOCK})`;
  const cases = Object.entries(KIND_OF_DIGIT)
    .map(([digit, kind]) => `substring(${column}, 5, 1) = '${digit}', ${shifted(pools[kind])}`)
    .join(', ');
  return `if(startsWith(${column}, '+999') AND length(${column}) = 13,
    concat(substring(${column}, 1, 5), substring(toString(toUInt64(${NUMBER_BLOCK}) + multiIf(${cases}, ${digits})), 2)),
    ${column})`;
}

/** A raw number: the copy's canonical number written the same way ('+…' or without the '+'). */
function rawSql(raw: string, canonical: string, k: number): string {
  if (k === 0) return raw;
  return `if(startsWith(${canonical}, '+999'), if(startsWith(${raw}, '+'), ${numberSql(canonical, k)}, substring(${numberSql(canonical, k)}, 2)), ${raw})`;
}

const suffix = (column: string, k: number): string => (k === 0 ? column : `concat(${column}, '-${k}')`);
/** A 64-hex pseudonym re-keyed for copy k (last byte replaced; '' stays ''). */
const pseudonym = (column: string, k: number): string => (k === 0 ? column : `if(${column} = '', '', concat(substring(${column}, 1, 62), lower(hex(toUInt8(${k})))))`);

const REWRITES: Record<string, Record<string, (k: number) => string>> = {
  cdr_records: {
    cdr_id: (k) => suffix('cdr_id', k),
    caller: (k) => numberSql('caller', k),
    caller_raw: (k) => rawSql('caller_raw', 'caller', k),
    callee: (k) => numberSql('callee', k),
    callee_raw: (k) => rawSql('callee_raw', 'callee', k),
  },
  report_call_records: {
    report_id: (k) => suffix('report_id', k),
    number: (k) => numberSql('number', k),
    number_raw: (k) => rawSql('number_raw', 'number', k),
    reporter_id: (k) => pseudonym('reporter_id', k),
    reporter_number: (k) => pseudonym('reporter_number', k),
  },
};

async function copy(table: string, k: number): Promise<number> {
  // DESCRIBE lists the columns in table order (18.16's system.columns has no position).
  const columns = (await ch.query<{ name: string }>(`DESCRIBE TABLE ${source}.${table}`)).map((c) => c.name);
  const rewrites = REWRITES[table] ?? {};
  const select = columns.map((c) => `${rewrites[c]?.(k) ?? c} AS ${c}`).join(',\n  ');
  const t0 = performance.now();
  await postSql(writerEndpoint(config), `INSERT INTO ${target}.${table} (${columns.join(', ')})\nSELECT ${select}\nFROM ${source}.${table}`);
  const s = (performance.now() - t0) / 1000;
  log(`${table} copy ${k}: ${s.toFixed(0)} s; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  return s;
}

const result = await migrate(ch);
log(`migrated (${result.applied.length} applied); ${copies} copies of ${source} (pools: ${JSON.stringify(pools)})`);
const [existing] = await ch.query<{ n: number }>(`SELECT count() AS n FROM ${target}.cdr_records`);
const only = argValue('jobs')?.split(',');
if (only === undefined && (existing?.n ?? 0) > 0) throw new Error(`${target}.cdr_records already holds rows: DROP DATABASE ${target} first`);

const jobs: { table: string; k: number }[] = [];
for (const table of ['cdr_records', 'report_call_records']) for (let k = 0; k < copies; k++) jobs.push({ table, k });
const queue = only === undefined ? [...jobs] : jobs.filter((j) => only.includes(`${j.table}:${j.k}`));
const started = new Date().toISOString();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: parallel }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await copy(job.table, job.k);
  }),
);
const insertSeconds = (performance.now() - t0) / 1000;
log(`copied in ${insertSeconds.toFixed(0)} s; waiting for background merges to go idle`);
const settle = await waitForMerges(ch, target, { maxSeconds: settleMaxS, idleSeconds: settleIdleS, log });
const parts = await partsSummary(ch, target);
for (const p of parts) log(`${p.table}: ${p.rows.toLocaleString()} rows, ${p.parts} active parts, ${(p.bytes / 1e6).toFixed(1)} MB`);
const s0 = performance.now();
const evaluation = await new SpikeEvaluator(ch, { send: () => Promise.resolve() }, spikesSection.parse({})).evaluate({ toWeek: src.lastWeek, now: new Date() });
const spikeSeconds = (performance.now() - s0) / 1000;
log(`spike evaluation: ${evaluation?.verdicts.length ?? 0} live verdicts in ${spikeSeconds.toFixed(1)} s`);
mkdirSync('bench/results/scale', { recursive: true });
writeFileSync(
  `bench/results/scale/load-${target}.json`,
  `${JSON.stringify({ database: target, amplifiedFrom: source, copies, parallel, started, insertSeconds, settle, parts, spikeEvaluation: { seconds: spikeSeconds, verdicts: evaluation?.verdicts.length ?? 0 }, loadAverageAtEnd: loadavg() }, null, 2)}\n`,
);
await ch.close();
