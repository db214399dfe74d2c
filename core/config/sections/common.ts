import { z } from 'zod';

// Leaves accept strings too, because environment variables are strings.
export const envBool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  return v;
}, z.boolean());

export const envInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const port = envInt(1, 65535);
