import { z } from 'zod';
import type { LookupRoute } from '../http/lookup.ts';
import { canonicalNumber, formatSchema, rawNumberSchema, weekSchema } from '../validation.ts';
import { checkedRange, rangeSchema, seenAt, utcIso, weekFilter, type LookupContext } from './common.ts';

// GET /v1/numbers/:number — a number's evidence: weekly history of reports, reporters and CDR
// figures, first and last seen, call-type / subject / channel breakdowns, spike history. Reporters
// and callees appear only as counts.

const countRow = z.object({ value: z.string(), reports: z.number().int(), reported_calls: z.number().int() });

const weekRow = z.object({
  week: z.string(),
  reports: z.number().int(),
  reporters: z.number().int(),
  reported_calls: z.number().int(),
  cdr_calls: z.number().int(),
  callees: z.number().int(),
  answered_share: z.number().nullable(),
  short_share: z.number().nullable(),
  /** 0 = Monday 00:00–00:59 … 167 = Sunday 23:00–23:59 (week's time zone); null without CDRs. */
  busiest_hour: z.number().int().nullable(),
  spike: z.enum(['SPIKE', 'LEVEL_SHIFT']).nullable(),
});

export const numberProfileSchema = z.object({
  number: z.string().meta({ description: 'canonical E.164, as stored at ingest' }),
  range: rangeSchema,
  first_seen: z.string().nullable().meta({ description: 'earliest reported call or CDR (ISO 8601, UTC)' }),
  last_seen: z.string().nullable(),
  reports: z.object({
    reports: z.number().int(),
    reporters: z.number().int().meta({ description: 'distinct pseudonymous reporters over the range' }),
    reported_calls: z.number().int(),
    channels: z.number().int(),
    first_seen: z.string().nullable(),
    last_seen: z.string().nullable(),
  }),
  cdrs: z.object({
    calls: z.number().int(),
    callees: z.number().int().meta({ description: 'distinct numbers called over the range' }),
    answered_calls: z.number().int(),
    answered_share: z.number().nullable(),
    first_seen: z.string().nullable(),
    last_seen: z.string().nullable(),
  }),
  weeks: z.array(weekRow),
  calls_by_hour_of_week: z
    .array(z.number().int())
    .length(168)
    .meta({ description: 'CDR calls made per hour of the week over the range: index 0 = Monday 00:00–00:59 … 167 = Sunday 23:00–23:59 (week time zone)' }),
  call_types: z.array(countRow),
  subjects: z.array(countRow),
  channels: z.array(countRow),
  spikes: z.array(
    z.object({ week: z.string(), kind: z.string(), observed: z.number(), expected: z.number(), upper: z.number(), score: z.number(), evaluated_at: z.string() }),
  ),
});
export type NumberProfile = z.infer<typeof numberProfileSchema>;

const params = z.strictObject({ number: rawNumberSchema });
const query = z.strictObject({ from: weekSchema.optional(), to: weekSchema.optional(), format: formatSchema.optional() });

const minSeen = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a < b ? a : b);
const maxSeen = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);

export function numberProfileRoute(ctx: LookupContext): LookupRoute<typeof params, typeof query, typeof numberProfileSchema> {
  return {
    operationId: 'numberProfile',
    url: '/v1/numbers/:number',
    summary: "A number's evidence",
    description:
      'Weekly history (reports, distinct reporters, reported calls; CDR calls, distinct callees, answered and short-call shares, busiest hour), first and last seen, breakdowns and spike verdicts. The number may be written in any common format; it is canonicalised exactly as at ingest. CSV gives the weekly history.',
    params,
    query,
    response: numberProfileSchema,
    csvColumns: ['number', ...Object.keys(weekRow.shape)],
    async handle(input) {
      const number = canonicalNumber(input.params.number, ctx.config.defaultRegion);
      const range = checkedRange(input.query.from, input.query.to);
      const weeksOf = weekFilter(range);
      const { reports: numberReports, cdrWeeks, cdrSummary: cdrs, hours, spikes } = await ctx.read.numberEvidence(number, weeksOf);
      const { weeks: reportWeeks, summary: reports, breakdowns } = numberReports;
      const spikeByWeek = new Map(spikes.map((s) => [s.week, s.kind === 'LEVEL_SHIFT' ? 'LEVEL_SHIFT' : 'SPIKE'] as const));
      const weeks = [...new Set([...reportWeeks.map((w) => w.week), ...cdrWeeks.map((w) => w.week)])].sort().map((week) => {
        const r = reportWeeks.find((w) => w.week === week);
        const c = cdrWeeks.find((w) => w.week === week);
        return {
          week,
          reports: r?.reports ?? 0,
          reporters: r?.reporters ?? 0,
          reported_calls: r?.reported_calls ?? 0,
          cdr_calls: c?.calls ?? 0,
          callees: c?.callees ?? 0,
          answered_share: c?.answered_share ?? null,
          short_share: c?.short_share ?? null,
          busiest_hour: c?.busiest_hour ?? null,
          spike: spikeByWeek.get(week) ?? null,
        };
      });
      const rep = {
        reports: reports?.reports ?? 0,
        reporters: reports?.reporters ?? 0,
        reported_calls: reports?.reported_calls ?? 0,
        channels: reports?.channels ?? 0,
        first_seen: reports ? seenAt(reports.first_seen, reports.reports) : null,
        last_seen: reports ? seenAt(reports.last_seen, reports.reports) : null,
      };
      const calls = cdrs.calls;
      const cdr = {
        calls,
        callees: cdrs.callees,
        answered_calls: cdrs.answered_calls,
        answered_share: calls > 0 ? cdrs.answered_calls / calls : null,
        first_seen: seenAt(cdrs.first_seen, calls),
        last_seen: seenAt(cdrs.last_seen, calls),
      };
      const body: NumberProfile = {
        number,
        range: { from: range.from ?? null, to: range.to ?? null },
        first_seen: minSeen(rep.first_seen, cdr.first_seen),
        last_seen: maxSeen(rep.last_seen, cdr.last_seen),
        reports: rep,
        cdrs: cdr,
        weeks,
        calls_by_hour_of_week: hours,
        call_types: breakdowns.call_type,
        subjects: breakdowns.subject,
        channels: breakdowns.channel,
        spikes: spikes.map((s) => ({ week: s.week, kind: s.kind, observed: s.observed, expected: s.expected, upper: s.upper, score: s.score, evaluated_at: utcIso(s.evaluated_at) })),
      };
      return { body, csvRows: weeks.map((w) => ({ number, ...w })), resultCount: weeks.length };
    },
  };
}
