import { describe, expect, test } from 'vitest';
import { daysUntil, expiryAdvice, expiryLine, expiryWarning, fetchTokenInfo, successorLink } from '../../src/core/tokeninfo.js';
import { verifyCredential, ANY_LOGIN, type VerifyRequest } from '../../src/core/verify.js';
import { accountOf, readClaims } from '../../src/core/jwt.js';
import { HttpError, type HttpResponse } from '../../src/core/http.js';
import { parseRegistry } from '../../src/core/hosts.js';
import { challenge, fakeHttp } from '../helpers/fakes.js';

const TOKEN = 'glpat-UNIT-secret-token';
const NOW = Date.parse('2026-11-30T03:00:00Z');
const GITLAB = 'https://gitlab.example.com';
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwtWith = (claims: Record<string, unknown>) => `${b64({ alg: 'RS256' })}.${b64({ access: [], ...claims })}.sig`;

const api = (res: Partial<HttpResponse> | Error) => fakeHttp((url) => (url.pathname === '/api/v4/personal_access_tokens/self' ? res : { status: 404 }));
const self = (o: Record<string, unknown>) => ({
  status: 200,
  body: JSON.stringify({ id: 1, name: 'laptop', revoked: false, active: true, scopes: ['read_registry'], expires_at: '2026-12-31', ...o }),
});

describe('fetchTokenInfo: GET /api/v4/personal_access_tokens/self', () => {
  test('an active token: name, scopes, expiry and whole days left; the token travels in PRIVATE-TOKEN only to the instance', async () => {
    const { client, seen } = api(self({}));
    const info = await fetchTokenInfo(client, GITLAB, TOKEN, NOW);
    expect(info).toEqual({ state: 'active', name: 'laptop', scopes: ['read_registry'], expiresAt: '2026-12-31', daysLeft: 31 });
    expect(expiryLine(info)).toBe('expires 2026-12-31 (31 days)');
    expect(seen).toEqual([{ url: `${GITLAB}/api/v4/personal_access_tokens/self`, headers: { 'private-token': TOKEN } }]);
  });

  test('expired and revoked: GitLab 401 texts from lib/api/api_guard.rb', async () => {
    const expired = await fetchTokenInfo(
      api({ status: 401, body: '{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}' })
        .client,
      GITLAB,
      TOKEN,
      NOW,
    );
    expect(expired).toEqual({ state: 'expired', gitlabSays: 'Token is expired. You can either do re-authorization or token refresh.' });
    const revoked = await fetchTokenInfo(
      api({ status: 401, body: '{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}' }).client,
      GITLAB,
      TOKEN,
      NOW,
    );
    expect(revoked.state).toBe('revoked');
    expect(expiryLine(revoked)).toContain('has been revoked');
  });

  test('a token whose expiry date is today is expired (GitLab refuses it already)', async () => {
    expect((await fetchTokenInfo(api(self({ expires_at: '2026-11-30' })).client, GITLAB, TOKEN, NOW)).state).toBe('expired');
  });

  test.each([
    ['an instance without the API (404)', { status: 404, body: '{"message":"404 Not Found"}' }, /no personal_access_tokens\/self/],
    [
      'a token that is not an access token (400)',
      { status: 400, body: '{"message":"400 Bad request - This endpoint requires token type to be a personal access token"}' },
      /did not take it as an access token/,
    ],
    ['a 500', { status: 500, body: 'oops' }, /HTTP 500/],
    ['a transport failure', new HttpError('timeout', 'request to https://gitlab.example.com timed out'), /could not be asked.*timed out/],
  ] as Array<[string, Partial<HttpResponse> | Error, RegExp]>)('%s: unavailable, with the reason', async (_n, res, why) => {
    const info = await fetchTokenInfo(api(res).client, GITLAB, TOKEN, NOW);
    expect(info.state).toBe('unavailable');
    expect(info.state === 'unavailable' && info.reason).toMatch(why);
  });

  test('plain HTTP off loopback: nothing is sent', async () => {
    const { client, seen } = api(self({}));
    expect((await fetchTokenInfo(client, 'http://gitlab.example.com', TOKEN, NOW)).state).toBe('unavailable');
    expect(seen).toHaveLength(0);
  });

  test('a hostile name and scopes are data: control characters stripped, length capped', async () => {
    const info = await fetchTokenInfo(api(self({ name: `evil\u001b[2J\r\n${'x'.repeat(500)}`, scopes: ['read_registry\u0007'] })).client, GITLAB, TOKEN, NOW);
    expect(info.state === 'active' && info.name).not.toMatch(/[\u0000-\u001f]/);
    expect(info.state === 'active' && info.name.length).toBeLessThanOrEqual(101);
    expect(info.state === 'active' && info.scopes).toEqual(['read_registry']);
  });

  test('days and the successor link', () => {
    expect(daysUntil('2026-12-01', NOW)).toBe(1);
    expect(successorLink(GITLAB, 'personal-access-token', 'my laptop', ['read_registry', 'write_registry'])).toBe(
      `${GITLAB}/-/user_settings/personal_access_tokens?name=my+laptop&scopes=read_registry,write_registry`,
    );
    const soon = { state: 'active' as const, name: 'laptop', scopes: ['read_registry'], expiresAt: '2026-12-05', daysLeft: 5 };
    expect(expiryWarning(soon, GITLAB, 'personal-access-token')).toBe(
      `The personal access token "laptop" expires in 5 days (2026-12-05): create its successor at ${GITLAB}/-/user_settings/personal_access_tokens?name=laptop&scopes=read_registry and log in again.`,
    );
    expect(expiryWarning({ ...soon, daysLeft: 15 }, GITLAB, 'personal-access-token')).toBeUndefined();
  });

  test('one choice for every command and the wizard: self_rotate or api → renew it now; neither → the successor link', () => {
    const soon = { state: 'active' as const, name: 'laptop', scopes: ['read_registry', 'self_rotate'], expiresAt: '2026-12-05', daysLeft: 5 };
    const reg = 'registry.example.com';
    expect(expiryAdvice(soon, GITLAB, 'personal-access-token', undefined, reg)).toEqual({
      kind: 'renew',
      command: 'gitlab-registry-login renew --registry registry.example.com',
    });
    expect(expiryWarning(soon, GITLAB, 'personal-access-token', undefined, reg)).toBe(
      'The personal access token "laptop" expires in 5 days (2026-12-05): renew it now: gitlab-registry-login renew --registry registry.example.com',
    );
    expect(expiryAdvice({ ...soon, scopes: ['api'] }, GITLAB, 'project-access-token', 'g/p', reg)).toMatchObject({ kind: 'renew' });
    expect(expiryAdvice({ ...soon, scopes: ['read_registry'] }, GITLAB, 'personal-access-token', undefined, reg)).toEqual({
      kind: 'successor',
      link: `${GITLAB}/-/user_settings/personal_access_tokens?name=laptop&scopes=read_registry`,
    });
    // Without the registry there is no command to give: the successor link, as before.
    expect(expiryAdvice(soon, GITLAB, 'personal-access-token')).toMatchObject({ kind: 'successor' });
    expect(expiryAdvice({ ...soon, daysLeft: 15 }, GITLAB, 'personal-access-token', undefined, reg)).toBeUndefined();
    expect(expiryAdvice({ state: 'expired', gitlabSays: 'x' }, GITLAB, 'personal-access-token', undefined, reg)).toBeUndefined();
  });
});

