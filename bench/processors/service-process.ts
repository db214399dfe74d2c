import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, watchPeakRss } from '../ingest/proc-status.ts';

// The processor as production runs it, for the throughput benchmark: its own node process, from the
// production build (`npm run build`, `node dist/processors/main.js`), configured by environment
// variables like any deployment. In the benchmark's own process the processor shared a heap with
// the benchmark's 200,000 generated records: about 700 MB that every full garbage collection marked
// again (2.6 of its 6 s of Node CPU were the collector's), and an RSS that was mostly not its own.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ProcessorProcess {
  pid: number;
  /** CPU seconds the process has used so far (all its threads, librdkafka's included). */
  cpuSeconds: () => number;
  /** A counter or gauge from its /metrics, summed over the series whose labels contain `labels`. */
  metric: (name: string, labels?: string) => Promise<number>;
  /** SIGTERM (drain, commit, close), bounded; returns the peak RSS in MiB. */
  stop: () => Promise<number | undefined>;
}

/** Starts `node dist/processors/main.js` with `env` on top of this process's environment and waits until /readyz says yes. */
export async function startProcessorProcess(env: Record<string, string>, opsPort: number): Promise<ProcessorProcess> {
  // BENCH_PROCESSOR_NODE_FLAGS: node flags for the processor only (e.g. --cpu-prof --cpu-prof-dir=DIR),
  // after those of `npm run start:processors`.
  const flags = [...startFlags(), ...(process.env.BENCH_PROCESSOR_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '')];
  const child = spawn(process.execPath, [...flags, 'dist/processors/main.js'], {
    cwd: ROOT,
    env: { ...process.env, ...env, CALLWATCH_PROCESSORS__HTTP_PORT: String(opsPort) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const pid = child.pid ?? -1;
  const rss = watchPeakRss(pid);
  const base = `http://127.0.0.1:${opsPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`processor exited with ${child.exitCode} before it was ready (did \`npm run build\` run?):\n${err}`);
    const ok = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`processor not ready within 60 s:\n${err}`);
    }
    await sleep(100);
  }
  return {
    pid,
    cpuSeconds: () => cpuSeconds(pid) ?? Number.NaN,
    metric: async (name, labels = '') => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return text
        .split('\n')
        .filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(labels))
        .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    },
    stop: async () => {
      const peak = rss.stop();
      child.kill('SIGTERM');
      if ((await Promise.race([exited.then(() => 'exited' as const), sleep(30_000).then(() => 'timeout' as const)])) === 'timeout') child.kill('SIGKILL');
      return peak;
    },
  };
}

/** The node flags of package.json's `start:processors` (`node <flags> dist/processors/main.js`), the one home of how production starts it. */
function startFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (scripts['start:processors'] ?? '').split(' ').filter((w) => w !== '');
  if (words[0] !== 'node' || words.at(-1) !== 'dist/processors/main.js') throw new Error(`package.json start:processors is not \`node [flags] dist/processors/main.js\`: ${words.join(' ')}`);
  return words.slice(1, -1);
}
