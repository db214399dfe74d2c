import { z } from 'zod';
import { DISPOSITIONS } from '../../records.ts';

// A per-key CSV column mapping (auth.apiKeys[].csv), in the spirit of Asterisk's cdr_custom: a
// switch that writes CDRs as CSV in its own layout (Asterisk cdr_custom, Cisco CUCM CDR files, a
// billing export) is configured, not coded. Validated once at start-up like all configuration:
// unknown settings and fields naming a column that is not in `columns` are refused by name.

const column = z.string().min(1).max(64);

export const csvMappingFields = z.strictObject({
  /** Column(s) that identify the record; several are joined with '#' (e.g. uniqueid + sequence). */
  cdr_id: z.array(column).min(1).max(4),
  setup_time: column,
  answer_time: column.optional(),
  /** Without it the end is setup_time + duration. */
  end_time: column.optional(),
  caller: column,
  callee: column,
  /** Without it: ANSWERED when the answer time is set, else from the Q.850 cause (BUSY, NO_ANSWER, CONGESTION, FAILED). */
  disposition: column.optional(),
  duration: column.optional(),
  billable: column.optional(),
  queue: column.optional(),
  agent: column.optional(),
  /** A Q.850 cause code (0-127). */
  hangup_cause: column.optional(),
});

export const csvMapping = z
  .strictObject({
    /** The name of every column, in the order the switch writes them ('' for a column not used). */
    columns: z.array(z.string().max(64)).min(1).max(300),
    /** Rows at the top of each body to skip (a header; CUCM files have two: names and types). */
    headerRows: z.coerce.number().int().min(0).max(5).default(0),
    fields: csvMappingFields,
    /**
     * How times are written: `local` "YYYY-MM-DD hh:mm:ss" in the key's timeZone, `epoch-seconds`,
     * `epoch-millis`, or `iso` (ISO-8601 with offset). An empty time, or 0 as an epoch, is "none".
     */
    timeFormat: z.enum(['local', 'epoch-seconds', 'epoch-millis', 'iso']).default('local'),
    /** Unit of duration and billable. */
    durationUnit: z.enum(['seconds', 'millis']).default('seconds'),
    /** The switch's disposition values (compared upper-case) → ours; default Asterisk's (ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION). */
    dispositions: z.record(z.string().min(1).max(64), z.enum(DISPOSITIONS)).optional(),
  })
  .superRefine((m, ctx) => {
    const known = new Set(m.columns.filter((c) => c !== ''));
    for (const [field, value] of Object.entries(m.fields) as [string, string | string[] | undefined][]) {
      for (const name of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        if (!known.has(name)) ctx.addIssue({ code: 'custom', path: ['fields', field], message: `names column "${name}", which is not in columns` });
      }
    }
    const dupes = m.columns.filter((c, i) => c !== '' && m.columns.indexOf(c) !== i);
    if (dupes.length > 0) ctx.addIssue({ code: 'custom', path: ['columns'], message: `column names repeat: ${[...new Set(dupes)].join(', ')}` });
  });

export type CsvMapping = z.infer<typeof csvMapping>;
