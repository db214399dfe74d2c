import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

// Optional CPU profile of one phase of a benchmark (not the whole run: generating and producing the
// input would drown the phase being measured). The file opens in Chrome DevTools; summarise it with
// `npx tsx bench/processors/profile-summary.ts FILE`.

export async function profiled<T>(path: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (path === undefined || path === '') return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
  }
}
