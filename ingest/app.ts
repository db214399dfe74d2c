import type { FastifyInstance } from 'fastify';
import type { AvroSerde } from '../core/avro/serde.ts';
import type { AuthConfig } from '../core/config/sections/auth.ts';
import type { IngestServiceSectionConfig } from '../core/config/sections/ingest.ts';
import { CallwatchError } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { enableDefaultMetrics } from '../core/metrics.ts';
import { registerHealthRoutes } from '../core/http/health-routes.ts';
import { accessLog, createServiceApp } from '../core/http/service-app.ts';
import { Pseudonymiser } from '../core/pseudonym.ts';
import type { RecordProducer } from './delivery.ts';
import { ApiKeyStore } from '../core/auth/api-keys.ts';
import { clientErrorHandler } from './http/client-errors.ts';
import { registerCdrRoute } from './http/cdrs-route.ts';
import { errorHandler, sendError } from './http/errors.ts';
import { apiGuard } from './http/guard.ts';
import { registerReportRoute } from './http/reports-route.ts';
import { OverloadGuard } from './limits/overload.ts';
import { KeyedRateLimiter } from '../core/limits/token-bucket.ts';
import { ingestMetrics } from './metrics.ts';
import { SUBJECT_CATEGORIES } from './reports/subjects.ts';
import { ReportSubmitter } from './reports/submit-report.ts';
import { CdrSubmitter } from './cdrs/submit-cdrs.ts';
import { InlineCdrPreparer, ThreadCdrPreparer, type CdrPreparer } from './cdrs/cdr-preparer.ts';
import { reportFormPlugin } from './form/plugin.ts';
import { NumberNormaliser } from './validation/numbers.ts';

export interface IngestDeps {
  /** The ingest section as the collector's schema checked it (ingestServiceSchema: HMAC key present). */
  config: IngestServiceSectionConfig;
  /** The deployment's API keys (auth.apiKeys). */
  auth: AuthConfig;
  /** Full topic names (with the configured prefix): topicName(config.kafka, 'cdrs' | 'reports'). */
  topics: { cdrs: string; reports: string };
  /** A connected KafkaProducer (or anything with its send/metadata/queuePressure). */
  producer: RecordProducer;
  /** An AvroSerde on which register('cdr', …) and register('nuisanceReport', …) were called. */
  serde: Pick<AvroSerde, 'encode' | 'framer' | 'schemaId'> & { registry: { ping(): Promise<boolean> } };
  logger?: Logger;
  /** Collector clock (epoch ms); tests pin it. */
  clock?: () => number;
}

/** What the app shares with plugins registered on it (the public web form): `app.ingest`. */
export interface IngestServices {
  config: IngestServiceSectionConfig;
  /** The app's number normaliser (ingest.defaultRegion). */
  numbers: NumberNormaliser;
  /** The app's pseudonymiser (ingest.hmacKey). */
  pseudonymiser: Pseudonymiser;
  /** The collector clock (epoch ms). */
  clock: () => number;
  /** Validate, pseudonymise and deliver one report (resolves after Kafka's ack). */
  reports: ReportSubmitter;
  /** Validate, normalise and deliver a batch of adapted CDRs, any format (resolves after Kafka's acks). */
  cdrs: CdrSubmitter;
  /** Per-client-IP limiter for unauthenticated submissions (formRateLimitPerMinute / formRateLimitBurst). */
  formRateLimiter: KeyedRateLimiter;
  /** Shedding decision (producer queue pressure, event-loop lag). */
  overload: OverloadGuard;
  subjects: typeof SUBJECT_CATEGORIES;
  /** Send a CallwatchError as the API does (status, JSON body, Retry-After). */
  sendError: typeof sendError;
}

declare module 'fastify' {
  interface FastifyInstance {
    ingest: IngestServices;
  }
}

/**
 * The collector service as a fastify instance (not listening yet): `app.inject()` in tests,
 * `app.listen()` in ingest/main.ts. Its configuration was checked once by the collector's schema.
 */
