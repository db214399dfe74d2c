/**
 * Contact-centre KPIs: the ONE place they are defined (see also core/kpi/definitions.ts, which restates
 * them with a worked example). Both the per-record derivations used at processing time and the SQL
 * expressions used by the weekly KPI query come from here, and the pure reference implementation
 * `kpisOf` is what the hand-worked fixtures test; the ClickHouse query is tested against the same
 * hand-worked answers.
 *
 * A contact is a CDR. Grouping: channel (CDR channel), queue, ISO week of the setup time.
 *
 * - offered     contacts that entered a queue: `queue` is set and not empty.
 * - answered    offered contacts with disposition ANSWERED (answered by a person; validation ensures
 *               an ANSWERED record has an answer time).
 * - abandoned   offered contacts that were not answered: they left the queue before an answer
 *               (caller hung up, gave up, or was timed out). offered = answered + abandoned.
 * - wait        per contact: `queue_wait_ms` when the platform sent it; otherwise answer − setup for an
 *               answered contact and end − setup for an unanswered one.
 * - ASA         mean wait of answered contacts (ms); undefined (NULL) when none was answered.
 * - AHT         mean billable time (answer to end) of answered contacts (ms); NULL when none.
 * - service level  answered contacts whose wait ≤ N s (default 20, inclusive), over offered; NULL
 *               when nothing was offered.
 * - longest wait   the greatest wait of any offered contact, answered or abandoned (ms).
 */
import type { CdrRecord } from '../records.ts';

export function isOffered(cdr: Pick<CdrRecord, 'queue'>): boolean {
  return cdr.queue !== null && cdr.queue !== '';
}

export function isAnswered(cdr: Pick<CdrRecord, 'disposition'>): boolean {
  return cdr.disposition === 'ANSWERED';
}

/** The contact's time in the queue (ms), by the fallback rules above. */
export function queueWaitMs(cdr: Pick<CdrRecord, 'queue_wait_ms' | 'answer_time' | 'setup_time' | 'end_time' | 'disposition'>): number {
  if (cdr.queue_wait_ms !== null) return cdr.queue_wait_ms;
  if (isAnswered(cdr) && cdr.answer_time !== null) return Math.max(0, cdr.answer_time - cdr.setup_time);
  return Math.max(0, cdr.end_time - cdr.setup_time);
}

export interface KpiTotals {
  offered: number;
  answered: number;
  abandoned: number;
  /** Sum of waits of answered contacts (ms): ASA = answeredWaitMs / answered. */
  answeredWaitMs: number;
  /** Sum of billable time of answered contacts (ms): AHT = handleMs / answered. */
  handleMs: number;
  answeredWithinSl: number;
  longestWaitMs: number;
}

export interface Kpis extends KpiTotals {
  asaMs: number | null;
  ahtMs: number | null;
  serviceLevel: number | null;
}

export function withRatios(t: KpiTotals): Kpis {
  return {
    ...t,
    asaMs: t.answered > 0 ? t.answeredWaitMs / t.answered : null,
    ahtMs: t.answered > 0 ? t.handleMs / t.answered : null,
    serviceLevel: t.offered > 0 ? t.answeredWithinSl / t.offered : null,
  };
}

/** Reference implementation over one group's records (already deduplicated). */
export function kpisOf(cdrs: readonly CdrRecord[], serviceLevelSeconds: number): Kpis {
  const t: KpiTotals = { offered: 0, answered: 0, abandoned: 0, answeredWaitMs: 0, handleMs: 0, answeredWithinSl: 0, longestWaitMs: 0 };
  for (const c of cdrs) {
    if (!isOffered(c)) continue;
    const wait = queueWaitMs(c);
    t.offered += 1;
    t.longestWaitMs = Math.max(t.longestWaitMs, wait);
    if (isAnswered(c)) {
      t.answered += 1;
      t.answeredWaitMs += wait;
      t.handleMs += c.billable_ms;
      if (wait <= serviceLevelSeconds * 1000) t.answeredWithinSl += 1;
    } else {
      t.abandoned += 1;
    }
  }
  return withRatios(t);
}

// The same definitions in SQL, over one group's merged set of offered contacts `contacts_set`: tuples
// (platform, cdr_id, is_answered, wait_ms, billable_ms) kept by the queue_week_states aggregate
// (migrations 0300, 0330), where is_answered = isAnswered and wait_ms = queueWaitMs at processing time. A
// contact stored twice is one element of the set, so each counts once. Used by core/read-model.
export const KPI_SQL = {
  offered: 'length(contacts_set)',
  answered: 'arrayCount(x -> x.3 = 1, contacts_set)',
  abandoned: 'arrayCount(x -> x.3 = 0, contacts_set)',
  answeredWaitMs: 'arraySum(x -> x.3 * x.4, contacts_set)',
  handleMs: 'arraySum(x -> x.3 * x.5, contacts_set)',
  answeredWithinSl: (slMs: number): string => `arrayCount(x -> x.3 = 1 AND x.4 <= ${Math.trunc(slMs)}, contacts_set)`,
  longestWaitMs: "arrayReduce('max', arrayMap(x -> x.4, contacts_set))",
} as const;
