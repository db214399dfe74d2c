import { describe, expect, it } from 'vitest';
import { WeekCalendar } from '../weeks.ts';
import { kpisOf, queueWaitMs } from './definitions.ts';
import { KPI_DUPLICATE, KPI_EXPECTED_SL20, KPI_FIXTURE, KPI_SL10_VOICE_WEEK1 } from './fixtures.ts';

const weeks = new WeekCalendar('Europe/London');

function group(channel: string, queue: string, week: string) {
  return KPI_FIXTURE.filter((c) => c.channel === channel && c.queue === queue && weeks.locate(c.setup_time).weekStart === week);
}

describe('KPI definitions on the hand-worked fixture', () => {
  it.each(KPI_EXPECTED_SL20)('$channel / $queue / $week', (e) => {
    const k = kpisOf(group(e.channel, e.queue, e.week), 20);
    expect({ offered: k.offered, answered: k.answered, abandoned: k.abandoned, asaMs: k.asaMs, ahtMs: k.ahtMs, serviceLevel: k.serviceLevel, longestWaitMs: k.longestWaitMs }).toEqual({
      offered: e.offered,
      answered: e.answered,
      abandoned: e.abandoned,
      asaMs: e.asaMs,
      ahtMs: e.ahtMs,
      serviceLevel: e.serviceLevel,
      longestWaitMs: e.longestWaitMs,
    });
  });

  it('moves the service level with the threshold (10 s: 1 of 6)', () => {
    expect(kpisOf(group('VOICE', 'billing', '2024-01-08'), 10).serviceLevel).toBe(KPI_SL10_VOICE_WEEK1);
  });

  it('derives the wait from answer or end time when the platform sent none', () => {
    const c = KPI_FIXTURE.find((x) => x.cdr_id === 'C');
    const e = KPI_FIXTURE.find((x) => x.cdr_id === 'E');
    if (!c || !e) throw new Error('fixture changed');
    expect(queueWaitMs(c)).toBe(15_000);
    expect(queueWaitMs(e)).toBe(90_000);
    expect(queueWaitMs(KPI_DUPLICATE)).toBe(10_000);
  });

  it('does not count a contact that never entered a queue', () => {
    const g = KPI_FIXTURE.filter((x) => x.cdr_id === 'G');
    expect(kpisOf(g, 20).offered).toBe(0);
    expect(kpisOf(g, 20).serviceLevel).toBeNull();
  });
});
