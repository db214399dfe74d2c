import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The local stack's ports and dev credentials live in stack/ports.env, read by both stack.sh and
// this module (or the file CALLWATCH_STACK_PORTS_FILE names, for both), so the defaults every service uses always match what `npm run stack up` starts.
const PORTS_FILE = process.env.CALLWATCH_STACK_PORTS_FILE ?? fileURLToPath(new URL('../../stack/ports.env', import.meta.url));

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2].trim();
  }
  return out;
}

const values = parseEnvFile(readFileSync(PORTS_FILE, 'utf8'));

/** A value only a cluster's ports file sets (stack/cluster-ports.env); `fallback` for a single-node stack. */
function optional(name: string, fallback: string): string {
  return values[name] ?? fallback;
}

function need(name: string): string {
  const v = values[name];
  if (v === undefined) throw new Error(`stack/ports.env lacks ${name}`);
  return v;
}

export const stackDefaults = {
  kafkaBrokers: optional('KAFKA_BROKERS', `127.0.0.1:${need('KAFKA_PORT')}`),
  /** Replication factor and min.insync.replicas of the topics the services create (1 on one broker). */
  kafkaReplicationFactor: Number(optional('KAFKA_REPLICATION_FACTOR', '1')),
  kafkaMinInsyncReplicas: Number(optional('KAFKA_MIN_INSYNC_REPLICAS', '1')),
  /** ClickHouse cluster (remote_servers) the migrations create tables on; '' = one server. */
  clickhouseCluster: optional('CLICKHOUSE_CLUSTER', ''),
  registryUrl: `http://127.0.0.1:${need('REGISTRY_PORT')}/apis/ccompat/v7`,
  clickhouseUrl: `http://127.0.0.1:${need('CLICKHOUSE_HTTP_PORT')}`,
  clickhouseWriterUser: need('CLICKHOUSE_WRITER_USER'),
  clickhouseWriterPassword: need('CLICKHOUSE_WRITER_PASSWORD'),
  clickhouseReaderUser: need('CLICKHOUSE_READER_USER'),
  clickhouseReaderPassword: need('CLICKHOUSE_READER_PASSWORD'),
} as const;
