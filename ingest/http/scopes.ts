import type { Principal } from '../../core/auth/api-keys.ts';
import { CallwatchError } from '../../core/errors.ts';
import { REPORT_CHANNELS, type ReportChannel } from '../../core/records.ts';

// The collector's own scope checks (keys are authenticated by core/auth/api-keys.ts).

/** The platform a CDR push is for: the key's one `ingest:<platform>` scope, or the `?platform=` it names. */
export function ingestPlatform(p: Principal, requested: string | undefined): string {
  const platforms = [...p.scopes].filter((s) => s.startsWith('ingest:')).map((s) => s.slice('ingest:'.length));
  if (platforms.length === 0) throw new CallwatchError('CW_ERR_FORBIDDEN', `key ${p.name} has no ingest:<platform> scope`);
  if (requested !== undefined) {
    if (!platforms.includes(requested)) throw new CallwatchError('CW_ERR_FORBIDDEN', `key ${p.name} may not ingest for that platform`);
    return requested;
  }
  if (platforms.length > 1) throw new CallwatchError('CW_ERR_BAD_REQUEST', `key ${p.name} ingests for several platforms: name one with ?platform=`);
  return platforms[0] ?? '';
}

/** The channel a report is submitted for: one of the key's `report:<CHANNEL>` scopes. */
export function reportChannel(p: Principal, requested: unknown): ReportChannel {
  const channels = REPORT_CHANNELS.filter((c) => p.scopes.has(`report:${c}`));
  if (channels.length === 0) throw new CallwatchError('CW_ERR_FORBIDDEN', `key ${p.name} has no report:<channel> scope`);
  if (typeof requested === 'string') {
    const c = channels.find((x) => x === requested);
    if (!c) throw new CallwatchError('CW_ERR_FORBIDDEN', `key ${p.name} may not submit reports for that channel`, { reason: 'channel_not_allowed' });
    return c;
  }
  const only = channels.length === 1 ? channels[0] : undefined;
  if (!only) throw new CallwatchError('CW_ERR_BAD_REQUEST', `key ${p.name} reports for several channels: set "channel"`);
  return only;
}
