import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, peakRssMiB, threadCpuSeconds, watchPeakRss, type ThreadGroup } from './proc-status.ts';

export interface CollectorProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Sends SIGTERM, waits for exit (bounded), returns the collector's peak RSS in MiB. */
  stop: () => Promise<number | undefined>;
  /** The collector's peak RSS so far, in MiB. */
  peakRss: () => number | undefined;
  /** CPU seconds the collector has used so far (all its threads). */
  cpuSeconds: () => number | undefined;
  /** The same by thread group (main thread, librdkafka, V8 helpers, libuv). */
  threadCpuSeconds: () => Record<ThreadGroup, number> | undefined;
  output: () => string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * How the collector runs: 'dist' as production runs it (`npm run build`'s compiled JavaScript,
 * `node dist/ingest/main.js`), 'tsx' from the TypeScript sources through the tsx loader (as in
 * development; its loader adds ~40 MiB of RSS).
 */
export type CollectorRuntime = 'dist' | 'tsx';

/**
 * The node flags production starts the collector with: those of `npm run start:ingest` in `root`'s
 * package.json (`node <flags> dist/ingest/main.js`), so that the bench measures what runs.
 */
export function productionNodeFlags(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (manifest.scripts?.['start:ingest'] ?? '').split(/\s+/).filter(Boolean);
  if (words[0] !== 'node' || !words.includes('dist/ingest/main.js')) throw new Error(`${root}package.json: start:ingest is not "node [flags] dist/ingest/main.js"`);
  return words.slice(1, words.indexOf('dist/ingest/main.js'));
}

/**
 * Starts one collector as its own node process (node itself, so the PID is the collector and
 * /proc/<pid>/status gives its own peak RSS), with production's node flags and then `nodeFlags`, and
 * waits until /readyz says yes.
 */
export async function startCollector(root: string, env: NodeJS.ProcessEnv, port: number, runtime: CollectorRuntime, nodeFlags: readonly string[] = []): Promise<CollectorProcess> {
  const entry = runtime === 'dist' ? ['dist/ingest/main.js'] : ['--import', 'tsx', 'ingest/main.ts'];
  const child = spawn(process.execPath, [...productionNodeFlags(root), ...nodeFlags, ...entry], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (c: Buffer): void => {
    out = (out + c.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const rss = watchPeakRss(child.pid ?? -1);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collector exited with ${child.exitCode} before it was ready:\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`collector not ready within 60 s:\n${out}`);
    }
    await sleep(200);
  }
  return {
    child,
    baseUrl,
    output: () => out,
    peakRss: () => peakRssMiB(child.pid ?? -1),
    cpuSeconds: () => cpuSeconds(child.pid ?? -1),
    threadCpuSeconds: () => threadCpuSeconds(child.pid ?? -1),
    stop: async () => {
      const peak = rss.stop();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') child.kill('SIGKILL');
      return peak;
    },
  };
}
