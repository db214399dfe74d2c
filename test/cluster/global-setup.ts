import { execFileSync } from 'node:child_process';

// The cluster tests need the cluster stack (npm run stack -- up --cluster) and run against it only.
export default function setup(): void {
  try {
    const status = execFileSync('bash', ['stack/stack.sh', 'status', '--cluster'], { encoding: 'utf8' });
    const stopped = status.split('\n').filter((l) => /^(zookeeper|ch\d|kafka\d|registry)\s+stopped/.test(l));
    if (stopped.length > 0) throw new Error(`not running: ${stopped.map((l) => l.split(/\s+/)[0]).join(', ')}`);
  } catch (err) {
    throw new Error(`The cluster stack is not up (${err instanceof Error ? err.message : String(err)}). Start it first: npm run stack -- up --cluster`);
  }
}
