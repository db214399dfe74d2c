import type { Clickhouse, ReadOptions } from '../../core/clickhouse/client.ts';

// Timing helpers for the scale benchmark.

/** Nearest-rank quantile (q in 0..1) of a sample; NaN for an empty one. */
export function quantile(sample: readonly number[], q: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/**
 * The same client, with every query prefixed by `/* bench:<run>:<tag> *\/` so system.query_log can
 * tell which measurement a query belonged to. The read model only calls query() and reads
 * `database`, so the proxy is transparent to it. Tags are short ids; nameOf() maps one back.
 */
export function taggedClient(ch: Clickhouse, runId: string): { ch: Clickhouse; setTag(name: string): void; nameOf(tag: string): string } {
  let tag = 'none';
  const names = new Map<string, string>();
  const proxy = new Proxy(ch, {
    get(target, prop, receiver) {
      if (prop === 'query') return <T>(text: string, options?: ReadOptions): Promise<T[]> => target.query<T>(`/* bench:${runId}:${tag} */ ${text}`, options);
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    ch: proxy,
    setTag(name: string) {
      tag = `q${names.size}`;
      names.set(tag, name);
    },
    nameOf: (t: string) => names.get(t) ?? t,
  };
}
