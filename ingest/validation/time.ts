// Event times arrive as ISO-8601 with an explicit offset ("2016-05-17T09:00:00+01:00", "…Z") or as
// integer epoch milliseconds. Local times without offset are refused: their instant is unknowable.

import { EARLIEST_EVENT_MS } from '../../core/record-invariants.ts';

/** Earliest event time accepted (the record contract's): anything earlier is almost always epoch seconds sent as ms. */
export const MIN_EVENT_TIME_MS = EARLIEST_EVENT_MS;

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch ms of an ISO-8601 time with offset, or undefined when the text is not one (incl. 2016-02-30). */
export function parseIsoWithOffset(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, off] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let offsetMin = 0;
  if (off && off.toUpperCase() !== 'Z') {
    const sign = off.startsWith('-') ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2) || '0');
    if (oh > 18 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

export type TimeCheck = { ok: true; ms: number } | { ok: false; reason: 'invalid_time' | 'time_out_of_range' | 'future_time'; detail?: string };

/** Parses and range-checks one event time against the collector's clock. */
export function checkEventTime(value: number | string, nowMs: number, futureSkewMs: number): TimeCheck {
  let ms: number | undefined;
  if (typeof value === 'number') ms = Number.isSafeInteger(value) ? value : undefined;
  else ms = parseIsoWithOffset(value.trim());
  if (ms === undefined) return { ok: false, reason: 'invalid_time' };
  if (ms < MIN_EVENT_TIME_MS) return { ok: false, reason: 'time_out_of_range' };
  if (ms > nowMs + futureSkewMs) return { ok: false, reason: 'future_time', detail: `more than ${Math.round(futureSkewMs / 1000)} s ahead` };
  return { ok: true, ms };
}

/**
 * Epoch ms of a wall-clock time in an IANA zone (Asterisk writes local times). In a DST overlap
 * the earlier instant is taken; in a DST gap the time is read with the offset before the gap.
 */
export function zonedToEpochMs(parts: { year: number; month: number; day: number; hour: number; minute: number; second: number }, timeZone: string): number {
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return asUtc;
  // The offsets in force half a day either side cover any one transition.
  const before = offsetMs(asUtc - 43_200_000, timeZone);
  const after = offsetMs(asUtc + 43_200_000, timeZone);
  const valid = [before, after].map((o) => asUtc - o).filter((t) => asUtc - offsetMs(t, timeZone) === t);
  return valid.length > 0 ? Math.min(...valid) : asUtc - before;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in ms. */
function offsetMs(instant: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(instant))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - Math.floor(instant / 1000) * 1000;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * Epoch ms of a wall-clock "YYYY-MM-DD hh:mm:ss" in a zone (how Asterisk and most switches write
 * local times), or undefined when the text is not one or names no real date (2016-02-30).
 */
export function parseLocalDateTime(text: string, timeZone: string): number | undefined {
  const m = LOCAL_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  return zonedToEpochMs({ year, month, day, hour, minute, second }, timeZone);
}
