import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../core/auth/api-keys.ts';

export interface BenchCollectorEnv {
  env: NodeJS.ProcessEnv;
  headers: Record<string, string>;
}

/**
 * Environment for the benchmark's collector process: its own topic prefix and port, a fresh API
 * key for platform "bench" (stored hashed, as in production), a throwaway HMAC key, quiet logs.
 */
export function benchCollectorEnv(o: { topicPrefix: string; port: number }): BenchCollectorEnv {
  const key = randomBytes(24).toString('base64url');
  return {
    env: {
      CALLWATCH_KAFKA__TOPIC_PREFIX: o.topicPrefix,
      CALLWATCH_INGEST__PORT: String(o.port),
      CALLWATCH_INGEST__HMAC_KEY: randomBytes(24).toString('hex'),
      CALLWATCH_AUTH__API_KEYS: JSON.stringify([{ name: 'bench', sha256: sha256Hex(key), scopes: ['ingest:bench'] }]),
      CALLWATCH_LOG__LEVEL: 'warn',
    },
    headers: { authorization: `Bearer ${key}` },
  };
}
