import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { CallwatchError, errorMessage } from '../errors.ts';
import { CONFIG_SECTIONS, configSchema, type Config } from './schema.ts';

/**
 * Configuration comes from an optional JSON file (CALLWATCH_CONFIG_FILE) overlaid by environment
 * variables named CALLWATCH_<SECTION>__<KEY>, e.g. CALLWATCH_KAFKA__BROKERS or
 * CALLWATCH_CLICKHOUSE__READER_PASSWORD (key in upper snake case). A value that starts with `[` or
 * `{` is parsed as JSON, for list- and object-valued keys.
 */
export const ENV_PREFIX = 'CALLWATCH_';
const NOT_CONFIG_KEYS = new Set(['CALLWATCH_CONFIG_FILE', 'CALLWATCH_STACK_DIR', 'CALLWATCH_STACK_PORTS_FILE']);

export function envNameFor(section: string, key: string): string {
  return `${ENV_PREFIX}${section.toUpperCase()}__${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function camel(snake: string): string {
  return snake.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function parseEnvValue(raw: string): unknown {
  const t = raw.trim();
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || NOT_CONFIG_KEYS.has(name) || value === undefined) continue;
    const rest = name.slice(ENV_PREFIX.length);
    const [sectionRaw, keyRaw, ...extra] = rest.split('__');
    const section = (sectionRaw ?? '').toLowerCase();
    const shape = Object.hasOwn(CONFIG_SECTIONS, section)
      ? CONFIG_SECTIONS[section as keyof typeof CONFIG_SECTIONS].shape
      : undefined;
    const key = camel(keyRaw ?? '');
    if (!shape || extra.length > 0 || !keyRaw || !Object.hasOwn(shape, key)) {
      const known = shape ? Object.keys(shape).map((k) => envNameFor(section, k)).join(', ') : Object.keys(CONFIG_SECTIONS).join(', ');
      throw new CallwatchError('CW_ERR_CONFIG_UNKNOWN_KEY', `${name} (${shape ? 'keys of ' + section : 'sections'}: ${known})`, { key: name });
    }
    (out[section] ??= {})[key] = parseEnvValue(value);
  }
  return out;
}

function fromFile(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CallwatchError('CW_ERR_CONFIG_FILE', `${path}: ${errorMessage(err)}`, { path }, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CallwatchError('CW_ERR_CONFIG_FILE', `${path}: the top level must be a JSON object`, { path });
  }
  return parsed as Record<string, unknown>;
}

function merge(file: Record<string, unknown>, env: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...file };
  for (const [section, values] of Object.entries(env)) {
    const base = out[section];
    out[section] = { ...(typeof base === 'object' && base !== null ? base : {}), ...values };
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): { key: string; text: string; unknown: boolean } {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => [...issue.path, k].join('.'));
    return { key: keys.join(', '), text: `unknown key ${keys.join(', ')}`, unknown: true };
  }
  const key = issue.path.join('.');
  const [section, leaf] = issue.path;
  const env = typeof section === 'string' && typeof leaf === 'string' ? ` (env ${envNameFor(section, leaf)})` : '';
  return { key, text: `${key}${env}: ${issue.message}`, unknown: false };
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides applied last, for tests and tools that build a config in code. */
  overrides?: Record<string, Record<string, unknown>>;
}

/** The shared configuration (every section, as any service may read it). */
export function loadConfig(options: LoadOptions = {}): Config {
  return loadServiceConfig(configSchema, options);
}

/**
 * A service's configuration: the same sources, validated by the service's schema, which refines the
 * shared one (core/config/schema.ts) with what that service cannot start without. Checked once, at
 * start-up, before anything connects.
 */
export function loadServiceConfig<T>(schema: z.ZodType<T>, options: LoadOptions = {}): T {
  const env = options.env ?? process.env;
  return checkConfig(schema, merge(merge(fromFile(env.CALLWATCH_CONFIG_FILE), fromEnv(env)), options.overrides ?? {}));
}

/** Validates a configuration object (e.g. one loaded with the shared schema) against a service's schema. */
export function checkConfig<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map(describeIssue);
  const unknown = issues.find((i) => i.unknown);
  if (unknown) throw new CallwatchError('CW_ERR_CONFIG_UNKNOWN_KEY', unknown.key, { key: unknown.key });
  throw new CallwatchError('CW_ERR_CONFIG_INVALID', issues.map((i) => i.text).join('; '), {
    keys: issues.map((i) => i.key),
  });
}
