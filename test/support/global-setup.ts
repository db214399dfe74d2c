import { loadConfig } from '../../core/config/load.ts';

// Integration tests need the local stack (npm run stack -- up). Fail early with the fix in the message.
export default async function setup(): Promise<void> {
  const config = loadConfig();
  const checks: [string, string][] = [
    ['ClickHouse', `${config.clickhouse.url}/ping`],
    ['schema registry', `${config.registry.url}/subjects`],
  ];
  for (const [name, url] of checks) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch (err) {
      throw new Error(`${name} is not reachable at ${url} (${String(err)}). Start the local stack first: npm run stack -- up`);
    }
  }
}
