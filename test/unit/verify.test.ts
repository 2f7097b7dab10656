import { describe, expect, test } from 'vitest';
import { verifyCredential, type VerifyRequest } from '../../src/core/verify.js';
import { decideRealm } from '../../src/core/registry.js';
import { HttpError, type HttpClient, type HttpResponse } from '../../src/core/http.js';
import { fakeHttp, fakeJwt as jwt, challenge, type Route } from '../helpers/fakes.js';
import { parseRegistry, parseGitlabUrl } from '../../src/core/hosts.js';
import { exitCodeFor, VERDICTS } from '../../src/core/verdict.js';

const TOKEN = 'glpat-UNIT-secret-token';

const req = (over: Partial<VerifyRequest> = {}): VerifyRequest => ({
  registry: parseRegistry('registry.example.com'),
  credentialType: 'personal-access-token',
  username: 'alice',
  token: TOKEN,
  access: 'push',
  project: 'group/app',
  // The token's own record (GET /personal_access_tokens/self) has its tests in tokeninfo.test.ts; these follow
  // the registry flow request by request.
  tokenInfo: false,
  ...over,
});

function registryWith(token: Partial<HttpResponse>, check: Partial<HttpResponse> = { status: 200 }): Route {
  return (url) => {
    if (url.host === 'registry.example.com' && url.pathname === '/v2/') return challenge();
    if (url.host === 'gitlab.example.com') return token;
    return check;
  };
}

