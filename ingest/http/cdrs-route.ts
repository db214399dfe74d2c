import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { IngestConfig } from '../../core/config/sections/ingest.ts';
import { CallwatchError } from '../../core/errors.ts';
import type { ApiKeyEntry } from '../../core/config/sections/auth.ts';
import type { CdrSubmitResult, CdrSubmitter } from '../cdrs/submit-cdrs.ts';
import { ingestPlatform } from './scopes.ts';
import { contentTypeOf, decodeContentEncoding } from './body.ts';
import { FORMAT_PARAM_VALUES } from './cdr-formats.ts';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const cdrQuery = z.object({
  atomic: flag.optional(),
  format: z.enum(FORMAT_PARAM_VALUES).optional(),
  platform: z.string().max(64).optional(),
  uuid: z.string().max(128).optional(),
});

export interface CdrRouteDeps {
  config: IngestConfig;
  /** Validation and delivery, the same for every format (the CDR submitter). */
  cdrs: CdrSubmitter;
  /** The collector clock (epoch ms). */
  clock: () => number;
}

/**
 * POST /v1/cdrs: a batch of CDRs in any supported format, read by its adapter (cdr-formats.ts) and
 * handed to the CDR submitter. Good records are produced and the answer waits for Kafka's
 * acknowledgement; bad ones are listed (index, field, reason). `?atomic=true`: one bad record and
 * nothing is produced.
 */
export function registerCdrRoute(app: FastifyInstance, deps: CdrRouteDeps): void {
  const { config } = deps;
  app.post('/v1/cdrs', async (request, reply) => {
    const q = cdrQuery.safeParse(request.query);
    if (!q.success) throw new CallwatchError('CW_ERR_BAD_REQUEST', `query: ${q.error.issues.map((i) => i.path.join('.')).join(', ')} invalid`);
    if (!request.principal) throw new CallwatchError('CW_ERR_UNAUTHORIZED');
    const principal = request.principal;
    const platform = ingestPlatform(principal, q.data.platform);
    const { mediaType, charset } = contentTypeOf(request.headers['content-type']);
    // Read and submitted in one synchronous step (then), and the body let go of before the wait for
    // the acknowledgement: neither the body (hundreds of kB, outside V8's heap) nor the parsed records
    // are held by this handler or the request while Kafka confirms (see CdrSubmitter.submit).
    // A body held for those ~100s of ms outlives young GCs, is promoted, and only a full GC frees it.
    const result = await decodeContentEncoding(takeBody(request), request.headers['content-encoding'], config.maxDecompressedBytes).then((raw) =>
      submitBody(deps, principal.entry, platform, q.data, mediaType, charset, raw),
    );
    if (!result.ok) {
      const e = new CallwatchError('CW_ERR_INGEST_REJECTED', result.atomic ? 'atomic request: nothing was accepted' : 'no record was valid');
      return reply.status(e.status).send({ error: { code: e.code, message: e.message }, accepted: 0, ids: [], ...result.summary });
    }
    return reply.status(200).send({ accepted: result.accepted, ids: result.ids, ...result.summary });
  });
}

/** The raw body, taken off the request (which lives until the answer is sent). */
function takeBody(request: FastifyRequest): Buffer {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  request.body = undefined;
  return body;
}

function submitBody(
  deps: CdrRouteDeps,
  key: ApiKeyEntry,
  platform: string,
  query: z.infer<typeof cdrQuery>,
  mediaType: string,
  charset: string | undefined,
  body: Buffer,
): Promise<CdrSubmitResult> {
  return deps.cdrs.submit({
    body,
    mediaType,
    ...(charset === undefined ? {} : { charset }),
    ...(query.format === undefined ? {} : { format: query.format }),
    ...(query.uuid === undefined ? {} : { uuid: query.uuid }),
    timeZone: key.timeZone ?? key.asteriskTimeZone ?? deps.config.asteriskTimeZone,
    ...(key.csv === undefined ? {} : { csvMapping: key.csv }),
    platform,
    atomic: query.atomic ?? false,
    ...(key.defaultRegion === undefined ? {} : { defaultRegion: key.defaultRegion }),
    nowMs: deps.clock(),
  });
}
