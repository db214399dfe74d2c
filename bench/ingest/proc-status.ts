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