describe('verifyCredential classification', () => {
  test('ok: asks for exactly the scope wanted, with Basic auth, and checks the registry accepts the token', async () => {
    const { client, seen } = fakeHttp(
      registryWith(
        { status: 200, body: JSON.stringify({ token: jwt([{ type: 'repository', name: 'group/app', actions: ['pull', 'push'] }]) }) },
        { status: 404, body: '{"errors":[{"code":"NAME_UNKNOWN"}]}' },
      ),
    );
    const r = await verifyCredential(req(), { http: client });
    expect(r).toMatchObject({
      ok: true,
      verdict: 'ok',
      granted: ['pull', 'push'],
      gitlab: 'https://gitlab.example.com',
      realm: 'https://gitlab.example.com/jwt/auth',
    });
    const tokenReq = new URL(seen[1]!.url);
    expect(tokenReq.searchParams.get('scope')).toBe('repository:group/app:pull,push');
    expect(tokenReq.searchParams.get('service')).toBe('container_registry');
    expect(seen[1]!.headers.authorization).toBe(`Basic ${Buffer.from(`alice:${TOKEN}`).toString('base64')}`);
    expect(seen[2]!.url).toBe('https://registry.example.com/v2/group/app/tags/list?n=1');
    expect(seen[2]!.headers.authorization).toMatch(/^Bearer /);
    // The token went to the realm and nowhere else.
    expect(seen.filter((s) => JSON.stringify(s).includes(Buffer.from(`alice:${TOKEN}`).toString('base64'))).map((s) => new URL(s.url).host)).toEqual([
      'gitlab.example.com',
    ]);
    expect(r.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'registry:pass',
      'realm:pass',
      'credential:pass',
      'pull:pass',
      'push:pass',
      'registry-accepts:pass',
    ]);
  });

  test.each([
    ['non-JSON 200', { status: 200, body: '<html>' }, 'not-a-registry'],
    ['JSON without token', { status: 200, body: '{"foo":1}' }, 'not-a-registry'],
    ['401', { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"HTTP Basic: Access denied."}]}' }, 'invalid-credentials'],
    ['401 with a non-JSON body', { status: 401, body: 'nope' }, 'invalid-credentials'],
    ['403 access forbidden', { status: 403, body: '{"errors":[{"code":"DENIED","message":"access forbidden"}]}' }, 'no-registry-scope'],
    [
      '403 protected path',
      { status: 403, body: '{"errors":[{"code":"DENIED","message":"Pushing to protected repository path forbidden"}]}' },
      'insufficient-access',
    ],
    ['404 registry not enabled', { status: 404, body: '{"message":"404 registry not enabled"}' }, 'registry-disabled'],
    ['404 elsewhere', { status: 404, body: 'Not Found' }, 'not-a-registry'],
    ['302 to another host', { status: 302, headers: { location: 'https://evil.example.net/jwt' } }, 'untrusted-realm'],
    ['503 every time', { status: 503, body: '' }, 'unreachable'],
  ] as Array<[string, Partial<HttpResponse>, string]>)('token endpoint %s → %s', async (_n, res, want) => {
    const { client } = fakeHttp(registryWith(res));
    const r = await verifyCredential(req(), { http: client, sleep: async () => undefined });
    expect(r.verdict).toBe(want);
    expect(r.message + r.fix).not.toContain(TOKEN);
  });

  test('a garbage JWT: access cannot be read, so the verdict says so', async () => {
    const { client } = fakeHttp(registryWith({ status: 200, body: '{"token":"not.a.jwt.at.all"}' }));
    const r = await verifyCredential(req(), { http: client });
    expect(r.verdict).toBe('insufficient-access');
    expect(r.message).toMatch(/could not be read/);
  });

  test('429 then 200: retried, bounded', async () => {
    let n = 0;
    const good = { status: 200, body: JSON.stringify({ token: jwt([{ type: 'repository', name: 'group/app', actions: ['pull', 'push'] }]) }) };
    const { client, seen } = fakeHttp(registryWith({}, { status: 200 }));
    const wrapped: HttpClient = {
      ...client,
      get: async (url, h) => {
        if (new URL(url).host === 'gitlab.example.com' && n++ < 1) return { url, status: 429, headers: { 'retry-after': '0' }, wwwAuthenticate: [], body: '' };
        if (new URL(url).host === 'gitlab.example.com') return { url, headers: {}, wwwAuthenticate: [], ...good };
        return client.get(url, h);
      },
    };
    const r = await verifyCredential(req(), { http: wrapped });
    expect(r.verdict).toBe('ok');
    expect(n).toBe(2);
    expect(seen.length).toBeGreaterThan(0);
  });

  test.each([
    ['timeout', new HttpError('timeout', 'x did not answer'), 'unreachable'],
    ['dns', new HttpError('dns', 'no such host'), 'unreachable'],
    ['tls', new HttpError('tls', 'bad cert', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls-error'],
    ['too-large', new HttpError('too-large', 'sent more than 1024 KiB'), 'not-a-registry'],
  ])('registry transport %s → %s', async (_n, err, want) => {
    const { client } = fakeHttp(() => err);
    const r = await verifyCredential(req(), { http: client });
    expect(r.verdict).toBe(want);
  });

  test.each([
    ['no challenge header', { status: 401 }],
    ['Basic only', { status: 401, wwwAuthenticate: ['Basic realm="r"'] }],
    ['malformed header', { status: 401, wwwAuthenticate: ['Bearer realm="unterminated'] }],
    ['bearer without realm', { status: 401, wwwAuthenticate: ['Bearer service="x"'] }],
    ['no auth at all', { status: 200 }],
    ['500', { status: 500 }],
  ] as Array<[string, Partial<HttpResponse>]>)('registry %s → not-a-registry, token never sent', async (n, res) => {
    const { client, seen } = fakeHttp(() => res);
    const waits: number[] = [];
    const r = await verifyCredential(req(), { http: client, sleep: async (ms) => void waits.push(ms) });
    expect(r.verdict).toBe('not-a-registry');
    expect(seen.every((s) => s.headers.authorization === undefined)).toBe(true);
    // A 5xx challenge is asked twice more, after 250 and 500 ms (registry.ts getWithRetry), through the injected sleep.
    expect(waits).toEqual(n === '500' ? [250, 500] : []);
    if (n === '500') expect(seen).toHaveLength(3);
  });

  test('realm on another host than the known instance: untrusted, token never sent', async () => {
    const { client, seen } = fakeHttp((url) => (url.pathname === '/v2/' ? challenge('https://collector.example.net/jwt/auth') : { status: 200 }));
    const r = await verifyCredential(req({ gitlab: parseGitlabUrl('https://gitlab.example.com') }), { http: client });
    expect(r.verdict).toBe('untrusted-realm');
    expect(seen).toHaveLength(1);
  });

  test('plain-HTTP realm off loopback: untrusted even with --trust-realm', async () => {
    const { client, seen } = fakeHttp((url) => (url.pathname === '/v2/' ? challenge('http://gitlab.example.com/jwt/auth') : { status: 200 }));
    const r = await verifyCredential(req({ trustRealm: true }), { http: client });
    expect(r.verdict).toBe('untrusted-realm');
    expect(seen).toHaveLength(1);
  });
});

