import type { z } from 'zod';
import { loadServiceConfig } from '../config/load.ts';
import { errorMessage } from '../errors.ts';
import { createLogger, type Logger } from '../log.ts';

// One lifecycle for every service process (collectors, investigator API, stream processors, spike
// detection): configure → connect → ready → serve → drain → close.
//   configure  the service's own configuration schema (refining the shared one) is checked once,
//              before anything connects; an invalid configuration exits 2 naming the key;
//   connect    clients, topics, schema registrations, migrations;
//   serve      listen or start the loop; the service reports ready itself (/readyz);
//   drain      on SIGTERM/SIGINT (or when serving ends by itself): stop taking work, finish the work
//              in hand (in-flight requests and their Kafka acks, the processors' batch);
//   close      clients, after draining. Past `stopTimeoutMs` the process exits 1 without waiting.
// A signal that arrives while connecting is honoured as soon as serving starts.

export interface Serving {
  /** Stop taking work and finish the work in hand. */
  drain(): Promise<void>;
  /** Resolves with an exit code when serving ends by itself (a one-shot run, a loop that returned). */
  finished?: Promise<number>;
}

export interface ServiceSpec<C, R> {
  name: string;
  schema: z.ZodType<C>;
  logLevel(config: C): string;
  /** How long drain and close may take before the process exits 1. */
  stopTimeoutMs(config: C): number;
  connect(config: C, log: Logger): Promise<R>;
  serve(resources: R, config: C, log: Logger): Serving | Promise<Serving>;
  close(resources: R, config: C): Promise<void>;
}

/** Runs a service process through the lifecycle and exits when it is over. */
export async function runService<C, R>(spec: ServiceSpec<C, R>): Promise<never> {
  let config: C;
  try {
    config = loadServiceConfig(spec.schema);
  } catch (err) {
    process.stderr.write(`${spec.name}: ${errorMessage(err)}\n`);
    process.exit(2);
  }
  const log = createLogger(spec.name, spec.logLevel(config));

  let signalled: (signal: NodeJS.Signals) => void = () => undefined;
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
  const onSignal = (signal: NodeJS.Signals): void => signalled(signal);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  let resources: R | undefined;
  try {
    resources = await spec.connect(config, log);
    const serving = await spec.serve(resources, config, log);
    const ended = await Promise.race([stopRequested.then((signal) => ({ signal })), (serving.finished ?? new Promise<never>(() => undefined)).then((code) => ({ code }))]);
    const backstop = setTimeout(() => {
      log.error('stop timed out; exiting without waiting for the work in hand');
      process.exit(1);
    }, spec.stopTimeoutMs(config));
    backstop.unref();
    let code = 0;
    if ('signal' in ended) {
      log.info({ signal: ended.signal }, 'stopping: no new work, finishing the work in hand');
      await serving.drain();
    } else {
      code = ended.code;
    }
    await spec.close(resources, config);
    // After a drain nothing taken is left unfinished: the processors' offsets are committed, the collectors' acks sent.
    log.info('stopped cleanly');
    process.exit(code);
  } catch (err) {
    log.error({ err: errorMessage(err) }, 'service failed');
    if (resources !== undefined) {
      const closing = spec.close(resources, config).catch(() => undefined);
      await Promise.race([closing, new Promise((r) => setTimeout(r, spec.stopTimeoutMs(config)).unref())]);
    }
    process.exit(1);
  }
}
