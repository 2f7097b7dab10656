/** core/renew.ts: rotate the stored token through GitLab and log in with its successor, refusing before anything changes. */
import { afterEach, describe, expect, test } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpError } from '../../src/core/http.js';
import { resolveRequest } from '../../src/core/request.js';
import { dateAfterDays, previousLifetime, renewExitCode, renewToken, type RenewProgress } from '../../src/core/renew.js';
import type { Runner } from '../../src/core/process.js';
import { challenge, fakeHttp, fakeJwt } from '../helpers/fakes.js';

const REG = 'registry.gitlab.example.com';
const OLD = 'glpat-RENEW0old0secret00';
const NEW = 'glpat-RENEW0new0secret00';
const NOW = Date.UTC(2026, 10, 30, 12);

interface Tok {
  scopes: string[];
  revoked?: boolean;
  expires: string;
  created: string;
}

/** GitLab at https://gitlab.example.com and its registry, with a token API that rotates as GitLab does. */
function gitlab(tokens: Record<string, Tok>, opts: { lose?: boolean } = {}) {
  const posts: string[] = [];
  const fake = fakeHttp((url, headers) => {
    if (url.pathname === '/v2/' && url.host === REG && !headers.authorization) return challenge();
    if (url.host === 'gitlab.example.com:5050') return new HttpError('refused', 'connection refused');
    if (url.pathname === '/jwt/auth') {
      const basic = Buffer.from((headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      const t = tokens[basic.slice(basic.indexOf(':') + 1)];
      if (!t || t.revoked) return { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"HTTP Basic: Access denied."}]}' };
      return { status: 200, body: JSON.stringify({ token: fakeJwt([]) }) };
    }
    if (url.host === REG && headers.authorization?.startsWith('Bearer ')) return { status: 200, body: '{}' };
    const t = tokens[headers['private-token'] ?? ''];
    if (url.pathname === '/api/v4/personal_access_tokens/self') {
      if (!t) return { status: 401, body: '{"error":"invalid_token","error_description":"Bad Access Token."}' };
      if (t.revoked) return { status: 401, body: '{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}' };
      return {
        status: 200,
        body: JSON.stringify({
          name: 'laptop',
          scopes: t.scopes,
          active: true,
          revoked: false,
          expires_at: t.expires,
          created_at: `${t.created}T10:00:00.000Z`,
        }),
      };
    }
    if (url.pathname === '/api/v4/personal_access_tokens/self/rotate') {
      posts.push(url.search);
      if (!t!.scopes.includes('api') && !t!.scopes.includes('self_rotate'))
        return {
          status: 403,
          body: '{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api self_rotate"}',
        };
      const expires = url.searchParams.get('expires_at')!;
      t!.revoked = true;
      tokens[NEW] = { scopes: t!.scopes, expires, created: '2026-11-30' };
      if (opts.lose) return new HttpError('reset', 'https://gitlab.example.com closed the connection');
      return { status: 200, body: JSON.stringify({ name: 'laptop', scopes: t!.scopes, expires_at: expires, token: NEW }) };
    }
    return { status: 404, body: '' };
  });
  return { ...fake, posts };
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A DOCKER_CONFIG holding OLD for the registry (in the file), and a docker on PATH that the fake runner stands in for. */
function machine(config: Record<string, unknown> = { auths: { [REG]: { auth: Buffer.from(`alice:${OLD}`).toString('base64') } } }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-renew-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'bin'));
  writeFileSync(path.join(dir, 'bin', 'docker'), '#!/bin/sh\nexit 0\n');
  chmodSync(path.join(dir, 'bin', 'docker'), 0o755);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return { env: { PATH: path.join(dir, 'bin'), DOCKER_CONFIG: dir, HOME: dir }, config: () => readFileSync(path.join(dir, 'config.json'), 'utf8') };
}

function runner(fail = false) {
  const calls: Array<{ args: readonly string[]; input: string }> = [];
  const run: Runner = async (_file, args, o) => {
    calls.push({ args, input: o.input });
    return fail
      ? {
          exitCode: 1,
          stdout: '',
          stderr: 'Error saving credentials: error storing credentials - err: exit status 1, out: `no space left`',
          timedOut: false,
          notFound: false,
        }
      : { exitCode: 0, stdout: 'Login Succeeded', stderr: '', timedOut: false, notFound: false };
  };
  return { run, calls };
}