export function buildIngestApp(deps: IngestDeps): FastifyInstance {
  const config = deps.config;
  const logger = deps.logger ?? createLogger('ingest');
  const clock = deps.clock ?? (() => Date.now());
  enableDefaultMetrics('ingest');

  const { app, closing } = createServiceApp(logger, {
    bodyLimit: config.maxBodyBytes,
    trustProxy: config.trustProxy,
    // A body that trickles in (or stops) must not hold its connection for ever: Node answers 408
    // and closes once requestTimeoutMs passed since the request began. It must be given to the
    // server at construction (set afterwards, as fastify's own requestTimeout does, Node kept
    // waiting for headersTimeout, 60 s, in a test here), and Node only looks every
    // connectionsCheckingInterval (default 30 s), so that is a fraction of the timeout.
    requestTimeout: config.requestTimeoutMs,
    // ...and that 408 (like any error before a request exists) is answered in our error format.
    clientErrorHandler,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(config.requestTimeoutMs / 4))),
    },
  });
  app.addHook('onClose', async () => {
    overload.close();
    await preparer.close();
  });

  const numbers = new NumberNormaliser(config.defaultRegion);
  const pseudonymiser = new Pseudonymiser(config.hmacKey);
  const preparer: CdrPreparer =
    config.prepareThreads > 0
      ? new ThreadCdrPreparer({ threads: config.prepareThreads, cdrSchemaId: deps.serde.schemaId('cdr'), defaultRegion: config.defaultRegion, ...preparationBounds(config), logger })
      : new InlineCdrPreparer({ ...preparationBounds(config), numbers, write: deps.serde.framer('cdr') });
  const overload = new OverloadGuard(
    deps.producer,
    {
      maxQueuePressure: config.shedQueuePressure,
      maxRecordsInFlight: config.shedRecordsInFlight,
      maxEventLoopLagMs: config.shedEventLoopLagMs,
      maxPreparingBytes: config.shedPreparingBytes,
    },
    undefined,
    undefined,
    preparer,
  );
  const reports = new ReportSubmitter({
    config,
    topic: deps.topics.reports,
    producer: deps.producer,
    serde: deps.serde,
    pseudonymiser,
    numbers,
    clock,
  });
  const cdrs = new CdrSubmitter({ config, topic: deps.topics.cdrs, producer: deps.producer, preparer });
  app.decorate('ingest', {
    config,
    numbers,
    pseudonymiser,
    clock,
    reports,
    cdrs,
    formRateLimiter: new KeyedRateLimiter({ ratePerSecond: config.formRateLimitPerMinute / 60, burst: config.formRateLimitBurst }),
    overload,
    subjects: SUBJECT_CATEGORIES,
    sendError,
  } satisfies IngestServices);

  app.setErrorHandler(errorHandler(config.retryAfterSeconds));
  app.setNotFoundHandler((_request, reply) => sendError(reply, new CallwatchError('CW_ERR_NOT_FOUND'), config.retryAfterSeconds));
  accessLog(app, { duration: ingestMetrics.requestDuration, keyName: (request) => request.principal?.name });
  registerHealthRoutes(app, {
    checks: async () => {
      const [kafka, registry] = await Promise.all([deps.producer.metadata(2_000).then(() => true, () => false), deps.serde.registry.ping()]);
      return { kafka, registry, preparation: preparer.ready };
    },
    closing,
  });

  // The authenticated API: bodies are read raw (any type) so each route decodes, bounds and
  // parses them itself, with the collector's own error codes.
  const keys = new ApiKeyStore(deps.auth.apiKeys);
  const limiter = new KeyedRateLimiter({ ratePerSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst });
  void app.register((api, _options, done) => {
    api.decorateRequest('principal', null);
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    api.addHook('onRequest', apiGuard({ keys, limiter, overload, config }));
    registerCdrRoute(api, { config, cdrs, clock });
    registerReportRoute(api, { config, reports });
    done();
  });
  // The public web form (GET/POST /report), encapsulated with its own urlencoded body parser.
  void app.register(reportFormPlugin);
  return app;
}

/** The bounds a CDR body is read within, wherever it is prepared. */
function preparationBounds(config: IngestServiceSectionConfig): { maxRecordsPerRequest: number; futureSkewSeconds: number; maxTextLength: number } {
  return { maxRecordsPerRequest: config.maxRecordsPerRequest, futureSkewSeconds: config.futureSkewSeconds, maxTextLength: config.maxTextLength };
}
