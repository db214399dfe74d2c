import { AnnotationQueryBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ClassicDashboardBuilder } from '../board.ts';
import { ClickhouseFormat, ClickhouseQueryBuilder, clickhouseRef } from '../clickhouse-query.ts';
import { tablePanel, weeklySeriesPanel } from '../panels.ts';
import type { DashboardSettings } from '../settings.ts';
import { newNumbersSql, reportsByChannelSql, reportsOverallSql, spikeAnnotationsSql, spikesTableSql, topNumbersSql } from '../sql/nuisance.ts';

export const NUISANCE_DASHBOARD_UID = 'callwatch-nuisance-reports';

/** Dashboard 1: the weekly report stream, its spikes and level shifts, the numbers behind it. */
export function nuisanceDashboard(s: DashboardSettings): ClassicDashboardBuilder {
  const uid = s.clickhouseUid;
  const db = s.database;
  return new ClassicDashboardBuilder('callwatch — Nuisance reports')
    .uid(NUISANCE_DASHBOARD_UID)
    .description('Weekly nuisance-call reports by reporting channel, spike and level-shift verdicts, the most reported and newly reported numbers. "This week" is the ISO week holding the end of the time range.')
    .readonly()
    .tags(['callwatch', 'nuisance'])
    .time({ from: 'now-90d', to: 'now' })
    .timezone('utc')
    .weekStart('monday')
    .tooltip(DashboardCursorSync.Crosshair)
    .annotation(
      new AnnotationQueryBuilder()
        .name('Spikes and level shifts')
        .datasource(clickhouseRef(uid))
        .enable(true)
        .iconColor('red')
        .target(new ClickhouseQueryBuilder(uid, spikeAnnotationsSql(db), ClickhouseFormat.Table).refId('Anno')),
    )
    .withRow(new RowBuilder('Weekly totals'))
    .withPanel(
      weeklySeriesPanel(uid, {
        title: 'Reports per week by channel',
        description: 'Distinct reports per reporting channel, by the week of the reported call (event time, as spike detection counts). Red marks: channel and whole-stream spikes and level shifts.',
        sql: reportsByChannelSql(db),
      }),
    )
    .withPanel(
      weeklySeriesPanel(uid, {
        title: 'Reports per week, all channels',
        description: 'Distinct reports, distinct numbers reported (E.164 only) and reported calls per week of the reported call.',
        sql: reportsOverallSql(db),
      }),
    )
    .withRow(new RowBuilder('Numbers this week'))
    .withPanel(
      tablePanel(uid, {
        title: 'Top numbers this week',
        description: 'Numbers with the most distinct reports for calls in the week holding the end of the range, with reporters, reported calls and last week for comparison.',
        sql: topNumbersSql(db),
      }),
    )
    .withPanel(
      tablePanel(uid, {
        title: 'New numbers this week',
        description: 'Numbers reported for a call in this week and never for an earlier week.',
        sql: newNumbersSql(db),
      }),
    )
    .withRow(new RowBuilder('Spikes'))
    .withPanel(
      tablePanel(uid, {
        title: 'Spikes and level shifts',
        description: 'Live verdicts of spike detection for the weeks in range: per number, per channel and overall. A LEVEL_SHIFT is a lasting rise of a channel or of the stream (e.g. a new reporting tool), not a spike of single numbers.',
        sql: spikesTableSql(db),
        width: 24,
      }),
    );
}
