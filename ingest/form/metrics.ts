import { counter } from '../../core/metrics.ts';

// The form's own outcomes; records received/accepted/produced are counted by the shared ReportSubmitter.
export const formMetrics = {
  outcomes: counter('callwatch_ingest_form_submissions_total', 'Public form submissions by outcome', ['outcome'] as const),
};
