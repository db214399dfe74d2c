import { describe, expect, it } from 'vitest';
import { loadSchema } from '../../core/avro/schemas.ts';
import { alertKey, alertsFor, type SpikeAlert } from './alert-sink.ts';
import type { SpikeVerdict } from './verdict.ts';

const verdict: SpikeVerdict = { scope: 'overall', key: 'ALL', week: '2016-05-16', observed: 4140, expected: 2574, upper: 3306, score: 12.3, kind: 'LEVEL_SHIFT' };
const at = new Date('2016-05-24T06:00:00Z');

describe('spike alerts', () => {
  it('one alert per added, updated and retracted verdict; refreshed figures alone alert nobody', () => {
    const alerts = alertsFor(
      {
        added: [{ ...verdict, scope: 'number', key: '+447700900123', kind: 'SPIKE' }],
        updated: [{ verdict, previous: { ...verdict, kind: 'SPIKE', version: 1 } }],
        refreshed: [{ ...verdict, key: 'WEB', scope: 'channel' }],
        retracted: [{ ...verdict, key: 'HELPLINE', scope: 'channel', kind: 'SPIKE', version: 1 }],
      },
      at,
    );
    expect(alerts.map((a) => [a.action, a.scope, a.key, a.kind, a.previous_kind])).toEqual([
      ['NEW', 'number', '+447700900123', 'SPIKE', null],
      ['UPDATED', 'overall', 'ALL', 'LEVEL_SHIFT', 'SPIKE'],
      ['RETRACTED', 'channel', 'HELPLINE', 'SPIKE', null],
    ]);
    expect(alerts.every((a) => a.evaluated_at === at.getTime())).toBe(true);
    expect(alertKey(alerts[0] as SpikeAlert)).toBe('number:+447700900123:2016-05-16');
  });

  it('every alert fits schemas/spike_alert.avsc and survives an Avro round trip', () => {
    const { type } = loadSchema('spikeAlert');
    const [alert] = alertsFor({ added: [], updated: [{ verdict, previous: { ...verdict, kind: 'SPIKE', version: 1 } }], refreshed: [], retracted: [] }, at);
    expect(type.isValid(alert)).toBe(true);
    expect({ ...(type.fromBuffer(type.toBuffer(alert)) as SpikeAlert) }).toEqual(alert);
    expect(type.isValid({ ...alert, kind: 'DIP' })).toBe(false);
  });

  it('a DROP (a collapsing channel) and a DROP that became a SPIKE fit the schema too', () => {
    const { type } = loadSchema('spikeAlert');
    const drop: SpikeVerdict = { scope: 'channel', key: 'WEB', week: '2016-06-06', observed: 120, expected: 1985, upper: 1588, score: -18.8, kind: 'DROP' };
    const alerts = alertsFor({ added: [drop], updated: [{ verdict: { ...drop, kind: 'SPIKE' }, previous: { ...drop, version: 1 } }], refreshed: [], retracted: [] }, at);
    for (const alert of alerts) {
      expect(type.isValid(alert)).toBe(true);
      expect({ ...(type.fromBuffer(type.toBuffer(alert)) as SpikeAlert) }).toEqual(alert);
    }
    expect(alerts.map((a) => [a.kind, a.previous_kind])).toEqual([
      ['DROP', null],
      ['SPIKE', 'DROP'],
    ]);
  });
});
