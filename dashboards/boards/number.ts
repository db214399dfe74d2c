import { DashboardCursorSync, RowBuilder, TextBoxVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ClassicDashboardBuilder } from '../board.ts';
import { barChartPanel, tablePanel, weeklySeriesPanel } from '../panels.ts';
import type { DashboardSettings } from '../settings.ts';
import {
  numberCdrPatternSql,
  numberCdrWeeksPanelSql,
  numberDispositionsSql,
  numberHourOfWeekSql,
  numberReportBreakdownSql,
  numberReportWeeksPanelSql,
  numberSpikesSql,
  numberSummarySql,
} from '../sql/number.ts';

export const NUMBER_DASHBOARD_UID = 'callwatch-number-investigation';

/** Dashboard 2: one number's evidence — reports and reporters week by week, its CDR pattern, its spikes. */
export function numberDashboard(s: DashboardSettings): ClassicDashboardBuilder {
  const uid = s.clickhouseUid;
  const db = s.database;
  return new ClassicDashboardBuilder('callwatch — Number investigation')
    .uid(NUMBER_DASHBOARD_UID)
    .description('Everything stored about one number. Enter it as ingest stores it: canonical E.164 (+447700900123) or WITHHELD / INVALID. Reporters and callees appear only as counts.')
    .readonly()
    .tags(['callwatch', 'investigation'])
    .time({ from: 'now-90d', to: 'now' })
    .timezone('utc')
    .weekStart('monday')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(new TextBoxVariableBuilder('number').label('Number (E.164)').description('Canonical E.164, e.g. +447700900123').defaultValue(''))
    .withRow(new RowBuilder('Reports'))
    .withPanel(
      tablePanel(uid, {
        title: 'Summary (all time)',
        description: 'First and last reported call and CDR, total reports and CDR calls, whatever the time range.',
        sql: numberSummarySql(db),
        width: 24,
        height: 4,
      }),
    )
    .withPanel(
      weeklySeriesPanel(uid, {
        title: 'Reports per week',
        description: 'Distinct reports, distinct reporters and reported calls per week of the reported call.',
        sql: numberReportWeeksPanelSql(db),
      }),
    )
    .withPanel(
      tablePanel(uid, {
        title: 'Call types and subjects reported',
        description: 'What reporters said about calls in the time range.',
        sql: numberReportBreakdownSql(db),
      }),
    )
    .withRow(new RowBuilder('CDR pattern'))
    .withPanel(
      weeklySeriesPanel(uid, {
        title: 'Calls made per week (CDRs)',
        description: `Calls made by the number, distinct callees, answered calls and short calls (billable under ${s.shortCallSeconds} s) per week of the call.`,
        sql: numberCdrWeeksPanelSql(db),
      }),
    )
    .withPanel(
      tablePanel(uid, {
        title: 'Weekly CDR pattern',
        description: 'Robocaller signature: many callees, a low answered share, a high short-call share. Busiest hour: 0 = Monday 00:00 local.',
        sql: numberCdrPatternSql(db),
      }),
    )
    .withPanel(
      barChartPanel(uid, {
        title: 'Calls by hour of week',
        description: 'Calls made in the time range by hour of the week (0 = Monday 00:00–00:59 local, 167 = Sunday 23:00).',
        sql: numberHourOfWeekSql(db),
        xField: 'hour_of_week',
      }),
    )
    .withPanel(
      tablePanel(uid, {
        title: 'Dispositions',
        description: 'How the calls in the time range ended.',
        sql: numberDispositionsSql(db),
      }),
    )
    .withRow(new RowBuilder('Spikes'))
    .withPanel(
      tablePanel(uid, {
        title: 'Spike history',
        description: 'Every live spike verdict for this number, whatever the time range.',
        sql: numberSpikesSql(db),
        width: 24,
      }),
    );
}
