import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CallwatchError, errorMessage } from '../errors.ts';
import type { Clickhouse } from './client.ts';
import { schemaMigrationsTable, translateForCluster, type ClusterCatalog } from './cluster-ddl.ts';
import { sql, ident } from './escape.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

/**
 * Migration files are `NNNN_name.sql`, applied in order. `{db}` in a file stands for the database
 * (every table is named in full, as chdb requires). Statements are separated by a line holding only
 * `;` or by `;` at a line's end, and each should be re-runnable (IF NOT EXISTS), so a run that died
 * half-way can simply be repeated. Comment lines are dropped, except a `-- shard_by: <expression>`
 * directive, which stays with the statement it precedes (the sharding key on a cluster,
 * core/clickhouse/cluster-ddl.ts; a comment to a single server).
 */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const m = FILE.exec(file);
    if (!m?.[1] || !m[2]) throw new CallwatchError('CW_ERR_MIGRATION', `${file}: name must be NNNN_lower_snake.sql`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new CallwatchError('CW_ERR_MIGRATION', `${file}: version ${version} used twice`);
    seen.add(version);
    const text = readFileSync(`${dir}${file}`, 'utf8');
    const statements = text
      .split(/;\s*$/m)
      .map((s) => s.replace(/^\s*--(?!\s*shard_by:).*$/gm, '').trim())
      .filter((s) => s.length > 0);
    return { version, name: m[2], checksum: createHash('sha256').update(text).digest('hex'), statements };
  });
}

interface Applied {
  version: number;
  name: string;
  checksum: string;
}

export interface MigrateResult {
  applied: number[];
  skipped: number[];
}

/**
 * The statements to run for each migration, in order: as written on one server; translated on a
 * cluster (every migration is translated, applied or not, so that later ones know what earlier ones created).
 */
export function plannedStatements(migrations: readonly Migration[], cluster: string): string[][] {
  if (cluster === '') return migrations.map((m) => m.statements);
  const catalog: ClusterCatalog = new Map();
  return migrations.map((m) =>
    m.statements.flatMap((statement) => {
      try {
        return translateForCluster(statement, cluster, catalog);
      } catch (err) {
        throw new CallwatchError('CW_ERR_MIGRATION', `${m.version}_${m.name}: ${errorMessage(err)}`, { version: m.version }, { cause: err });
      }
    }),
  );
}

export async function migrate(ch: Clickhouse, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const db = ident(ch.database);
  const cluster = ch.cluster;
  const migrations = readMigrations(dir);
  const planned = plannedStatements(migrations, cluster);
  if (cluster === '') {
    await ch.command(sql`CREATE DATABASE IF NOT EXISTS ${db}`);
    await ch.command(sql`CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (
    version UInt32, name String, checksum String, applied_at DateTime('UTC')
  ) ENGINE = MergeTree ORDER BY version`);
  } else {
    await ch.command(`CREATE DATABASE IF NOT EXISTS ${db.text} ON CLUSTER ${ident(cluster).text}`);
    await ch.command(schemaMigrationsTable(cluster).replaceAll('{db}', ch.database));
  }
  const appliedRows = await ch.query<Applied>(sql`SELECT version, name, checksum FROM ${db}.schema_migrations ORDER BY version`);
  const applied = new Map(appliedRows.map((r) => [r.version, r]));
  const result: MigrateResult = { applied: [], skipped: [] };
  for (const [i, mig] of migrations.entries()) {
    const done = applied.get(mig.version);
    if (done) {
      if (done.checksum !== mig.checksum) {
        throw new CallwatchError('CW_ERR_MIGRATION', `${mig.version}_${mig.name} was changed after it was applied; add a new migration instead`);
      }
      result.skipped.push(mig.version);
      continue;
    }
    for (const statement of planned[i] ?? []) {
      try {
        await ch.command(statement.replaceAll('{db}', ch.database));
      } catch (err) {
        throw new CallwatchError('CW_ERR_MIGRATION', `${mig.version}_${mig.name}: ${errorMessage(err)}`, { version: mig.version }, { cause: err });
      }
    }
    await ch.insert(`${ch.database}.schema_migrations`, [
      { version: mig.version, name: mig.name, checksum: mig.checksum, applied_at: Math.floor(Date.now() / 1000) },
    ]);
    result.applied.push(mig.version);
  }
  return result;
}
