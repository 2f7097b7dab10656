import { describe, expect, test } from 'vitest';
import { loginSession, verifyOnChallenge, verifySession, type Progress } from '../../src/core/session.js';
import { resolveRequest, type Layers } from '../../src/core/request.js';
import type { KnownRealm, RealmCache } from '../../src/core/realmcache.js';
import { fakeGitlabHttp, fakeRunner } from '../helpers/fakes.js';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TOKEN = 'glpat-SESSION-secret';
const GOOD = { [TOKEN]: ['pull', 'push'] };

function memoryCache(initial: Record<string, KnownRealm> = {}): RealmCache & { writes: string[] } {
  const map = new Map(Object.entries(initial));
  const writes: string[] = [];
  return { writes, get: (r) => map.get(r), set: (r, v) => (writes.push(r), map.set(r, v), undefined) };
}

const input = (layers: Layers, token = TOKEN) => ({ request: resolveRequest(layers), token, trustRealm: false });
const pat = { credentialType: 'personal-access-token', username: 'alice', project: 'group/app' } as const;

/** A directory on PATH with a `docker` that exists (the runner is fake, so it never runs). */
function fakeDockerPath() {
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-session-'));
  writeFileSync(path.join(dir, 'docker'), '#!/bin/sh\nexit 0\n');
  chmodSync(path.join(dir, 'docker'), 0o755);
  return { env: { PATH: dir }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('the verify-and-login session', () => {
  test('verifyOnChallenge: the challenge given is the known realm (verification starts at the token endpoint); the token never in what it says', async () => {
    const { client, seen } = fakeGitlabHttp({ [TOKEN]: 403 });
    const echo: typeof client = {
      ...client,
      // A token endpoint that quotes the credential back (a proxy's page, a debug build): it must not reach the output.
      get: async (url, headers, o) => {
        const r = await client.get(url, headers, o);
        return new URL(url).pathname === '/jwt/auth' ? { ...r, body: JSON.stringify({ errors: [{ code: 'DENIED', message: `no access for ${TOKEN}` }] }) } : r;
      },
    };
    const challenge = { baseUrl: 'https://registry.gitlab.example.com', realm: 'https://gitlab.example.com/jwt/auth', service: 'container_registry' };
    const v = await verifyOnChallenge(input({ flag: { ...pat, registry: 'registry.gitlab.example.com' } }), challenge, { http: echo, env: {} });
    expect(v).toMatchObject({ ok: false, verdict: 'gitlab-refused' });
    // The verification starts at GitLab's token endpoint: the challenge given stood for the registry's.
    expect(new URL(seen[0]!.url).pathname).toBe('/jwt/auth');
    expect(JSON.stringify(v)).not.toContain(TOKEN);
    expect(v.message).toContain('[token]');
  });

  test('verifySession: a token an answer quotes back is [token] in the result and in every step reported on the way', async () => {
    const { client } = fakeGitlabHttp({ [TOKEN]: 403 });
    const echo: typeof client = {
      ...client,
      // GitLab never quotes the credential; a proxy's error page or a debug build might. verify, login and the wizard print this.
      get: async (url, headers, o) => {
        const r = await client.get(url, headers, o);
        return new URL(url).pathname === '/jwt/auth' ? { ...r, body: JSON.stringify({ errors: [{ code: 'DENIED', message: `no access for ${TOKEN}` }] }) } : r;
      },
    };
    const progress: Progress[] = [];
    const o = await verifySession(input({ flag: { ...pat, registry: 'registry.gitlab.example.com' } }), {
      http: echo,
      env: {},
      onProgress: (p) => void progress.push(p),
    });
    expect(o.kind === 'verified' && o.verify).toMatchObject({ ok: false, verdict: 'gitlab-refused' });
    expect(o.kind === 'verified' && o.verify.message).toContain('[token]');
    expect(JSON.stringify(o)).not.toContain(TOKEN);
    expect(progress.some((p) => p.kind === 'step')).toBe(true);
    expect(JSON.stringify(progress)).not.toContain(TOKEN);
  });

  test("a registry's 5xx challenge is retried with the session's sleep, not real time", async () => {
    const { client } = fakeGitlabHttp(GOOD);
    let challenges = 0;
    // The registry answers its first two challenges with 503, then as usual.
    const busy: typeof client = {
      ...client,
      get: async (url, headers, o) =>
        new URL(url).pathname === '/v2/' && !headers?.authorization && ++challenges <= 2
          ? { url, status: 503, headers: {}, wwwAuthenticate: [], body: '' }
          : client.get(url, headers, o),
    };
    const waits: number[] = [];
    const o = await verifySession(input({ flag: { ...pat, registry: 'registry.gitlab.example.com' } }), {
      http: busy,
      env: {},
      sleep: async (ms) => void waits.push(ms),
    });
    expect(o.kind === 'verified' && o.verify.ok).toBe(true);
    expect(challenges).toBe(3);
    expect(waits).toEqual([250, 500]);
  });

  test('discovery → verify → realm cache write, with progress', async () => {
    const { client, seen } = fakeGitlabHttp(GOOD);
    const cache = memoryCache();
    const progress: Progress[] = [];
    const o = await verifySession(input({ flag: { ...pat, gitlab: 'https://gitlab.example.com' } }), {
      http: client,
      env: {},
      realmCache: cache,
      onProgress: (p) => progress.push(p),
    });
    expect(o.kind).toBe('verified');
    if (o.kind !== 'verified') return;
    expect(o.verify).toMatchObject({ ok: true, registry: 'registry.gitlab.example.com', gitlab: 'https://gitlab.example.com' });
    expect(progress[0]).toEqual({ kind: 'discovered', registry: 'registry.gitlab.example.com' });
    expect(progress.filter((p) => p.kind === 'step').map((p) => p.kind === 'step' && p.step.id)).toEqual([
      'registry',
      'realm',
      'credential',
      'pull',
      'registry-accepts',
    ]);
    expect(cache.writes).toEqual(['registry.gitlab.example.com']);
    expect(cache.get('registry.gitlab.example.com')).toEqual({
      baseUrl: 'https://registry.gitlab.example.com',
      realm: 'https://gitlab.example.com/jwt/auth',
      service: 'container_registry',
    });
    // A second run starts at GitLab's token endpoint: the registry's challenge is not asked again.
    const before = seen.length;
    await verifySession(input({ flag: { ...pat, registry: 'registry.gitlab.example.com' } }), { http: client, env: {}, realmCache: cache });
    // (The token's own record, /api/v4/personal_access_tokens/self, is asked alongside: not a registry round trip.)
    expect(
      seen
        .slice(before)
        .filter((s) => !s.url.includes('/api/v4/'))
        .map((s) => new URL(s.url).host),
    ).toEqual(['gitlab.example.com', 'registry.gitlab.example.com']);
    expect(cache.writes).toHaveLength(1);
  });

  test('no registry found for the instance: a typed outcome, no verification', async () => {
    const { client } = fakeGitlabHttp(GOOD);
    const o = await verifySession(input({ flag: { ...pat, gitlab: 'https://elsewhere.example.com' } }), { http: client, env: {} });
    expect(o).toMatchObject({ kind: 'no-registry', gitlab: 'https://elsewhere.example.com', verdict: { verdict: 'not-a-registry' } });
  });
  test('no registry found for an instance under a relative URL root: the instance as given, prefix and all', async () => {
    const { client } = fakeGitlabHttp(GOOD);
    const o = await verifySession(input({ flag: { ...pat, gitlab: 'https://elsewhere.example.com/gitlab' } }), { http: client, env: {} });
    expect(o).toMatchObject({ kind: 'no-registry', gitlab: 'https://elsewhere.example.com/gitlab' });
  });

  test('a failed verification writes no cache and runs no engine', async () => {
    const { client } = fakeGitlabHttp(GOOD);
    const cache = memoryCache();
    const { runner, calls } = fakeRunner();
    const o = await loginSession(input({ flag: { ...pat, registry: 'registry.gitlab.example.com' } }, 'glpat-wrong'), {
      http: client,
      env: {},
      realmCache: cache,
      runner,
      engine: 'docker',
      timeoutMs: 1000,
    });
    expect(o).toMatchObject({ kind: 'verified', verify: { ok: false, verdict: 'invalid-credentials' } });
    expect(cache.writes).toEqual([]);
    expect(calls).toEqual([]);
  });

  test('login: the engine runs after the verification passed, with the derived username and the token on stdin', async () => {
    const { client } = fakeGitlabHttp({ 'glcbt-job': ['pull'] });
    const { runner, calls } = fakeRunner();
    const docker = fakeDockerPath();
    try {
      const o = await loginSession(input({ flag: { registry: 'registry.gitlab.example.com', credentialType: 'job-token' } }, 'glcbt-job'), {
        http: client,
        env: docker.env,
        runner,
        engine: 'docker',
        timeoutMs: 1000,
      });
      expect(o).toMatchObject({ kind: 'logged-in', engine: 'docker', login: { verdict: 'ok' } });
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args).toEqual(['login', '--username', 'gitlab-ci-token', '--password-stdin', 'registry.gitlab.example.com']);
      expect(calls[0]!.input).toBe('glcbt-job\n');
    } finally {
      docker.cleanup();
    }
  });

  test("an instance known only from the registry's realm is no trust anchor; a named one is", async () => {
    // The fake registry's realm is on gitlab.example.com; an instance named elsewhere makes the realm untrusted.
    const { client } = fakeGitlabHttp(GOOD);
    const named = await verifySession(input({ flag: { ...pat, registry: 'registry.gitlab.example.com', gitlab: 'https://other.example.com' } }), {
      http: client,
      env: {},
    });
    expect(named.kind === 'verified' && named.verify.verdict).toBe('untrusted-realm');
    const fromRealm = await verifySession(
      input({ flag: { ...pat, registry: 'registry.gitlab.example.com' }, realm: { gitlab: 'https://other.example.com' } }),
      { http: client, env: {} },
    );
    expect(fromRealm.kind === 'verified' && fromRealm.verify.verdict).toBe('ok');
  });
});
