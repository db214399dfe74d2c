import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroSerde } from '../../core/avro/serde.ts';
import { Clickhouse } from '../../core/clickhouse/client.ts';
import { migrate } from '../../core/clickhouse/migrate.ts';
import { ident, sql } from '../../core/clickhouse/escape.ts';
import { deleteTopic, ensureTopics, projectTopics } from '../../core/kafka/admin.ts';
import { BatchConsumer } from '../../core/kafka/consumer.ts';
import { KafkaProducer } from '../../core/kafka/producer.ts';
import { metricsRegistry } from '../../core/metrics.ts';
import { topicName } from '../../core/kafka/topics.ts';
import { SpikeAlertSink, type SpikeAlert } from '../../processors/spikes/alert-sink.ts';
import { SpikeEvaluator } from '../../processors/spikes/evaluate.ts';
import { loadSpikeInput } from '../../processors/spikes/weekly-series.ts';
import { ReadModel } from '../../core/read-model/index.ts';
import { weekRange } from '../../core/weeks.ts';
import { ENGINES, testConfig, uniqueTag } from '../support/env.ts';
import { dropTestDatabase } from '../support/drop-database.ts';

// The evaluator end to end on each ClickHouse engine: report rows seeded straight into the processors'
// `report_call_records` table, verdicts read back from the `spikes` view, alerts read back from the topic.
//
// Scenario (weeks from Monday 4 January 2016): 30 numbers get 4 helpline reports a week; in week 8 a
// robocaller gets 40; from week 10 a new WEB channel adds 4 reports to every number (the stream
// doubles). Expected: the robocaller's week is a number SPIKE; the launch is a LEVEL_SHIFT of WEB and
// of the whole stream (first a provisional SPIKE while week 10 is the newest), and no number spikes.

const WEEKS = weekRange('2016-01-04', 12);
const week = (i: number): string => WEEKS[i] ?? '';
const ROBOCALLER = '+447700900999';
const numbers = Array.from({ length: 30 }, (_, i) => `+4477009001${String(i).padStart(2, '0')}`);

let nextReport = 0;
function reportRow(number: string, channel: string, weekIndex: number): Record<string, unknown> {
  const id = `r-${++nextReport}`;
  // Tuesday 12:00 UTC of the week.
  const at = Math.floor(Date.parse(`${week(weekIndex)}T12:00:00Z`) / 1000) + 86_400;
  return {
    report_id: id,
    call_index: 0,
    call_count: 1,
    submitted_at: at,
    report_week: week(weekIndex),
    channel,
    reporter_id: `reporter-${id}`,
    reporter_number: '',
    number,
    number_raw: number,
    call_time: at,
    call_week: week(weekIndex),
    call_hour_of_week: 36,
    call_type: 'RECORDED_MESSAGE',
    organisation: '',
    subject: '',
    description: '',
    received_at: at,
    version: at * 1000,
    kafka_partition: 0,
    kafka_offset: nextReport,
  };
}

function weekRows(weekIndex: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const n of numbers) {
    for (let k = 0; k < 4; k++) rows.push(reportRow(n, 'HELPLINE', weekIndex));
    if (weekIndex >= 10) for (let k = 0; k < 4; k++) rows.push(reportRow(n, 'WEB', weekIndex));
  }
  if (weekIndex === 8) for (let k = 0; k < 40; k++) rows.push(reportRow(ROBOCALLER, 'HELPLINE', weekIndex));
  return rows;
}

interface ViewRow {
  week: string;
  scope: string;
  key: string;
  kind: string;
  observed: number;
}

