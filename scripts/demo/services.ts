import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, rmSync } from 'node:fs';

/**
 * The pipeline's services, started detached with their PID files and logs in the stack folder, so
 * that `npm run stack -- down` (stack/stack.sh) stops them along with the stack.
 */
export interface ServiceSpec {
  name: 'ingest' | 'processors' | 'spikes' | 'api';
  entry: string;
  args?: readonly string[];
  /** URL that answers 200 once the service is ready. */
  readyUrl: string;
}

export class Services {
  constructor(
    private readonly root: string,
    private readonly stackDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private pidFile(name: string): string {
    return `${this.stackDir}/run/${name}.pid`;
  }

  /** The PID if the service from a previous run still runs (its command line names the entry). */
  running(spec: ServiceSpec): number | undefined {
    const file = this.pidFile(spec.name);
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes(spec.entry) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stops a running copy (SIGTERM, then SIGKILL after `graceMs`). */
  async stop(spec: ServiceSpec, graceMs = 20_000): Promise<void> {
    const pid = this.running(spec);
    if (pid !== undefined) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (this.running(spec) !== undefined && Date.now() < deadline) await sleep(100);
      if (this.running(spec) !== undefined) process.kill(pid, 'SIGKILL');
    }
    rmSync(this.pidFile(spec.name), { force: true });
  }

  async start(spec: ServiceSpec, timeoutMs = 60_000): Promise<number> {
    mkdirSync(`${this.stackDir}/run`, { recursive: true });
    mkdirSync(`${this.stackDir}/logs`, { recursive: true });
    const logPath = `${this.stackDir}/logs/${spec.name}.out`;
    const log = openSync(logPath, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', spec.entry, ...(spec.args ?? [])], {
      cwd: this.root,
      env: this.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${spec.name} did not start`);
    writeFileSync(this.pidFile(spec.name), `${pid}\n`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.running(spec) === undefined) throw new Error(`${spec.name} exited during start-up; see ${logPath}:\n${tail(logPath)}`);
      try {
        const res = await fetch(spec.readyUrl, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return pid;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`${spec.name} not ready after ${timeoutMs} ms; see ${logPath}:\n${tail(logPath)}`);
  }
}

function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
