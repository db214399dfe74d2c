import { DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ClassicDashboardBuilder } from '../board.ts';
import { notePanel, tablePanel, weeklySeriesPanel } from '../panels.ts';
import type { DashboardSettings } from '../settings.ts';
import { channelWeekKpiSql, kpiSummarySql, kpiTableSql, webChatSql } from '../sql/kpi.ts';

export const KPI_DASHBOARD_UID = 'callwatch-contact-centre-kpis';

const NOT_FROM_CDRS = `Definitions: core/kpi/definitions.ts (offered = contacts that entered a queue; answered = answered by a person; abandoned = left the queue unanswered; ASA = mean wait of answered contacts; AHT = mean billable time of answered contacts; service level = answered within the threshold / offered).

The council's request also asks for figures CDRs cannot give, which these dashboards do not show: quality checks and scores, first-contact resolution, customer satisfaction, e-mails, walk-in visits, referrals to other channels and simultaneous chats per member of staff.`;

/** Dashboard 3: contact-centre KPIs per channel and week, from the CDRs' queue fields. */
export function kpiDashboard(s: DashboardSettings): ClassicDashboardBuilder {
  const uid = s.clickhouseUid;
  const db = s.database;
  const sl = s.serviceLevelSeconds;
  return new ClassicDashboardBuilder('callwatch — Contact-centre KPIs')
    .uid(KPI_DASHBOARD_UID)
    .description(`Contacts offered, answered, abandoned, ASA, AHT and service level (answered within ${sl} s) per channel and week, as far as CDRs can give the KPIs of the council's FOI request.`)
    .readonly()
    .tags(['callwatch', 'kpi'])
    .time({ from: 'now-90d', to: 'now' })
    .timezone('utc')
    .weekStart('monday')
    .tooltip(DashboardCursorSync.Crosshair)
    .withRow(new RowBuilder('Summary for the time range'))
    .withPanel(
      tablePanel(uid, {
        title: 'KPIs by channel',
        description: 'Calls offered (VOICE), answered by a person, abandoned, average time to answer, average handling time and service level, per channel over the weeks in range.',
        sql: kpiSummarySql(db, sl),
        width: 16,
        height: 7,
      }),
    )
    .withPanel(
      tablePanel(uid, {
        title: 'Web chats',
        description: 'Web chats started (WEBCHAT contacts offered), completed (answered by an agent) and average staff time per completed chat.',
        sql: webChatSql(db, sl),
        width: 8,
        height: 7,
      }),
    )
    .withRow(new RowBuilder('Per week'))
    .withPanel(
      weeklySeriesPanel(uid, {
        title: 'Contacts offered, answered and abandoned',
        description: 'Per channel and week (all queues).',
        sql: channelWeekKpiSql(db, sl, ['offered_contacts', 'answered_contacts', 'abandoned_contacts']),
      }),
    )
    .withPanel(
      weeklySeriesPanel(uid, {
        title: 'Service level',
        description: `Share of offered contacts answered within ${sl} s, per channel and week.`,
        sql: channelWeekKpiSql(db, sl, ['service_level']),
        unit: 'percentunit',
      }),
    )
    .withPanel(
      weeklySeriesPanel(uid, {
        title: 'Average speed of answer',
        description: 'Mean queue wait of answered contacts, per channel and week.',
        sql: channelWeekKpiSql(db, sl, ['asa_s']),
        unit: 's',
      }),
    )
    .withPanel(
      weeklySeriesPanel(uid, {
        title: 'Average handling time',
        description: 'Mean billable time (answer to end) of answered contacts, per channel and week.',
        sql: channelWeekKpiSql(db, sl, ['aht_s']),
        unit: 's',
      }),
    )
    .withRow(new RowBuilder('Detail'))
    .withPanel(
      tablePanel(uid, {
        title: 'KPIs by week, channel and queue',
        description: 'The processors\' KPI query as it is, with times in seconds and the longest wait.',
        sql: kpiTableSql(db, sl),
        width: 24,
      }),
    )
    .withPanel(notePanel('What the KPIs mean and what CDRs cannot give', NOT_FROM_CDRS));
}
