import { readdirSync, readFileSync } from 'node:fs';

/**
 * Peak resident set size (VmHWM, "high water mark") of a running process in MiB, from Linux
 * /proc/<pid>/status; undefined once the process is gone or off Linux.
 */
export function peakRssMiB(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return m?.[1] === undefined ? undefined : Math.round(Number(m[1]) / 1024);
}

/** Polls the peak RSS while a process runs (the last reading before exit is the peak). */
export function watchPeakRss(pid: number, everyMs = 250): { stop: () => number | undefined } {
  let last = peakRssMiB(pid);
  const timer = setInterval(() => {
    last = peakRssMiB(pid) ?? last;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      last = peakRssMiB(pid) ?? last;
      return last;
    },
  };
}

/**
 * CPU time a process has used so far (user + system, all its threads: for the collector also
 * librdkafka's), in seconds, from /proc/<pid>/stat; undefined once it is gone or off Linux. Unlike
 * throughput, CPU per record barely depends on what else the machine's cores are doing.
 */
export function cpuSeconds(pid: number, ticksPerSecond = 100): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces) in parentheses: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / ticksPerSecond : undefined;
}

/** A process's threads grouped by what they are (from /proc/<pid>/task/<tid>/comm). */
export type ThreadGroup = 'main' | 'librdkafka' | 'helpers' | 'other';

function threadGroup(tid: number, pid: number, comm: string): ThreadGroup {
  if (tid === pid) return 'main';
  if (comm.startsWith('rdk:')) return 'librdkafka';
  // Node (20) names its other threads after itself: V8's platform workers (parallel scavenge,
  // concurrent marking, compilation), libuv's pool, and worker threads (the collector's CDR
  // preparation threads), which it gives no name of their own.
  if (comm === 'node') return 'helpers';
  return 'other';
}

/**
 * CPU seconds per thread group (user + system) of a running process: the collector's main thread
 * (the event loop: parsing, validation, encoding, produce calls) apart from librdkafka's threads
 * (compression, the broker protocol) and Node's other threads (V8's GC and compiler, libuv's pool,
 * and the CDR preparation threads: ingest.prepareThreads).
 * Threads that already ended are missing (their time is only in cpuSeconds's total).
 */
export function threadCpuSeconds(pid: number, ticksPerSecond = 100): Record<ThreadGroup, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const out: Record<ThreadGroup, number> = { main: 0, librdkafka: 0, helpers: 0, other: 0 };
  for (const t of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const comm = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const s = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
      if (Number.isFinite(s)) out[threadGroup(Number(t), pid, comm)] += s;
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}
