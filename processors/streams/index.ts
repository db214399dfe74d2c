import { CDR_STREAM } from './cdrs.ts';
import { REPORT_STREAM } from './reports.ts';
import type { StoredRow, StreamDeclaration } from './stream.ts';

// Every record stream the processors consume. A new stream: its declaration here, its Avro schema
// (core/avro/schemas.ts), its topic (core/kafka/topics.ts) and a migration with its tables.

/**
 * A declaration as the generic source, transform and sink see it. Sound because the source only
 * ever hands a stream the records it decoded with that stream's own schema.
 */
function erase<R, Row extends StoredRow>(stream: StreamDeclaration<R, Row>): StreamDeclaration {
  return stream as unknown as StreamDeclaration;
}

export const STREAM = { cdrs: erase(CDR_STREAM), reports: erase(REPORT_STREAM) } as const;

export const STREAMS: readonly StreamDeclaration[] = Object.values(STREAM);
