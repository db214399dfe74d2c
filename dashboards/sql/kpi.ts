import { kpiWeeksSql } from '../../core/read-model/weekly.ts';
import { from, RANGE_WEEKS, WEEK_TIME } from './range.ts';

// SQL of the "Contact-centre KPIs" dashboard. Every figure is the processors' KPI query
// (core/read-model/weekly.ts → kpiWeeksSql, definitions in core/kpi/definitions.ts) per
// channel, queue and week. Rolling several queues (or weeks) up recombines its additive totals
// (offered, answered, abandoned, sums of waits and handling times, answered within the service level)
// and divides once, so ASA, AHT and service level stay the ratios the definitions state — never an
// average of averages.

const ROLLED_UP = (serviceLevelSeconds: number): string => `sum(offered) AS offered_contacts,
  sum(answered) AS answered_contacts,
  sum(abandoned) AS abandoned_contacts,
  if(answered_contacts > 0, sum(answered_wait_ms) / answered_contacts / 1000, NULL) AS asa_s,
  if(answered_contacts > 0, sum(handle_ms) / answered_contacts / 1000, NULL) AS aht_s,
  if(offered_contacts > 0, sum(answered_within_sl) / offered_contacts, NULL) AS service_level,
  ${Math.trunc(serviceLevelSeconds)} AS service_level_seconds`;

export type ChannelWeekKpi = 'offered_contacts' | 'answered_contacts' | 'abandoned_contacts' | 'asa_s' | 'aht_s' | 'service_level';

/** Per channel and week (queues rolled up), the chosen KPI columns: a long time series. */
export function channelWeekKpiSql(db: string, serviceLevelSeconds: number, columns: readonly ChannelWeekKpi[]): string {
  return `SELECT time AS time, channel AS channel, ${columns.map((c) => `${c} AS ${c}`).join(', ')}
FROM (
  SELECT ${WEEK_TIME} AS time, channel AS channel, ${ROLLED_UP(serviceLevelSeconds)}
  FROM ${from(kpiWeeksSql(db, serviceLevelSeconds, RANGE_WEEKS))}
  GROUP BY week, channel
)
ORDER BY time, channel`;
}

/** The KPI query as it is, per week, channel and queue, in seconds. */
export function kpiTableSql(db: string, serviceLevelSeconds: number): string {
  return `SELECT week AS week, channel AS channel, queue AS queue, offered AS offered, answered AS answered, abandoned AS abandoned,
  round(asa_ms / 1000, 1) AS asa_s, round(aht_ms / 1000, 1) AS aht_s, round(service_level, 4) AS service_level,
  round(longest_wait_ms / 1000, 1) AS longest_wait_s
FROM ${from(kpiWeeksSql(db, serviceLevelSeconds, RANGE_WEEKS))}
ORDER BY week DESC, channel, queue`;
}

/**
 * The figures the council's FOI request asks for, as far as CDRs give them, per channel over the
 * whole range: contacts offered, answered by a person, abandoned, average time to answer, average
 * handling time, and the service level.
 */
export function kpiSummarySql(db: string, serviceLevelSeconds: number): string {
  return `SELECT channel AS channel, ${ROLLED_UP(serviceLevelSeconds)},
  if(offered_contacts > 0, abandoned_contacts / offered_contacts, NULL) AS abandoned_share
FROM ${from(kpiWeeksSql(db, serviceLevelSeconds, RANGE_WEEKS))}
GROUP BY channel
ORDER BY channel`;
}

/**
 * Web chats in the council's terms: started = WEBCHAT contacts offered to the queue, completed =
 * those an agent answered (and so handled to the end), staff time = AHT of the answered chats.
 */
export function webChatSql(db: string, serviceLevelSeconds: number): string {
  return `SELECT sum(offered) AS chats_started, sum(answered) AS chats_completed, sum(abandoned) AS chats_abandoned,
  if(chats_completed > 0, sum(handle_ms) / chats_completed / 1000, NULL) AS staff_time_per_chat_s
FROM ${from(kpiWeeksSql(db, serviceLevelSeconds, { channels: ['WEBCHAT'], ...RANGE_WEEKS }))}`;
}
