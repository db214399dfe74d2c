import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isCallwatchError } from '../../core/errors.ts';
import { formMetrics } from './metrics.ts';
import { IDEMPOTENCY_KEY_PATTERN } from '../reports/report-id.ts';
import { validateReport } from '../reports/validate-report.ts';
import { toFormErrors } from './form-errors.ts';
import { formToReportInput } from './form-input.ts';
import { renderConfirmation, renderForm, type FormPageOptions } from './form-page.ts';
import { applyAction, emptyForm, readForm, type FormState } from './form-state.ts';
import { sameOrigin } from './same-origin.ts';
import { fieldError } from '../validation/reasons.ts';

// Pages carry what a person typed: never cached, never framed, no scripts at all.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // Not no-referrer: under it browsers send `Origin: null` with the form's own POST, and the
  // cross-site check (same-origin.ts) could not tell the page from a forgery. Other sites get nothing.
  'referrer-policy': 'same-origin',
} as const;

/**
 * The public nuisance-call form, GET and POST /report, registered on the collector app
 * (buildIngestApp). Plain HTML that works without JavaScript; a submitted report goes through the
 * same validator and ReportSubmitter as POST /v1/reports, with channel WEB and no API key, rate
 * limited per client IP. A hidden per-page token is the Idempotency-Key, so sending the same page
 * twice (double click, reload) records one report under one reference.
 */
export async function reportFormPlugin(app: FastifyInstance): Promise<void> {
  // The app's own normaliser, pseudonymiser (the dry run's pseudonyms are thrown away), zone and clock.
  const { config, reports, formRateLimiter, overload, subjects, numbers, pseudonymiser, clock } = app.ingest;
  const timeZone = config.formTimeZone;
  const maxCalls = config.maxCallsPerReport;
  const pageOptions: FormPageOptions = { maxCalls, maxDescriptionLength: config.maxDescriptionLength, subjects };
  // Room for every call's longest description written as percent-escaped UTF-8, plus the rest.
  const bodyLimit = 16_384 + maxCalls * (config.maxDescriptionLength * 12 + 4_096);
  await app.register(formbody, { bodyLimit });

  const send = (reply: FastifyReply, status: number, html: string): FastifyReply => reply.status(status).headers(PAGE_HEADERS).send(html);
  const form = (reply: FastifyReply, status: number, state: FormState, token: string, errors = new Map<string, string>(), general: string[] = []): FastifyReply =>
    send(reply, status, renderForm(state, errors, pageOptions, { token, general }));

  app.get('/report', async (_request, reply) => form(reply, 200, emptyForm(), randomUUID()));

  app.post('/report', async (request, reply) => {
    // Another site's page may not post here (cross-site request forgery: reports in a stranger's name).
    if (!sameOrigin(request, config.formAllowedOrigins)) {
      formMetrics.outcomes.inc({ outcome: 'cross_origin' });
      return send(reply, 403, renderForm(emptyForm(), new Map(), pageOptions, { token: randomUUID(), general: ['This form can only be sent from its own page on this site. Open the form again and send it from there.'] }));
    }
    const { state, action, tooManyCalls } = readForm(request.body, maxCalls, config.maxDescriptionLength + 64);
    const posted = (request.body as Record<string, unknown> | null)?.token;
    const token = typeof posted === 'string' && IDEMPOTENCY_KEY_PATTERN.test(posted) ? posted : randomUUID();
    if (action.kind !== 'submit') return form(reply, 200, applyAction(state, action, maxCalls), token);
    if (tooManyCalls) {
      formMetrics.outcomes.inc({ outcome: 'invalid' });
      const shown = toFormErrors([fieldError('calls', 'too_many_calls', `at most ${maxCalls}`)], [], state.calls.length);
      return form(reply, 422, state, token, shown.fields, shown.general);
    }

    const limited = formRateLimiter.take(request.ip);
    if (!limited.ok) {
      const seconds = Math.max(1, Math.ceil(limited.retryAfterMs / 1000));
      formMetrics.outcomes.inc({ outcome: 'rate_limited' });
      void reply.header('retry-after', String(seconds));
      return form(reply, 429, state, token, new Map(), [`You have sent several reports in a short time. Wait ${seconds} seconds, then send this one again. Nothing has been sent yet.`]);
    }
    if (overload.verdict().overloaded) {
      formMetrics.outcomes.inc({ outcome: 'unavailable' });
      void reply.header('retry-after', String(config.retryAfterSeconds));
      return form(reply, 503, state, token, new Map(), [`We are very busy. Your report has not been sent: please send it again in ${config.retryAfterSeconds} seconds.`]);
    }

    const { input, problems } = formToReportInput(state, timeZone);
    const dryRun = validateReport(input, {
      channel: 'WEB',
      reportId: token,
      nowMs: clock(),
      futureSkewMs: config.futureSkewSeconds * 1000,
      maxCallsPerReport: maxCalls,
      maxDescriptionLength: config.maxDescriptionLength,
      maxTextLength: config.maxTextLength,
      numbers,
      pseudonymiser,
    });
    const shown = toFormErrors(dryRun.ok ? [] : dryRun.errors, dryRun.ok ? dryRun.warnings : [], state.calls.length, problems);
    if (shown.fields.size > 0 || shown.general.length > 0) {
      formMetrics.outcomes.inc({ outcome: 'invalid' });
      return form(reply, 422, state, token, shown.fields, shown.general);
    }

    let result: Awaited<ReturnType<typeof reports.submit>>;
    try {
      result = await reports.submit(input, { channel: 'WEB', principal: 'public-form', idempotencyKey: token });
    } catch (err) {
      if (isCallwatchError(err, 'CW_ERR_INGEST_IDEMPOTENCY_CONFLICT')) {
        // This page was already sent with other answers: a new token makes this a new report.
        formMetrics.outcomes.inc({ outcome: 'resent_changed' });
        return form(reply, 409, state, randomUUID(), new Map(), ['This form was already sent with different answers. Check your answers and send it again to make a new report.']);
      }
      if (isCallwatchError(err) && err.status === 503) {
        formMetrics.outcomes.inc({ outcome: 'unavailable' });
        void reply.header('retry-after', String(config.retryAfterSeconds));
        return form(reply, 503, state, token, new Map(), [`We could not send your report just now. It has not been sent: please send it again in ${config.retryAfterSeconds} seconds.`]);
      }
      throw err;
    }
    if (!result.ok) {
      const again = toFormErrors(result.errors, [], state.calls.length);
      formMetrics.outcomes.inc({ outcome: 'invalid' });
      return form(reply, 422, state, token, again.fields, again.general);
    }
    formMetrics.outcomes.inc({ outcome: 'sent' });
    return send(reply, 201, renderConfirmation(result.reportId, result.calls));
  });
}
