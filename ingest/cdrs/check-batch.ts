import type { AdaptedRecord } from '../adapters/types.ts';
import type { CdrRecord } from '../../core/records.ts';
import { fieldError, type FieldError, type FieldWarning } from '../validation/reasons.ts';
import { validateCdr, type CdrContext } from './validate-cdr.ts';

export interface Rejection extends FieldError {
  index: number;
  line?: number;
  cdr_id?: string;
}

export interface Warning extends FieldWarning {
  index: number;
  cdr_id: string;
}

export interface CheckedBatch {
  /** Good records in request order, with their index in the request. */
  accepted: { index: number; record: CdrRecord }[];
  /** One entry per problem; a record with several problems appears several times. */
  rejections: Rejection[];
  warnings: Warning[];
  /** Number of distinct records rejected. */
  rejectedRecords: number;
}

function rename<T extends { field: string }>(errors: readonly T[], names: Readonly<Record<string, string>> | undefined): T[] {
  if (!names) return [...errors];
  return errors.map((e) => ({ ...e, field: names[e.field] ?? e.field }));
}

/** Where a rejected record was in the request. */
function where(r: AdaptedRecord): { index: number; line?: number } {
  return { index: r.index, ...(r.line === undefined ? {} : { line: r.line }) };
}

/**
 * Validates every adapted record of one request and refuses later records that repeat an earlier
 * record's cdr_id (the platform is the same for the whole request, so the id alone identifies it).
 */
export function checkCdrBatch(records: readonly AdaptedRecord[], ctx: CdrContext): CheckedBatch {
  const out: CheckedBatch = { accepted: [], rejections: [], warnings: [], rejectedRecords: 0 };
  const firstIndexById = new Map<string, number>();
  for (const r of records) {
    let errors: FieldError[];
    if ('errors' in r) errors = r.errors;
    else {
      const v = validateCdr(r.input, ctx);
      if (v.ok) {
        const first = firstIndexById.get(v.value.cdr_id);
        if (first === undefined) {
          firstIndexById.set(v.value.cdr_id, r.index);
          out.accepted.push({ index: r.index, record: v.value });
          // Most records have no warning: nothing is allocated for them.
          if (r.warnings !== undefined) for (const w of r.warnings) out.warnings.push({ ...w, index: r.index, cdr_id: v.value.cdr_id });
          for (const w of v.warnings) out.warnings.push({ ...w, field: r.fieldNames?.[w.field] ?? w.field, index: r.index, cdr_id: v.value.cdr_id });
          continue;
        }
        errors = [fieldError(r.fieldNames?.cdr_id ?? 'cdr_id', 'duplicate_id', `record ${first} has the same cdr_id`)];
        out.rejections.push(...errors.map((e) => ({ ...e, ...where(r), cdr_id: v.value.cdr_id })));
        out.rejectedRecords++;
        continue;
      }
      errors = rename(v.errors, r.fieldNames);
    }
    const id = 'input' in r && typeof r.input.cdr_id === 'string' && r.input.cdr_id.length <= ctx.maxTextLength ? r.input.cdr_id : undefined;
    out.rejections.push(...errors.map((e) => ({ ...e, ...where(r), ...(id === undefined ? {} : { cdr_id: id }) })));
    out.rejectedRecords++;
  }
  return out;
}
