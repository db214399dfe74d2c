import { z } from 'zod';
import type { ApiConfig } from '../../core/config/sections/api.ts';
import { CallwatchError } from '../../core/errors.ts';
import type { ReadModel, WeekFilter } from '../../core/read-model/index.ts';

/** What the look-up routes read with: the read model over the read-only connection, and the configuration. */
export interface LookupContext {
  read: ReadModel;
  config: ApiConfig;
}

export const pageInfoSchema = z.object({
  limit: z.number().int(),
  offset: z.number().int(),
  /** Rows matching, over all pages. */
  total: z.number().int(),
  /** Offset of the next page; null on the last. */
  next_offset: z.number().int().nullable(),
});
export type PageInfo = z.infer<typeof pageInfoSchema>;

export function pageInfo(limit: number, offset: number, total: number, returned: number): PageInfo {
  return { limit, offset, total, next_offset: offset + returned < total ? offset + returned : null };
}

/** A range of weeks as the API names it (from, to: Mondays, inclusive). */
export interface WeekRange {
  from?: string;
  to?: string;
}

/** The read model's filter for a range. */
export function weekFilter(range: WeekRange): WeekFilter {
  return { ...(range.from === undefined ? {} : { fromWeek: range.from }), ...(range.to === undefined ? {} : { toWeek: range.to }) };
}

export const rangeSchema = z.object({ from: z.string().nullable(), to: z.string().nullable() });

/** from ≤ to, when both are given. */
export function checkedRange(from: string | undefined, to: string | undefined): WeekRange {
  if (from !== undefined && to !== undefined && from > to) {
    throw new CallwatchError('CW_ERR_BAD_REQUEST', 'from: must not be after to', { field: 'from', reason: 'range_reversed' });
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** ClickHouse's 'YYYY-MM-DD hh:mm:ss' (UTC) as ISO 8601 with Z. */
export function utcIso(text: string): string {
  return `${text.replace(' ', 'T')}Z`;
}

/** ClickHouse's 'YYYY-MM-DD hh:mm:ss' (UTC) as ISO 8601, or null when there was nothing to date. */
export function seenAt(text: string, count: number): string | null {
  return count > 0 ? utcIso(text) : null;
}
