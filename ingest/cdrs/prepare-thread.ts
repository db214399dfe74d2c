// A CDR preparation thread (cdr-preparer.ts starts it): reads, checks and encodes the bodies the
// collector's event loop hands it, one at a time, and hands back what is to be produced. Its state
// is its own number memo; everything else arrives with the job.
import { parentPort, workerData } from 'node:worker_threads';
import { framerFor } from '../../core/avro/serde.ts';
import { isCallwatchError } from '../../core/errors.ts';
import { NumberNormaliser } from '../validation/numbers.ts';
import type { JobMessage, PrepareThreadData, ReplyMessage } from './cdr-preparer.ts';
import { prepareCdrs, type CdrPreparationContext } from './prepare-cdrs.ts';

const port = parentPort;
if (!port) throw new Error('prepare-thread.ts runs only as a worker thread (ingest/cdrs/cdr-preparer.ts starts it)');
const data = workerData as PrepareThreadData;
const ctx: CdrPreparationContext = {
  maxRecordsPerRequest: data.maxRecordsPerRequest,
  futureSkewSeconds: data.futureSkewSeconds,
  maxTextLength: data.maxTextLength,
  numbers: new NumberNormaliser(data.defaultRegion),
  write: framerFor('cdr', data.cdrSchemaId),
};

port.on('message', (message: JobMessage) => {
  const { id, job } = message;
  let reply: ReplyMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    const prepared = prepareCdrs({ ...job, body: Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength) }, ctx);
    reply = { id, prepared };
    transfer = [prepared.values.buffer as ArrayBuffer, prepared.ends.buffer as ArrayBuffer];
  } catch (err) {
    reply = {
      id,
      failure: isCallwatchError(err)
        ? { code: err.code, ...(err.detail === undefined ? {} : { detail: err.detail }), details: { ...err.details } }
        : { message: err instanceof Error ? err.message : String(err), ...(err instanceof Error && err.stack !== undefined ? { stack: err.stack } : {}) },
    };
  }
  port.postMessage(reply, transfer);
});
port.postMessage({ ready: true } satisfies ReplyMessage);
