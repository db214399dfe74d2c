import { readFileSync } from 'node:fs';

// CPU time, for benchmarks on a shared machine: wall-clock rates move with whatever else runs, CPU
// seconds per record much less.

/** User + system CPU seconds of this process so far. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** User + system CPU seconds of another process (Linux /proc), or null without a pid. */
export function processCpuSeconds(pid: string | undefined): number | null {
  if (pid === undefined) return null;
  // Fields after the "(comm)" field: state is the 3rd field overall; utime and stime are the 14th and 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100; // USER_HZ is 100 on Linux
}
