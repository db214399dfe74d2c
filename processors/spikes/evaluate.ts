import type { Clickhouse } from '../../core/clickhouse/client.ts';
import type { DetectorParams, SpikesConfig } from '../../core/config/sections/spikes.ts';
import { alertsFor, type SpikeAlert } from './alert-sink.ts';
import { detectSpikes } from './detect-spikes.ts';
import { spikeMetrics } from './metrics.ts';
import { type SpikeInput, type SpikeVerdict } from './verdict.ts';
import { addWeeks, mondayOf } from '../../core/weeks.ts';
import { diffVerdicts, maxVersion, readLiveVerdicts, writeVerdictChanges } from './verdict-store.ts';
import { loadSpikeInput } from './weekly-series.ts';
import { ReadModel } from '../../core/read-model/index.ts';

/** Where alerts go: the Avro alert topic in production (SpikeAlertSink). */
export interface AlertPublisher {
  send(alerts: readonly SpikeAlert[]): Promise<void>;
}

export interface EvaluateOptions {
  /**
   * Last week to evaluate (a Monday); default: the latest week with reported calls, not after this
   * week. Evaluated weeks and their history never reach back before the first week with data.
   */
  toWeek?: string;
  /** The evaluation's clock (tests pin it). */
  now?: Date;
}

export interface EvaluationResult {
  fromWeek: string;
  toWeek: string;
  /** Every live verdict of the evaluated weeks after this run. */
  verdicts: SpikeVerdict[];
  added: number;
  updated: number;
  refreshed: number;
  retracted: number;
  alerts: number;
  version: number;
}

/**
 * One evaluation: read the weekly series of the last `evaluateWeeks` weeks plus `historyWeeks` of
 * channel and overall history (`numberHistoryWeeks` for numbers) from ClickHouse, run the detector over all of it, and make the stored verdicts of the
 * evaluated weeks equal to what it found. Idempotent: running again on unchanged data changes
 * nothing and sends no alert; late records that change a week change its verdicts on the next run,
 * which is how a week is re-evaluated. Alerts are sent before the table is written, so a crash in
 * between re-sends them on the next run (at least once) instead of losing them.
 */
export class SpikeEvaluator {
  constructor(
    private readonly ch: Clickhouse,
    private readonly alerts: AlertPublisher,
    private readonly config: Pick<SpikesConfig, 'evaluateWeeks' | 'historyWeeks' | 'numberHistoryWeeks'> & DetectorParams,
  ) {
    this.read = new ReadModel(ch);
  }

  private readonly read: ReadModel;

  async evaluate(options: EvaluateOptions = {}): Promise<EvaluationResult | null> {
    const stop = spikeMetrics.duration.startTimer();
    try {
      const result = await this.run(options);
      spikeMetrics.lastSuccess.set(Date.now() / 1000);
      return result;
    } catch (err) {
      spikeMetrics.failures.inc();
      throw err;
    } finally {
      stop();
    }
  }

  private async run(options: EvaluateOptions): Promise<EvaluationResult | null> {
    const now = options.now ?? new Date();
    const span = await this.read.reportWeekSpan(options.toWeek ?? mondayOf(now));
    const toWeek = options.toWeek ?? span.last;
    const firstWeek = span.first;
    if (toWeek === null || firstWeek === null || firstWeek > toWeek) return null;
    const latest = (a: string, b: string): string => (a > b ? a : b);
    const fromWeek = latest(addWeeks(toWeek, -(this.config.evaluateWeeks - 1)), firstWeek);
    const historyFrom = latest(addWeeks(fromWeek, -this.config.historyWeeks), firstWeek);
    // Numbers need only their trailing baseline: they are read over a shorter history (never longer than the channels').
    const numbersFrom = latest(addWeeks(fromWeek, -Math.min(this.config.numberHistoryWeeks, this.config.historyWeeks)), historyFrom);
    const input = await loadSpikeInput(this.read, { fromWeek: historyFrom, toWeek }, this.config.numberMinCount, numbersFrom);
    countSeries(input);
    const verdicts = detectSpikes(input, this.config).filter((v) => v.week >= fromWeek);

    const changes = diffVerdicts(await readLiveVerdicts(this.ch, fromWeek, toWeek), verdicts);
    const version = Math.max(now.getTime(), (await maxVersion(this.ch)) + 1);
    const alerts = alertsFor(changes, now);
    await this.alerts.send(alerts);
    await writeVerdictChanges(this.ch, changes, version, now);

    for (const a of alerts) spikeMetrics.changes.inc({ scope: a.scope, kind: a.kind, action: a.action });
    spikeMetrics.latestWeek.reset();
    for (const v of verdicts.filter((x) => x.week === toWeek)) spikeMetrics.latestWeek.inc({ scope: v.scope, kind: v.kind });
    return {
      fromWeek,
      toWeek,
      verdicts,
      added: changes.added.length,
      updated: changes.updated.length,
      refreshed: changes.refreshed.length,
      retracted: changes.retracted.length,
      alerts: alerts.length,
      version,
    };
  }
}

function countSeries(input: SpikeInput): void {
  const counts = { number: 0, channel: 0, overall: 0 };
  for (const s of input.series) counts[s.scope] += 1;
  for (const [scope, n] of Object.entries(counts)) spikeMetrics.series.set({ scope }, n);
}
