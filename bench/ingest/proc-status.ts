import { readFileSync } from 'node:fs';

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