test('an https realm redirecting to plain http is not followed: the Authorization header goes nowhere', async () => {
  const { client, seen } = fakeHttp((url) => {
    if (url.pathname === '/v2/' && url.host === 'registry.example.com') return challenge();
    if (url.protocol === 'https:' && url.host === 'gitlab.example.com') return { status: 301, headers: { location: 'http://gitlab.example.com/jwt/auth' } };
    return { status: 200, body: '{}' };
  });
  const r = await verifyCredential(req(), { http: client });
  expect(r.verdict).toBe('untrusted-realm');
  expect(seen.filter((s) => s.url.startsWith('http:'))).toEqual([]);
});

describe('decideRealm', () => {
  const gl = parseGitlabUrl('https://gitlab.example.com');
  test.each([
    ['https://gitlab.example.com/jwt/auth', gl, false, 'ok'],
    ['https://gitlab.example.com:443/jwt/auth', gl, false, 'ok'],
    ['https://gitlab.example.com:8443/jwt/auth', gl, false, 'untrusted-realm'],
    ['https://GITLAB.example.com/jwt/auth', gl, false, 'ok'],
    ['https://gitlab.example.com.evil.net/jwt/auth', gl, false, 'untrusted-realm'],
    ['https://other.example.com/jwt/auth', gl, true, 'ok'],
    ['http://gitlab.example.com/jwt/auth', undefined, false, 'untrusted-realm'],
    ['http://127.0.0.1:3000/jwt/auth', undefined, false, 'ok'],
    ['https://u:p@gitlab.example.com/jwt/auth', undefined, false, 'untrusted-realm'],
    ['not a url', undefined, false, 'not-a-registry'],
    ['file:///etc/passwd', undefined, false, 'not-a-registry'],
  ] as Array<[string, URL | undefined, boolean, string]>)('%s (trust %s) → %s', (realm, gitlab, trust, want) => {
    const d = decideRealm(realm, gitlab, trust);
    expect(d.ok ? 'ok' : d.verdict.verdict).toBe(want);
  });
  test('unknown instance: the realm host is reported as the instance', () => {
    const d = decideRealm('https://gitlab.example.com/jwt/auth', undefined, false);
    expect(d.ok && d.value.gitlab).toBe('https://gitlab.example.com');
  });
});

test('exit codes per verdict', () => {
  const codes = Object.fromEntries(VERDICTS.map((v) => [v, exitCodeFor(v)]));
  expect(codes).toEqual({
    ok: 0,
    'invalid-credentials': 1,
    'no-registry-scope': 1,
    'insufficient-access': 1,
    'registry-disabled': 1,
    'storage-limit': 1,
    'ip-blocked': 3,
    'gitlab-refused': 1,
    'untrusted-realm': 1,
    unreachable: 3,
    'tls-error': 3,
    'not-a-registry': 3,
    'registry-rejected-token': 1,
    'login-failed': 1,
    'store-failed': 1,
    'engine-missing': 1,
  });
});

