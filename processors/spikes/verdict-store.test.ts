import { describe, expect, it } from 'vitest';
import { diffVerdicts, type StoredVerdict } from './verdict-store.ts';
import type { SpikeVerdict } from './verdict.ts';

const v = (key: string, overrides: Partial<SpikeVerdict> = {}): SpikeVerdict => ({
  scope: 'number',
  key,
  week: '2016-05-16',
  observed: 20,
  expected: 1,
  upper: 6,
  score: 19,
  kind: 'SPIKE',
  ...overrides,
});
const stored = (x: SpikeVerdict): StoredVerdict => ({ ...x, version: 1 });

describe('diffVerdicts', () => {
  it('sorts a re-evaluation into added, updated (kind or observed), refreshed (baseline figures only), retracted and unchanged', () => {
    const before = [stored(v('same')), stored(v('kind', { scope: 'channel', kind: 'SPIKE' })), stored(v('late')), stored(v('drift')), stored(v('gone'))];
    const now = [v('same'), v('kind', { scope: 'channel', kind: 'LEVEL_SHIFT' }), v('late', { observed: 25 }), v('drift', { expected: 1.5, score: 18 }), v('new')];
    const d = diffVerdicts(before, now);
    expect(d.added.map((x) => x.key)).toEqual(['new']);
    expect(d.updated.map((u) => [u.verdict.key, u.previous.kind, u.verdict.kind, u.verdict.observed])).toEqual([
      ['kind', 'SPIKE', 'LEVEL_SHIFT', 20],
      ['late', 'SPIKE', 'SPIKE', 25],
    ]);
    expect(d.refreshed.map((x) => x.key)).toEqual(['drift']);
    expect(d.retracted.map((x) => x.key)).toEqual(['gone']);
  });

  it('tells series apart by week and scope as well as key', () => {
    const d = diffVerdicts([stored(v('k'))], [v('k', { week: '2016-05-23' }), v('k', { scope: 'channel' })]);
    expect(d.added).toHaveLength(2);
    expect(d.retracted).toHaveLength(1);
  });

  it('nothing changes when nothing changed', () => {
    expect(diffVerdicts([stored(v('a'))], [v('a')])).toEqual({ added: [], updated: [], refreshed: [], retracted: [] });
  });
});