describe('the account in the issued token', () => {
  test('sub is the owner; a deploy token has only the user claim', () => {
    expect(accountOf(readClaims(jwtWith({ sub: 'alice' })))).toBe('alice');
    const user = jwtWith({ user_info: { token_type: 'deploy_token', username: 'gitlab+deploy-token-42', deploy_token_id: 42 } });
    expect(accountOf(readClaims(jwtWith({ user })))).toBe('gitlab+deploy-token-42');
    expect(accountOf(readClaims(jwtWith({ sub: 'bad\u001bname' })))).toBeUndefined();
    expect(accountOf(readClaims(jwtWith({})))).toBeUndefined();
  });
});

describe('verify with the token record', () => {
  const req = (over: Partial<VerifyRequest> = {}): VerifyRequest => ({
    registry: parseRegistry('registry.example.com'),
    credentialType: 'personal-access-token',
    token: TOKEN,
    access: 'pull',
    ...over,
  });
  const flow = (
    tokenInfo: Partial<HttpResponse> | (() => Promise<Partial<HttpResponse>>),
    jwt: Partial<HttpResponse> = {
      status: 200,
      body: JSON.stringify({ token: jwtWith({ sub: 'alice', access: [{ type: 'repository', name: 'group/app', actions: ['pull'] }] }) }),
    },
  ) =>
    fakeHttp((url, headers) => {
      if (url.host === 'registry.example.com' && !headers.authorization) return challenge();
      if (url.pathname === '/jwt/auth') return jwt;
      if (url.pathname === '/api/v4/personal_access_tokens/self') return typeof tokenInfo === 'function' ? tokenInfo() : tokenInfo;
      return { status: 200, body: '{}' };
    });

  test('runs concurrently: the API answers only once the registry has been asked with the issued token', async () => {
    let release!: () => void;
    const registryAsked = new Promise<void>((r) => (release = r));
    const { client, seen } = fakeHttp(async (url, headers) => {
      if (url.host === 'registry.example.com' && !headers.authorization) return challenge();
      if (url.pathname === '/jwt/auth') return { status: 200, body: JSON.stringify({ token: jwtWith({ sub: 'alice' }) }) };
      if (url.pathname === '/api/v4/personal_access_tokens/self') {
        await registryAsked;
        return self({});
      }
      release();
      return { status: 200, body: '{}' };
    });
    const r = await Promise.race([
      verifyCredential(req(), { http: client }),
      new Promise<never>((_, no) => setTimeout(() => no(new Error('sequential: the lookup blocked the registry check')), 2000)),
    ]);
    expect(r).toMatchObject({ ok: true, account: 'alice', token: { state: 'active', name: 'laptop' } });
    expect(seen.map((s) => new URL(s.url).pathname)).toEqual(['/v2/', '/jwt/auth', '/api/v4/personal_access_tokens/self', '/v2/']);
  });

  test('no username: any login is sent, the real account is what the engine stores; the message names it', async () => {
    const { client, seen } = flow(self({}));
    const r = await verifyCredential(req({ project: 'group/app' }), { http: client });
    expect(Buffer.from(seen[1]!.headers.authorization!.slice(6), 'base64').toString()).toBe(`${ANY_LOGIN}:${TOKEN}`);
    expect(r).toMatchObject({ account: 'alice', engineUsername: 'alice', remarks: [] });
    expect(r.message).toBe('alice (personal access token) can pull group/app on registry.example.com.');
  });

  test('a username GitLab ignored and that differs: one note, and the real one stored', async () => {
    const r = await verifyCredential(req({ username: 'nobody' }), { http: flow(self({})).client });
    expect(r).toMatchObject({ ok: true, account: 'alice', engineUsername: 'alice', username: 'nobody' });
    expect(r.remarks).toEqual(['GitLab ignores the username for a personal access token: this one belongs to alice, not "nobody"; alice is the name stored.']);
  });

  test('push without a project: a token without write_registry or api is insufficient-access with the scope fix', async () => {
    const r = await verifyCredential(req({ access: 'push' }), { http: flow(self({ scopes: ['read_registry'] })).client });
    expect(r).toMatchObject({ ok: false, verdict: 'insufficient-access' });
    expect(r.message).toContain('without write_registry');
    expect(r.fix).toContain('read_registry and write_registry');
    for (const scopes of [['read_registry', 'write_registry'], ['api']]) {
      expect((await verifyCredential(req({ access: 'push' }), { http: flow(self({ scopes })).client })).ok).toBe(true);
    }
    // Scopes unknown (the API is missing): the login is not affected; the message says push was not checked.
    const unknown = await verifyCredential(req({ access: 'push' }), { http: flow({ status: 404, body: '' }).client });
    expect(unknown).toMatchObject({ ok: true, token: { state: 'unavailable' } });
    expect(unknown.message).toContain('pull and push were not checked');
  });

  test("a 401 from the token endpoint for an expired token says it expired, in GitLab's words", async () => {
    const { client } = flow(
      { status: 401, body: '{"error":"invalid_token","error_description":"Token is expired. You can either do re-authorization or token refresh."}' },
      { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"HTTP Basic: Access denied."}]}' },
    );
    const r = await verifyCredential(req(), { http: client });
    expect(r).toMatchObject({ verdict: 'invalid-credentials', token: { state: 'expired' } });
    expect(r.message).toBe(
      'GitLab rejected the personal access token: it has expired (GitLab: Token is expired. You can either do re-authorization or token refresh.).',
    );
  });

  test('deploy and job tokens: no lookup at all', async () => {
    for (const credentialType of ['deploy-token', 'job-token'] as const) {
      const { client, seen } = flow(self({}));
      const r = await verifyCredential(req({ credentialType, username: credentialType === 'deploy-token' ? 'gitlab+deploy-token-1' : 'gitlab-ci-token' }), {
        http: client,
      });
      expect(r.token).toBeUndefined();
      expect(seen.some((s) => s.url.includes('/api/v4/'))).toBe(false);
    }
  });
});
