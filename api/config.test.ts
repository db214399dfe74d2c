import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/load.ts';
import { isCallwatchError } from '../core/errors.ts';

describe('api config section', () => {
  it('has defaults and reads CALLWATCH_API__* variables', () => {
    const config = loadConfig({ env: { CALLWATCH_API__PORT: '18500', CALLWATCH_API__MAX_PAGE_SIZE: '200', CALLWATCH_API__DEFAULT_REGION: 'IE' } });
    expect(config.api).toMatchObject({ host: '127.0.0.1', port: 18_500, maxPageSize: 200, defaultPageSize: 50, defaultRegion: 'IE', minPrefixDigits: 4 });
  });

  it('rejects unknown keys, unknown regions and a default page larger than the largest', () => {
    const codeOf = (env: Record<string, string>): string | undefined => {
      try {
        loadConfig({ env });
      } catch (err) {
        return isCallwatchError(err) ? err.code : 'other';
      }
      return undefined;
    };
    expect(codeOf({ CALLWATCH_API__PAGE_SIZE: '10' })).toBe('CW_ERR_CONFIG_UNKNOWN_KEY');
    expect(codeOf({ CALLWATCH_API__DEFAULT_REGION: 'XX' })).toBe('CW_ERR_CONFIG_INVALID');
    expect(codeOf({ CALLWATCH_API__DEFAULT_PAGE_SIZE: '500', CALLWATCH_API__MAX_PAGE_SIZE: '100' })).toBe('CW_ERR_CONFIG_INVALID');
  });
});
