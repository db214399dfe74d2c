import { z } from 'zod';
import { kafkaSection } from './sections/kafka.ts';
import { registrySection } from './sections/registry.ts';
import { clickhouseSection } from './sections/clickhouse.ts';
import { logSection } from './sections/log.ts';
import { spikesSection } from './sections/spikes.ts';
import { processorsSection } from './sections/processors.ts';
import { ingestSection, ingestServiceSection } from './sections/ingest.ts';
import { apiSection } from './sections/api.ts';
import { authSection } from './sections/auth.ts';

// Every service's configuration, one section per concern. A service reads only the sections it
// needs, but all are validated together so a typo anywhere stops start-up.
export const CONFIG_SECTIONS = {
  kafka: kafkaSection,
  registry: registrySection,
  clickhouse: clickhouseSection,
  log: logSection,
  spikes: spikesSection,
  processors: processorsSection,
  auth: authSection,
  ingest: ingestSection,
  api: apiSection,
} as const;

export type SectionName = keyof typeof CONFIG_SECTIONS;

// prefault: an absent section is parsed from {} so that its own defaults apply.
export const configSchema = z.strictObject({
  kafka: kafkaSection.prefault({}),
  registry: registrySection.prefault({}),
  clickhouse: clickhouseSection.prefault({}),
  log: logSection.prefault({}),
  spikes: spikesSection.prefault({}),
  processors: processorsSection.prefault({}),
  auth: authSection.prefault({}),
  ingest: ingestSection.prefault({}),
  api: apiSection.prefault({}),
});

export type Config = z.infer<typeof configSchema>;

// Per-service schemas: the shared one refined by what that service cannot start without.

/** The collectors' configuration: the HMAC key required. */
// An absent section is parsed from {} as in the shared schema, so the error names ingest.hmacKey.
export const ingestServiceSchema = configSchema.extend({ ingest: ingestServiceSection.prefault({} as z.input<typeof ingestServiceSection>) });
export type IngestServiceConfig = z.infer<typeof ingestServiceSchema>;
