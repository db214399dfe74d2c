import { z } from 'zod';

export const logSection = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type LogConfig = z.infer<typeof logSection>;
