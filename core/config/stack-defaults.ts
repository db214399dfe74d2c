import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The local stack's ports and dev credentials live in stack/ports.env, read by both stack.sh and
// this module (or the file CALLWATCH_STACK_PORTS_FILE names, for both), so the defaults every service
// uses always match what `npm run stack up` starts. Read when a default is first needed (the config
// sections' defaults are functions), never at import: importing configuration code reads no file, and
// CALLWATCH_STACK_PORTS_FILE set after the import still counts.

export interface StackDefaults {
  kafkaBrokers: string;
  /** Replication factor and min.insync.replicas of the topics the services create (1 on one broker). */
  kafkaReplicationFactor: number;
  kafkaMinInsyncReplicas: number;
  /** ClickHouse cluster (remote_servers) the migrations create tables on; '' = one server. */
  clickhouseCluster: string;
  registryUrl: string;
  clickhouseUrl: string;
  clickhouseWriterUser: string;
  clickhouseWriterPassword: string;
  clickhouseReaderUser: string;
  clickhouseReaderPassword: string;
}

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2].trim();
  }
  return out;
}

function portsFile(): string {
  return process.env.CALLWATCH_STACK_PORTS_FILE ?? fileURLToPath(new URL('../../stack/ports.env', import.meta.url));
}

const read = new Map<string, StackDefaults>();

/** The defaults of the stack whose ports file is in force now (read once per file). */
export function stackDefaults(): StackDefaults {
  const file = portsFile();
  const hit = read.get(file);
  if (hit) return hit;
  const values = parseEnvFile(readFileSync(file, 'utf8'));
  const need = (name: string): string => {
    const v = values[name];
    if (v === undefined) throw new Error(`${file} lacks ${name}`);
    return v;
  };
  /** A value only a cluster's ports file sets (stack/cluster-ports.env); `fallback` for a single-node stack. */
  const optional = (name: string, fallback: string): string => values[name] ?? fallback;
  const defaults: StackDefaults = {
    kafkaBrokers: optional('KAFKA_BROKERS', `127.0.0.1:${need('KAFKA_PORT')}`),
    kafkaReplicationFactor: Number(optional('KAFKA_REPLICATION_FACTOR', '1')),
    kafkaMinInsyncReplicas: Number(optional('KAFKA_MIN_INSYNC_REPLICAS', '1')),
    clickhouseCluster: optional('CLICKHOUSE_CLUSTER', ''),
    registryUrl: `http://127.0.0.1:${need('REGISTRY_PORT')}/apis/ccompat/v7`,
    clickhouseUrl: `http://127.0.0.1:${need('CLICKHOUSE_HTTP_PORT')}`,
    clickhouseWriterUser: need('CLICKHOUSE_WRITER_USER'),
    clickhouseWriterPassword: need('CLICKHOUSE_WRITER_PASSWORD'),
    clickhouseReaderUser: need('CLICKHOUSE_READER_USER'),
    clickhouseReaderPassword: need('CLICKHOUSE_READER_PASSWORD'),
  };
  read.set(file, defaults);
  return defaults;
}
