import { readFileSync } from 'node:fs';

// Where the stack's Prometheus and Alertmanager listen (stack/ports.env, or the file
// CALLWATCH_STACK_PORTS_FILE names, as stack.sh reads it), and whether they answer.

function stackPort(root: string, name: string): string | undefined {
  const file = process.env.CALLWATCH_STACK_PORTS_FILE ?? `${root}stack/ports.env`;
  try {
    return new RegExp(`^${name}=(\\d+)\\s*$`, 'm').exec(readFileSync(file, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** Lines for the main job's closing list: Prometheus (targets, alerts) and Alertmanager. */
export async function monitoringLines(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const [label, name, path] of [
    ['Prometheus          ', 'PROMETHEUS_PORT', '/alerts'],
    ['Alertmanager        ', 'ALERTMANAGER_PORT', ''],
  ] as const) {
    const port = stackPort(root, name);
    if (port === undefined) continue;
    const url = `http://127.0.0.1:${port}`;
    out.push(`  ${label} ${url}${path}${(await ready(url)) ? '' : '   (not running: npm run stack -- up)'}`);
  }
  return out;
}
