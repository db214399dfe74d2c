import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CallwatchError, ERROR_CODES, type ErrorCode } from '../../core/errors.ts';
import type { CountryCode } from '../../core/phone/normalise.ts';
import type { Logger } from '../../core/log.ts';
import { prepareCdrs, type CdrBodyJob, type CdrPreparationContext, type PreparedCdrs } from './prepare-cdrs.ts';

/**
 * Where CDR bodies are read, checked and encoded (prepare-cdrs.ts): on the event loop, or on
 * preparation threads so that the event loop only moves bytes (HTTP, Kafka) and the collector uses
 * more than one core (ingest.prepareThreads; bench/README.md, "Issue 13: preparation threads").
 */
export interface CdrPreparer {
  prepare(job: CdrBodyJob): Promise<PreparedCdrs>;
  /** Body bytes handed over and not prepared yet: the collector sheds past ingest.shedPreparingBytes. */
  readonly queuedBytes: number;
  /** Every thread is up (always, on the event loop). */
  readonly ready: boolean;
  close(): Promise<void>;
}

/** Preparation on the event loop (ingest.prepareThreads = 0). */
export class InlineCdrPreparer implements CdrPreparer {
  readonly queuedBytes = 0;
  readonly ready = true;

  constructor(private readonly ctx: CdrPreparationContext) {}