const request = resolveRequest({ flag: { registry: REG, gitlab: 'https://gitlab.example.com' } });
const deps = (http: ReturnType<typeof gitlab>['client'], env: NodeJS.ProcessEnv, run: Runner, progress: RenewProgress[] = []) => ({
  http,
  env,
  runner: run,
  engine: 'docker' as const,
  timeoutMs: 5000,
  now: () => NOW,
  onProgress: (p: RenewProgress) => progress.push(p),
});

describe('renewToken', () => {
  test('a self_rotate token: rotated with its previous lifetime, the successor verified and given to docker on stdin', async () => {
    const tokens: Record<string, Tok> = { [OLD]: { scopes: ['read_registry', 'self_rotate'], expires: '2026-12-05', created: '2026-09-06' } };
    const g = gitlab(tokens);
    const m = machine();
    const r = runner();
    const progress: RenewProgress[] = [];
    const out = await renewToken({ request }, deps(g.client, m.env, r.run, progress));
    expect(out).toMatchObject({
      ok: true,
      verdict: 'ok',
      rotation: 'rotated',
      stored: true,
      gitlab: 'https://gitlab.example.com',
      token: { name: 'laptop', previousExpiresAt: '2026-12-05', expiresAt: dateAfterDays(90, Date.now()) },
    });
    // 2026-09-06 → 2026-12-05: a 90-day token gets 90 days again.
    expect(g.posts).toEqual([`?expires_at=${dateAfterDays(90, NOW)}`]);
    expect(tokens[OLD]!.revoked).toBe(true);
    expect(r.calls.at(-1)).toMatchObject({ args: ['login', '--username', 'gitlab-registry-login', '--password-stdin', REG], input: `${NEW}\n` });
    expect(out.warnings[0]).toMatch(/CI\/CD variables, other machines/);
    expect(JSON.stringify(out)).not.toContain(NEW);
    expect(JSON.stringify(out)).not.toContain(OLD);
    expect(progress.map((p) => p.kind)).toEqual(expect.arrayContaining(['read', 'checked', 'rotating', 'rotated', 'storing']));
  });

  test('an api token, with --days', async () => {
    const g = gitlab({ [OLD]: { scopes: ['api'], expires: '2026-12-05', created: '2026-01-01' } });
    const out = await renewToken({ request, days: 30 }, deps(g.client, machine().env, runner().run));
    expect(out.ok).toBe(true);
    expect(g.posts).toEqual([`?expires_at=${dateAfterDays(30, NOW)}`]);
  });

  test('without self_rotate or api: refused (exit 1) with the successor link; nothing sent, docker not run, config unchanged', async () => {
    const tokens = { [OLD]: { scopes: ['read_registry'], expires: '2026-12-05', created: '2026-01-01' } };
    const g = gitlab(tokens);
    const m = machine();
    const before = m.config();
    const r = runner();
    const out = await renewToken({ request }, deps(g.client, m.env, r.run));
    expect(out).toMatchObject({ ok: false, verdict: 'no-rotate-scope', rotation: 'none', stored: false });
    expect(renewExitCode(out.verdict)).toBe(1);
    expect(out.message).toContain('self_rotate');
    expect(out.fix).toContain('https://gitlab.example.com/-/user_settings/personal_access_tokens?name=laptop&scopes=read_registry');
    expect(g.posts).toEqual([]);
    expect(r.calls).toEqual([]);
    expect(m.config()).toBe(before);
  });

  test("a store that will not take a new secret is found BEFORE rotating: docker's helper missing → refused, nothing rotated", async () => {
    const tokens = { [OLD]: { scopes: ['self_rotate'], expires: '2026-12-05', created: '2026-01-01' } };
    const g = gitlab(tokens);
    const m = machine({ credsStore: 'nowhere' });
    const out = await renewToken({ request, token: OLD }, deps(g.client, m.env, runner().run));
    expect(out).toMatchObject({ verdict: 'store-failed', rotation: 'none' });
    expect(out.message).toContain('not rotated');
    expect(g.posts).toEqual([]);
    expect(tokens[OLD]).not.toHaveProperty('revoked');
  });

  test('a store failing after the rotation: retried, then the last resort is offered; the old token is said to be revoked', async () => {
    const g = gitlab({ [OLD]: { scopes: ['self_rotate'], expires: '2026-12-05', created: '2026-01-01' } });
    const r = runner(true);
    const offered: string[] = [];
    const out = await renewToken(
      { request },
      {
        ...deps(g.client, machine().env, r.run),
        offerSuccessor: async (s) => (offered.push(s), true),
      },
    );
    expect(out).toMatchObject({ ok: false, rotation: 'rotated', stored: false, shown: true });
    expect(out.message).toContain('already revoked');
    expect(r.calls.filter((c) => c.args[0] === 'login').length).toBe(2);
    expect(offered).toEqual([NEW]);
    expect(JSON.stringify(out)).not.toContain(NEW);
  });

  test("a retry after a store failure neither finds the engine nor asks the helper's list again: list once, before rotating", async () => {
    const g = gitlab({ [OLD]: { scopes: ['self_rotate'], expires: '2026-12-05', created: '2026-01-01' } });
    const m = machine({ credsStore: 'counted' });
    const helper = path.join(m.env.DOCKER_CONFIG, 'bin', 'docker-credential-counted');
    writeFileSync(helper, '#!/bin/sh\nexit 0\n');
    chmodSync(helper, 0o755);
    const calls: string[] = [];
    const run: Runner = async (file, args) => {
      calls.push(`${path.basename(file)} ${args[0]}`);
      if (args[0] === 'list') return { exitCode: 0, stdout: `{"https://${REG}":"alice"}`, stderr: '', timedOut: false, notFound: false };
      if (args[0] === 'get') return { exitCode: 0, stdout: JSON.stringify({ Username: 'alice', Secret: OLD }), stderr: '', timedOut: false, notFound: false };
      const stderr = 'Error saving credentials: error storing credentials - err: exit status 1, out: `no space left`';
      return { exitCode: 1, stdout: '', stderr, timedOut: false, notFound: false };
    };
    const out = await renewToken({ request }, deps(g.client, m.env, run));
    expect(out).toMatchObject({ ok: false, rotation: 'rotated', stored: false });
    // The engine's login, its retry and the file fallback: three logins, and the helper listed once (before rotating).
    expect(calls.filter((c) => c.endsWith(' login'))).toEqual(['docker login', 'docker login', 'docker login']);
    expect(calls.filter((c) => c.endsWith(' list'))).toEqual(['docker-credential-counted list']);
  });

  test('a lost answer: never sent again; GitLab is asked whether the old token still works (revoked: rotated, successor lost)', async () => {
    const g = gitlab({ [OLD]: { scopes: ['self_rotate'], expires: '2026-12-05', created: '2026-01-01' } }, { lose: true });
    const r = runner();
    const out = await renewToken({ request }, deps(g.client, machine().env, r.run));
    expect(out).toMatchObject({ verdict: 'rotation-unknown', rotation: 'rotated', stored: false });
    expect(renewExitCode(out.verdict)).toBe(3);
    expect(out.fix).toContain('Check the token page: https://gitlab.example.com/-/user_settings/personal_access_tokens');
    expect(g.posts.length).toBe(1);
    expect(r.calls.filter((c) => c.args[0] === 'login')).toEqual([]);
  });

  test('nothing stored for the registry: not-logged-in, nothing sent', async () => {
    const g = gitlab({});
    const out = await renewToken({ request }, deps(g.client, machine({}).env, runner().run));
    expect(out).toMatchObject({ verdict: 'not-logged-in', rotation: 'none' });
    expect(g.seen).toEqual([]);
  });
});

test('previousLifetime: expires_at − created_at (GitLab keep_token_lifetime), 1..365; unknown → 365', () => {
  expect(previousLifetime({ createdAt: '2026-09-06', expiresAt: '2026-12-05' })).toBe(90);
  expect(previousLifetime({ createdAt: '2025-01-01', expiresAt: '2026-12-05' })).toBe(365);
  expect(previousLifetime({ createdAt: '2026-12-05', expiresAt: '2026-12-05' })).toBe(1);
  expect(previousLifetime({ expiresAt: '2026-12-05' })).toBe(365);
  expect(previousLifetime({ createdAt: '2026-01-01', expiresAt: null })).toBe(365);
});