describe('a remembered realm', () => {
  const known = { baseUrl: 'https://registry.example.com', realm: 'https://gitlab.example.com/jwt/auth', service: 'container_registry' };
  const granted = { status: 200, body: JSON.stringify({ token: jwt([{ type: 'repository', name: 'group/app', actions: ['pull', 'push'] }]) }) };
  const paths = (seen: Array<{ url: string }>) => seen.map((s) => `${new URL(s.url).host}${new URL(s.url).pathname}`);

  test('is asked at once: no challenge request', async () => {
    const { client, seen } = fakeHttp(registryWith(granted));
    const r = await verifyCredential(req({ knownRealm: known }), { http: client });
    expect(r).toMatchObject({ ok: true, realm: known.realm });
    expect(paths(seen)).toEqual(['gitlab.example.com/jwt/auth', 'registry.example.com/v2/group/app/tags/list']);
    expect(r.steps[0]).toMatchObject({ id: 'registry', detail: 'realm remembered' });
  });

  test('that no longer answers: the challenge is asked, and its realm used', async () => {
    const { client, seen } = fakeHttp((url) => {
      if (url.host === 'old-gitlab.example.com') return new HttpError('refused', 'connection refused');
      return registryWith(granted)(url, {});
    });
    const r = await verifyCredential(req({ knownRealm: { ...known, realm: 'https://old-gitlab.example.com/jwt/auth' } }), { http: client });
    expect(r).toMatchObject({ ok: true, realm: 'https://gitlab.example.com/jwt/auth' });
    expect(paths(seen)).toEqual([
      'old-gitlab.example.com/jwt/auth',
      'registry.example.com/v2/',
      'gitlab.example.com/jwt/auth',
      'registry.example.com/v2/group/app/tags/list',
    ]);
  });

  test('that answers but is stale (the registry now names another realm): verified again at the new one', async () => {
    const { client, seen } = fakeHttp((url) => {
      if (url.host === 'old-gitlab.example.com') return { status: 401, body: '{"message":"HTTP Basic: Access denied."}' };
      return registryWith(granted)(url, {});
    });
    const r = await verifyCredential(req({ knownRealm: { ...known, realm: 'https://old-gitlab.example.com/jwt/auth' } }), { http: client });
    expect(r).toMatchObject({ ok: true, verdict: 'ok', realm: 'https://gitlab.example.com/jwt/auth' });
    expect(paths(seen).filter((p) => p.endsWith('/jwt/auth'))).toEqual(['old-gitlab.example.com/jwt/auth', 'gitlab.example.com/jwt/auth']);
  });

  test('that is current, with a wrong token: the verdict stands and the token is sent once', async () => {
    const { client, seen } = fakeHttp(registryWith({ status: 401, body: '{"message":"HTTP Basic: Access denied."}' }));
    const r = await verifyCredential(req({ knownRealm: known }), { http: client });
    expect(r.verdict).toBe('invalid-credentials');
    // Then, for the fix's link, the instance's personal-access-token page is asked for, without any credential.
    expect(paths(seen)).toEqual(['gitlab.example.com/jwt/auth', 'registry.example.com/v2/', 'gitlab.example.com/-/profile/personal_access_tokens']);
    expect(seen.filter((s) => s.headers.authorization?.startsWith('Basic ')).length).toBe(1);
    expect(seen.filter((s) => s.headers.authorization).length).toBe(1);
  });

  test('when the registry no longer answers like one either: its verdict is reported, not the stale realm’s', async () => {
    const { client, seen } = fakeHttp((url) =>
      url.host === 'registry.example.com' ? { status: 401, wwwAuthenticate: ['Basic realm="x"'] } : new HttpError('refused', 'connection refused'),
    );
    const r = await verifyCredential(req({ knownRealm: known }), { http: client });
    expect(r.verdict).toBe('not-a-registry');
    expect(seen.filter((s) => s.headers.authorization).map((s) => new URL(s.url).host)).toEqual(['gitlab.example.com']);
    // The registry is asked once: its answer is reused, not fetched again.
    expect(seen.filter((s) => new URL(s.url).pathname === '/v2/')).toHaveLength(1);
  });

  test('when the registry cannot be reached either: that is the verdict', async () => {
    const { client } = fakeHttp(() => new HttpError('refused', 'connection refused'));
    const r = await verifyCredential(req({ knownRealm: known }), { http: client });
    expect(r.verdict).toBe('unreachable');
    expect(r.message).toContain('registry.example.com');
  });
});
