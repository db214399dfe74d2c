import { z } from 'zod';
import { stackDefaults } from '../stack-defaults.ts';
import { envInt } from './common.ts';

export const registrySection = z.strictObject({
  /** Confluent-compatible API root (Apicurio: …/apis/ccompat/v7). */
  url: z.url().default(() => stackDefaults().registryUrl),
  timeoutMs: envInt(100, 120_000).default(5_000),
});
export type RegistryConfig = z.infer<typeof registrySection>;
