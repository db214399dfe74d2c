import { describe, expect, it } from 'vitest';
import { CallwatchError } from '../errors.ts';
import { ApiKeyStore, presentedKey, requireScope, sha256Hex } from './api-keys.ts';

const store = new ApiKeyStore([{ name: 'pbx1', sha256: sha256Hex('key-pbx1'), scopes: ['ingest:pbx1'] }]);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof CallwatchError ? `${String(err.status)} ${err.code}: ${err.message}` : String(err);
  }
}

describe('ApiKeyStore', () => {
  it('finds the principal by the hash of a Bearer or X-API-Key key', () => {
    expect(store.authenticate({ authorization: 'Bearer key-pbx1' }).name).toBe('pbx1');
    expect(store.authenticate({ 'x-api-key': ' key-pbx1 ' }).name).toBe('pbx1');
    expect(presentedKey({ authorization: 'Basic abc' })).toBeUndefined();
  });

  it('takes the key as the Basic password only when asked, whatever the user name', () => {
    const basic = (cred: string) => ({ authorization: `Basic ${Buffer.from(cred).toString('base64')}` });
    expect(presentedKey(basic('freeswitch:key-pbx1'))).toBeUndefined();
    expect(store.authenticate(basic('freeswitch:key-pbx1'), { basic: true }).name).toBe('pbx1');
    expect(store.authenticate(basic('pbx1:key-pbx1'), { basic: true }).name).toBe('pbx1');
    expect(store.authenticate(basic(':key-pbx1'), { basic: true }).name).toBe('pbx1');
    expect(presentedKey(basic('user:pa:ss'), { basic: true })).toBe('pa:ss');
    expect(presentedKey(basic('key-pbx1'), { basic: true })).toBeUndefined();
    expect(presentedKey(basic('user:'), { basic: true })).toBeUndefined();
    expect(presentedKey({ authorization: 'Basic %%%' }, { basic: true })).toBeUndefined();
    expect(codeOf(() => store.authenticate(basic('pbx1:wrong'), { basic: true }))).toMatch(/^401 CW_ERR_UNAUTHORIZED: .*not recognised/);
  });

  it('refuses a missing or unknown key with the one unauthorized failure (services name it on the wire)', () => {
    expect(codeOf(() => store.authenticate({}))).toBe('401 CW_ERR_UNAUTHORIZED: missing or unknown API key: send Authorization: Bearer <key> or X-API-Key');
    expect(codeOf(() => store.authenticate({ authorization: 'Bearer nope' }))).toBe('401 CW_ERR_UNAUTHORIZED: missing or unknown API key: key not recognised');
  });

  it('requireScope passes a held scope and refuses another', () => {
    const p = store.authenticate({ authorization: 'Bearer key-pbx1' });
    expect(codeOf(() => { requireScope(p, 'ingest:pbx1'); })).toBeUndefined();
    expect(codeOf(() => { requireScope(p, 'investigate'); })).toBe('403 CW_ERR_FORBIDDEN: API key lacks the scope for this request: key pbx1 has no investigate scope');
  });
});
