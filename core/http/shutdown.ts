import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';

/**
 * Graceful stop of a service process on SIGTERM/SIGINT: logs `announce`, runs `stop` (close the
 * app, flush, close clients) and exits 0; exits 1 if stop fails or outlasts `timeoutMs`.
 * A second signal while stopping is ignored.
 */
export function stopOnSignals(o: { logger: Logger; timeoutMs: number; announce: string; stop: () => Promise<void> }): void {
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    o.logger.info({ signal }, o.announce);
    const deadline = setTimeout(() => {
      o.logger.error('shutdown timed out');
      process.exit(1);
    }, o.timeoutMs);
    deadline.unref();
    try {
      await o.stop();
      o.logger.info('stopped');
      process.exit(0);
    } catch (err) {
      o.logger.error({ err: errorMessage(err) }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
