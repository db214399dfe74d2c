// A CDR preparation thread that dies (exits) on a body reading "die" and otherwise runs the real
// thread: ingest/cdrs/cdr-preparer.test.ts checks what the collector does when a thread dies.
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { JobMessage } from '../../ingest/cdrs/cdr-preparer.ts';

const port = parentPort as MessagePort;
const on = port.on.bind(port);
// The real thread's message listener, with the check in front of it.
port.on = ((event: string, listener: (message: JobMessage) => void) =>
  on(event, (message: JobMessage) => {
    if (event === 'message' && Buffer.from(message.job.body).toString() === 'die') process.exit(3);
    listener(message);
  })) as MessagePort['on'];
await import('../../ingest/cdrs/prepare-thread.ts');
