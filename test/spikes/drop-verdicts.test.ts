import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { diffVerdicts, readLiveVerdicts, writeVerdictChanges } from '../../processors/spikes/verdict-store.ts';
import type { SpikeVerdict } from '../../processors/spikes/verdict.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// Migration 0150 adds DROP to spike_verdicts.kind: a DROP verdict is stored, read back through the
// verdict store, and replaced by a later kind, on both engines.
describe.each(ENGINES)('DROP verdicts in spike_verdicts on %s', (engine) => {
  const config = testConfig(uniqueTag(`spikes_drop_${engine}`), engine);
  let ch: Clickhouse;

  beforeAll(async () => {
    ch = await Clickhouse.connect(config.clickhouse, 'writer');
    await migrate(ch);
  });

  afterAll(async () => {
    await dropTestDatabase(ch, ch.database);
    await ch.close();
  });

  it('stores and reads back a DROP, then its replacement', async () => {
    const drop: SpikeVerdict = { scope: 'channel', key: 'WEB', week: '2026-11-02', observed: 80, expected: 1000, upper: 800, score: -18.4, kind: 'DROP' };
    await writeVerdictChanges(ch, diffVerdicts([], [drop]), 1, new Date('2026-11-09T00:00:00Z'));
    const stored = await readLiveVerdicts(ch, '2026-11-02', '2026-11-02');
    expect(stored.map(({ scope, key, week, observed, upper, kind }) => ({ scope, key, week, observed, upper, kind }))).toEqual([
      { scope: 'channel', key: 'WEB', week: '2026-11-02', observed: 80, upper: 800, kind: 'DROP' },
    ]);
    const shift: SpikeVerdict = { ...drop, observed: 2000, upper: 1200, score: 20, kind: 'LEVEL_SHIFT' };
    await writeVerdictChanges(ch, diffVerdicts(stored, [shift]), 2, new Date('2026-11-10T00:00:00Z'));
    expect((await readLiveVerdicts(ch, '2026-11-02', '2026-11-02')).map((v) => v.kind)).toEqual(['LEVEL_SHIFT']);
  });
});
