import type { Clickhouse } from '../core/clickhouse/client.ts';
import { CallwatchError } from '../core/errors.ts';
import { apiMetrics } from './metrics.ts';

// The audit trail of investigators' look-ups (table `audit_log`, migration 0200). Written with the
// writer connection; the API serves every read with the read-only one, and has no route that
// changes this table.

export interface AuditEntry {
  at: Date;
  requestId: string;
  keyName: string;
  method: string;
  /** Route pattern, e.g. /v1/numbers/:number. */
  route: string;
  /** The request's path and query parameters as received. */
  params: { path: unknown; query: unknown };
  status: number;
  resultCount: number;
  format: string;
}

export interface AuditRow {
  at: string;
  request_id: string;
  key_name: string;
  method: string;
  route: string;
  params: string;
  status: number;
  result_count: number;
  format: string;
}

/** Longest params text stored: URLs are bounded anyway, this keeps one row bounded whatever comes. */
export const MAX_PARAMS_CHARS = 8_192;

export class AuditLog {
  constructor(private readonly writer: Clickhouse) {}

  /** Writes one row; resolves only once ClickHouse has it. CW_ERR_API_AUDIT_FAILED otherwise. */
  async record(e: AuditEntry): Promise<void> {
    const params = JSON.stringify(e.params);
    const row = {
      at: Math.floor(e.at.getTime() / 1000),
      request_id: e.requestId,
      key_name: e.keyName,
      method: e.method,
      route: e.route,
      params: params.length > MAX_PARAMS_CHARS ? `${params.slice(0, MAX_PARAMS_CHARS)}…[truncated]` : params,
      status: e.status,
      result_count: e.resultCount,
      format: e.format,
    };
    try {
      await this.writer.insert(`${this.writer.database}.audit_log`, [row]);
      apiMetrics.auditWrites.inc({ result: 'ok' });
    } catch (err) {
      apiMetrics.auditWrites.inc({ result: 'failed' });
      throw new CallwatchError('CW_ERR_API_AUDIT_FAILED', undefined, {}, { cause: err });
    }
  }
}
