import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/** The demo's secrets: made once per stack folder, kept (mode 0600) so re-runs reuse them. */
export interface DemoCredentials {
  hmacKey: string;
  /** Key name → raw API key. */
  keys: Record<string, string>;
}

const REPORT_CHANNELS = ['HELPLINE', 'API', 'LIVE_CHAT', 'WEB'] as const;

export function demoCredentials(dir: string, platforms: readonly string[]): DemoCredentials {
  const file = `${dir}/credentials.json`;
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
  mkdirSync(dir, { recursive: true });
  const key = () => randomBytes(24).toString('base64url');
  const keys: Record<string, string> = { investigator: key() };
  for (const p of platforms) keys[p] = key();
  for (const c of REPORT_CHANNELS) keys[`reports-${c}`] = key();
  const creds = { hmacKey: randomBytes(32).toString('base64url'), keys };
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return creds;
}

function scopesFor(name: string): string[] {
  if (name === 'investigator') return ['investigate'];
  if (name.startsWith('reports-')) return [`report:${name.slice('reports-'.length)}`];
  return [`ingest:${name}`];
}

/** The configuration file the demo's services read (CALLWATCH_CONFIG_FILE): keys stored hashed. */
export function writeDemoConfig(dir: string, creds: DemoCredentials, spikes: { evaluateWeeks: number }): string {
  const file = `${dir}/config.json`;
  const apiKeys = Object.entries(creds.keys).map(([name, raw]) => ({
    name,
    sha256: createHash('sha256').update(raw).digest('hex'),
    scopes: scopesFor(name),
    // The replay pushes weeks of traffic in a minute or two: far above a live platform's rate.
    rateLimitPerSecond: 100_000,
    rateLimitBurst: 100_000,
  }));
  const config = { ingest: { hmacKey: creds.hmacKey }, auth: { apiKeys }, spikes: { evaluateWeeks: spikes.evaluateWeeks } };
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  return file;
}