  prepare(job: CdrBodyJob): Promise<PreparedCdrs> {
    try {
      return Promise.resolve(prepareCdrs(job, this.ctx));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** What a thread is started with (workerData). */
export interface PrepareThreadData {
  cdrSchemaId: number;
  defaultRegion: CountryCode;
  maxRecordsPerRequest: number;
  futureSkewSeconds: number;
  maxTextLength: number;
}

/** Event loop → thread: a job whose body's memory moves with it. */
export interface JobMessage {
  id: number;
  job: Omit<CdrBodyJob, 'body'> & { body: Uint8Array };
}

/** A failure as it crosses threads: a CallwatchError by its code, anything else by its message. */
export type PrepareFailure = { code: ErrorCode; detail?: string; details: Record<string, unknown> } | { message: string; stack?: string };

/** Thread → event loop. */
export type ReplyMessage = { ready: true } | { id: number; prepared: PreparedCdrs } | { id: number; failure: PrepareFailure };

interface PendingJob {
  bytes: number;
  resolve: (prepared: PreparedCdrs) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  jobs: Map<number, PendingJob>;
}

export interface ThreadCdrPreparerOptions extends PrepareThreadData {
  threads: number;
  logger: Logger;
  /** The thread's module: prepare-thread.ts (tests give one that fails on purpose). */
  entry?: URL;
}

/**
 * Preparation on `threads` worker threads. A job goes to the thread with the fewest jobs; the body's
 * memory is transferred, not copied, when the body owns it, and so are the encoded values on the way
 * back. A thread that dies fails its jobs (500: the client sends again, nothing was produced) and is
 * replaced. node-rdkafka is not loadable in worker threads, so producing stays on the event loop.
 */
export class ThreadCdrPreparer implements CdrPreparer {
  private readonly threads: Thread[] = [];
  private nextId = 0;
  private bytes = 0;
  private closing = false;

  constructor(private readonly options: ThreadCdrPreparerOptions) {
    for (let i = 0; i < options.threads; i++) this.threads.push(this.start());
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  get ready(): boolean {
    return this.threads.every((t) => t.ready);
  }

  prepare(job: CdrBodyJob): Promise<PreparedCdrs> {
    if (this.closing) return Promise.reject(new CallwatchError('CW_ERR_INGEST_OVERLOADED', 'shutting down'));
    let thread = this.threads[0] as Thread;
    for (const t of this.threads) if (t.jobs.size < thread.jobs.size) thread = t;
    const id = ++this.nextId;
    // A body in Buffer's shared pool (small ones) or a slice of a larger allocation is copied into
    // memory of its own: transferring the shared memory would take it from its other users.
    const owned = job.body.byteOffset === 0 && job.body.byteLength === job.body.buffer.byteLength;
    const body = owned ? job.body : new Uint8Array(job.body);
    const bytes = body.byteLength;
    return new Promise<PreparedCdrs>((resolve, reject) => {
      thread.jobs.set(id, { bytes, resolve, reject });
      this.bytes += bytes;
      const message: JobMessage = { id, job: { ...job, body } };
      thread.worker.postMessage(message, [body.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private start(): Thread {
    const { threads: _threads, logger: _logger, entry = prepareThreadEntry(), ...data } = this.options;
    const worker = startThread(entry, data);
    const thread: Thread = { worker, ready: false, jobs: new Map() };
    worker.on('message', (reply: ReplyMessage) => {
      if ('ready' in reply) {
        thread.ready = true;
        return;
      }
      const job = thread.jobs.get(reply.id);
      if (!job) return;
      thread.jobs.delete(reply.id);
      this.bytes -= job.bytes;
      if ('prepared' in reply) job.resolve(reply.prepared);
      else job.reject(failureError(reply.failure));
    });
    let dead = false;
    const died = (why: string): void => {
      if (this.closing || dead) return;
      dead = true;
      this.options.logger.error({ why, jobs: thread.jobs.size }, 'CDR preparation thread died; replacing it');
      for (const job of thread.jobs.values()) {
        this.bytes -= job.bytes;
        job.reject(new Error(`CDR preparation thread died: ${why}`));
      }
      thread.jobs.clear();
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads[index] = this.start();
      void worker.terminate();
    };
    worker.on('error', (err) => died(err.message));
    worker.on('exit', (code) => died(`exited with ${code}`));
    return thread;
  }
}

/** The CallwatchError (or Error) a thread's failure stands for. */
function failureError(failure: PrepareFailure): Error {
  if ('code' in failure && failure.code in ERROR_CODES) return new CallwatchError(failure.code, failure.detail, failure.details);
  const err = new Error('message' in failure ? failure.message : 'CDR preparation failed');
  if ('stack' in failure && failure.stack !== undefined) err.stack = failure.stack;
  return err;
}

/**
 * A thread's young generation. Everything a body becomes dies within its job, so a young generation
 * of a few bodies' garbage suffices; V8's default (as large as the main thread's, 32 MiB with the
 * collector's heap) cost ~20 MiB of peak RSS for no measurable speed, 8 MiB more CPU per CDR
 * (bench/README.md, "Issue 13: preparation threads").
 */
const PREPARE_THREAD_YOUNG_GENERATION_MB = 16;

/**
 * The thread's entry is this module's sibling: compiled JavaScript in production; run from the
 * TypeScript sources (development, tests), the thread loads them through tsx's API, as the main
 * thread was (a worker does not inherit `--import tsx`'s hooks on Node 20).
 */
function prepareThreadEntry(): URL {
  return new URL(`./prepare-thread.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
}

function startThread(entry: URL, data: PrepareThreadData): Worker {
  const fromSources = entry.pathname.endsWith('.ts');
  const options = { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: PREPARE_THREAD_YOUNG_GENERATION_MB } };
  if (!fromSources) return new Worker(entry, options);
  const tsxApi = tsxEsmApi();
  const boot = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}));`;
  return new Worker(boot, { ...options, eval: true });
}

/** tsx's ESM API module (`tsx/esm/api` as an import sees it; require.resolve would give its CommonJS twin). */
function tsxEsmApi(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } | string }> };
  const target = manifest.exports?.['./esm/api']?.import;
  const file = typeof target === 'string' ? target : target?.default;
  if (file === undefined) throw new Error(`tsx ${manifestPath}: no ESM entry for tsx/esm/api`);
  return pathToFileURL(join(dirname(manifestPath), file)).href;
}