describe.each(ENGINES)('spike evaluator on %s', (engine) => {
  const tag = uniqueTag(`spikes_${engine}`);
  const config = testConfig(tag, engine);
  let ch: Clickhouse;
  let producer: KafkaProducer;
  let consumer: BatchConsumer;
  const serde = AvroSerde.fromConfig(config.registry);
  let evaluator: SpikeEvaluator;
  let sink: SpikeAlertSink;

  beforeAll(async () => {
    ch = await Clickhouse.connect(config.clickhouse, 'writer');
    await migrate(ch);
    await ensureTopics(config.kafka, projectTopics(config.kafka, ['alerts']));
    producer = await KafkaProducer.connect(config.kafka);
    sink = await SpikeAlertSink.create(producer, serde, config.kafka);
    evaluator = new SpikeEvaluator(ch, sink, config.spikes);
    consumer = await BatchConsumer.connect(config.kafka, { groupId: `${tag}-alerts`, topics: [topicName(config.kafka, 'alerts')] });
  });

  afterAll(async () => {
    await consumer.close();
    await producer.close();
    await deleteTopic(config.kafka, topicName(config.kafka, 'alerts')).catch(() => undefined);
    await dropTestDatabase(ch, ch.database);
    await ch.close();
  });

  async function readAlerts(count: number): Promise<SpikeAlert[]> {
    const out: SpikeAlert[] = [];
    const deadline = Date.now() + 20_000;
    while (out.length < count && Date.now() < deadline) {
      for (const m of await consumer.consumeBatch(100)) {
        if (m.value) out.push((await serde.decode('spikeAlert', m.value)).value);
      }
    }
    // Nothing beyond what was expected.
    for (const m of await consumer.consumeBatch(100)) if (m.value) out.push((await serde.decode('spikeAlert', m.value)).value);
    return out;
  }

  async function view(): Promise<string[]> {
    const rows = await ch.query<ViewRow>(
      sql`SELECT toString(week) AS week, toString(scope) AS scope, key AS key, toString(kind) AS kind, observed AS observed FROM ${ident(ch.database)}.spikes`,
    );
    return rows.map((r) => `${r.week} ${r.scope} ${r.key} ${r.kind} ${r.observed}`).sort();
  }

  const brief = (alerts: readonly SpikeAlert[]): string[] =>
    alerts.map((a) => `${a.action} ${a.week} ${a.scope} ${a.key} ${a.kind}${a.previous_kind ? ` was ${a.previous_kind}` : ''} ${a.observed}`).sort();

  it('finds the robocaller and, while the launch week is the newest, a provisional SPIKE of WEB and overall', async () => {
    for (let w = 0; w <= 10; w++) await ch.insert(`${ch.database}.report_call_records`, weekRows(w));
    // The weeks before the first data are unknown, not zero: the first weeks are history only.
    const early = await evaluator.evaluate({ toWeek: week(2), now: new Date('2016-01-20T00:00:00Z') });
    expect({ from: early?.fromWeek, verdicts: early?.verdicts }).toEqual({ from: week(0), verdicts: [] });
    const r = await evaluator.evaluate({ now: new Date('2016-03-16T00:00:00Z') });
    expect(r?.toWeek).toBe(week(10));
    expect(r?.fromWeek).toBe(week(3));
    expect(await view()).toEqual(
      [`${week(8)} number ${ROBOCALLER} SPIKE 40`, `${week(10)} overall ALL SPIKE 240`, `${week(10)} channel WEB SPIKE 120`].sort(),
    );
    expect(brief(await readAlerts(3))).toEqual(
      [`NEW ${week(8)} number ${ROBOCALLER} SPIKE 40`, `NEW ${week(10)} overall ALL SPIKE 240`, `NEW ${week(10)} channel WEB SPIKE 120`].sort(),
    );
  });

  it('is idempotent: a second run on the same data changes nothing and alerts nothing', async () => {
    const r = await evaluator.evaluate({ toWeek: week(10), now: new Date('2016-03-16T01:00:00Z') });
    expect({ added: r?.added, updated: r?.updated, retracted: r?.retracted, alerts: r?.alerts }).toEqual({ added: 0, updated: 0, retracted: 0, alerts: 0 });
    expect(await readAlerts(0)).toEqual([]);
    expect(await view()).toHaveLength(3);
  });

  it('re-evaluates weeks that late records changed, and confirms the launch as a level shift once the next week is in', async () => {
    // Three late reports of the robocaller's week (the stream that week stays under its own bound, 163).
    await ch.insert(`${ch.database}.report_call_records`, [...weekRows(11), ...Array.from({ length: 3 }, () => reportRow(ROBOCALLER, 'HELPLINE', 8))]);
    const r = await evaluator.evaluate({ toWeek: week(11), now: new Date('2016-03-23T00:00:00Z') });
    expect(r?.updated).toBe(3);
    expect(await view()).toEqual(
      [`${week(8)} number ${ROBOCALLER} SPIKE 43`, `${week(10)} overall ALL LEVEL_SHIFT 240`, `${week(10)} channel WEB LEVEL_SHIFT 120`].sort(),
    );
    expect(brief(await readAlerts(3))).toEqual(
      [
        `UPDATED ${week(8)} number ${ROBOCALLER} SPIKE was SPIKE 43`,
        `UPDATED ${week(10)} overall ALL LEVEL_SHIFT was SPIKE 240`,
        `UPDATED ${week(10)} channel WEB LEVEL_SHIFT was SPIKE 120`,
      ].sort(),
    );
  });

  it('retracts a verdict that no longer holds (here: a raised minimum count) and says so on the topic', async () => {
    const stricter = new SpikeEvaluator(ch, sink, { ...config.spikes, numberMinCount: 100 });
    const r = await stricter.evaluate({ toWeek: week(11), now: new Date('2016-03-23T01:00:00Z') });
    expect(r?.retracted).toBe(1);
    expect(await view()).toEqual([`${week(10)} overall ALL LEVEL_SHIFT 240`, `${week(10)} channel WEB LEVEL_SHIFT 120`].sort());
    expect(brief(await readAlerts(1))).toEqual([`RETRACTED ${week(8)} number ${ROBOCALLER} SPIKE 43`]);
  });

  it('counts its work in the metrics registry', async () => {
    const changes = await metricsRegistry.getSingleMetricAsString('callwatch_spike_verdict_changes_total');
    for (const action of ['NEW', 'UPDATED', 'RETRACTED']) expect(changes).toMatch(new RegExp(`action="${action}"[^\\n]*\\} [1-9]`));
    expect(await metricsRegistry.getSingleMetricAsString('callwatch_spike_series_evaluated')).toMatch(/scope="number"\} 31\b/);
    expect(await metricsRegistry.getSingleMetricAsString('callwatch_spike_last_evaluation_timestamp_seconds')).toMatch(/seconds [1-9]/);
  });

  it('reads numbers over a shorter history than channels and overall (numberHistoryWeeks), and marks where they start', async () => {
    const input = await loadSpikeInput(new ReadModel(ch), { fromWeek: week(0), toWeek: week(11) }, config.spikes.numberMinCount, week(9));
    expect(input.numbersFrom).toBe(9);
    const robocaller = input.series.find((s) => s.key === ROBOCALLER);
    // Its 43 reports of week 8 are before the numbers' window: not read (the detector does not look there).
    expect(robocaller).toBeUndefined();
    const one = input.series.find((s) => s.key === numbers[0]);
    expect(one?.counts).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 8]);
    expect(input.series.find((s) => s.scope === 'channel' && s.key === 'HELPLINE')?.counts).toEqual([120, 120, 120, 120, 120, 120, 120, 120, 163, 120, 120, 120]);
    // An evaluator reading numbers 2 weeks back from its 3 evaluated weeks judges week 9 on 2 weeks: no number verdict, the
    // channels' long history unchanged (the launch is still a level shift).
    const short = new SpikeEvaluator(ch, sink, { ...config.spikes, numberHistoryWeeks: 2, evaluateWeeks: 3 });
    const r = await short.evaluate({ toWeek: week(11), now: new Date('2016-03-23T02:00:00Z') });
    expect(r?.verdicts.map((v) => `${v.week} ${v.scope} ${v.key} ${v.kind}`).sort()).toEqual([`${week(10)} overall ALL LEVEL_SHIFT`, `${week(10)} channel WEB LEVEL_SHIFT`].sort());
  });
});
