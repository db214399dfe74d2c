import { clickhouseSection, type ClickhouseConfig } from '../../core/config/sections/clickhouse.ts';
import type { ServerEndpoint } from './bulk-insert.ts';

// The benchmark's ClickHouse server (bench/scale/server.sh: a private 18.16 on port 26023 unless
// SCALE_CH_URL says otherwise) and the database of one size, with the stack's users.

export const SCALE_URL = process.env.SCALE_CH_URL ?? 'http://127.0.0.1:26023';

export function databaseFor(cdrs: number): string {
  return `scale_${cdrs >= 1_000_000 && cdrs % 1_000_000 === 0 ? `${cdrs / 1_000_000}m` : String(cdrs)}`;
}

export function clickhouseConfig(database: string): ClickhouseConfig {
  return clickhouseSection.parse({ url: SCALE_URL, database, requestTimeoutMs: 600_000 });
}

export function writerEndpoint(config: ClickhouseConfig): ServerEndpoint {
  return { url: config.url, user: config.user, password: config.password };
}

/** `--name=value` arguments. */
export function argValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** 1m / 10m / 100m / 250000 → a count. */
export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m?.[1]) throw new Error(`not a count: ${JSON.stringify(text)} (write 1m, 10m, 100m or digits)`);
  const unit = m[2]?.toLowerCase() === 'm' ? 1_000_000 : m[2]?.toLowerCase() === 'k' ? 1_000 : 1;
  return Math.round(Number(m[1]) * unit);
}
