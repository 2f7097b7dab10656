import { afterEach, describe, expect, test } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileRealmCache, realmCacheFile } from '../../src/core/realmcache.js';
import { decideRealm } from '../../src/core/registry.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function cacheWith(entries: Record<string, unknown>, mode = 0o700) {
  const d = mkdtempSync(path.join(tmpdir(), 'grl-cache-'));
  dirs.push(d);
  const env = { XDG_CACHE_HOME: d, HOME: d };
  const file = realmCacheFile(env);
  mkdirSync(path.dirname(file), { recursive: true });
  chmodSync(path.dirname(file), mode);
  writeFileSync(file, JSON.stringify(entries), { mode: 0o600 });
  return fileRealmCache(env);
}
const good = { baseUrl: 'https://registry.example.com', realm: 'https://gitlab.example.com/jwt/auth', service: 'container_registry' };

describe('the realm cache is re-checked on every use', () => {
  test('a sound entry is used', () => {
    expect(cacheWith({ 'registry.example.com': good }).get('registry.example.com')).toEqual(good);
  });
  test.each([
    ['plain HTTP to a registry off loopback', { ...good, baseUrl: 'http://registry.example.com' }],
    ['another host than the registry it is filed under', { ...good, baseUrl: 'https://collector.example.net' }],
    ['a realm over plain HTTP off loopback', { ...good, realm: 'http://gitlab.example.com/jwt/auth' }],
    ['a realm with user info', { ...good, realm: 'https://u:p@gitlab.example.com/jwt/auth' }],
    ['a realm path that is not /jwt/auth', { ...good, realm: 'https://gitlab.example.com/../../api/v4/user' }],
  ])('%s: ignored', (_n, entry) => {
    expect(cacheWith({ 'registry.example.com': entry }).get('registry.example.com')).toBeUndefined();
  });
  test('a loopback registry may be plain HTTP', () => {
    const e = { baseUrl: 'http://127.0.0.1:5000', realm: 'http://127.0.0.1:8080/jwt/auth' };
    expect(cacheWith({ '127.0.0.1:5000': e }).get('127.0.0.1:5000')).toEqual(e);
  });
  test('a cache directory other users can write to is refused, neither read nor written', () => {
    const c = cacheWith({ 'registry.example.com': good }, 0o777);
    expect(c.get('registry.example.com')).toBeUndefined();
  });
});

describe('realm safety: only /jwt/auth-shaped paths on the instance', () => {
  const gl = new URL('https://gitlab.example.com');
  test.each(['https://gitlab.example.com/jwt/auth', 'https://gitlab.example.com/gitlab/jwt/auth'])('%s is accepted', (realm) => {
    expect(decideRealm(realm, gl, false).ok).toBe(true);
  });
  test.each([
    'https://gitlab.example.com/../../api/v4/user',
    'https://gitlab.example.com/api/v4/user',
    'https://gitlab.example.com/',
    'https://gitlab.example.com/jwt/auth/../../oauth/token',
  ])('%s is refused: untrusted-realm', (realm) => {
    const d = decideRealm(realm, gl, false);
    expect(d).toMatchObject({ ok: false, verdict: { verdict: 'untrusted-realm' } });
  });
  // Without --gitlab, the instance is the realm's: GITLAB_URL/jwt/auth (doc/administration/packages/container_registry.md),
  // so an instance under a relative URL root keeps its prefix (its API and token pages are under it).
  test.each([
    ['https://gitlab.example.com/jwt/auth', 'https://gitlab.example.com'],
    ['https://example.com/gitlab/jwt/auth', 'https://example.com/gitlab'],
    ['https://example.com:8443/a/b/jwt/auth/', 'https://example.com:8443/a/b'],
  ])('the instance of realm %s is %s', (realm, instance) => {
    expect(decideRealm(realm, undefined, false)).toMatchObject({ ok: true, value: { gitlab: instance } });
  });
  test.each([
    ['https://example.com', 'https://example.com/gitlab/jwt/auth', 'https://example.com/gitlab'],
    ['https://example.com/gitlab', 'https://example.com/gitlab/jwt/auth', 'https://example.com/gitlab'],
    // The person's instance is kept when the realm names no longer one (only its host must agree).
    ['https://example.com/gitlab', 'https://example.com/jwt/auth', 'https://example.com/gitlab'],
  ])('--gitlab %s with realm %s: the instance is %s (the prefix the realm names is kept)', (given, realm, instance) => {
    expect(decideRealm(realm, new URL(given), false)).toMatchObject({ ok: true, value: { gitlab: instance } });
  });
  test('the fix for a realm on another host names its instance with its prefix', () => {
    const d = decideRealm('https://other.example/gitlab/jwt/auth', gl, false);
    expect(d).toMatchObject({ ok: false, verdict: { fix: expect.stringContaining('pass --gitlab https://other.example/gitlab or --trust-realm') as string } });
  });
});
