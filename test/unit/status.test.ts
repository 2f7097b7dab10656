import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpError } from '../../src/core/http.js';
import type { Runner } from '../../src/core/process.js';
import { fakeHttp } from '../helpers/fakes.js';
import { typeForStored } from '../../src/core/credentials.js';
import { runStatus, answersLikeGitlab, enginesFor, envAuthRegistries, loginWarnings, registryOfKey, setupWarnings } from '../../src/core/status.js';

describe('status: the pure parts', () => {
  test("a config key names its registry as docker's ConvertToHostname does", () => {
    expect(registryOfKey('registry.gitlab.com')).toBe('registry.gitlab.com');
    expect(registryOfKey('https://index.docker.io/v1/')).toBe('index.docker.io');
    expect(registryOfKey('https://Registry.Example.com:5050')).toBe('registry.example.com:5050');
    expect(registryOfKey('registry.example.com/group/project')).toBe('registry.example.com');
  });

  test("GitLab's challenge names GITLAB/jwt/auth (a relative URL root included); others do not", () => {
    expect(answersLikeGitlab({ realm: 'https://gitlab.example.com/jwt/auth' })).toBe(true);
    expect(answersLikeGitlab({ realm: 'https://example.com/gitlab/jwt/auth' })).toBe(true);
    expect(answersLikeGitlab({ realm: 'https://auth.docker.io/token' })).toBe(false);
    expect(answersLikeGitlab({ realm: 'https://ghcr.io/token' })).toBe(false);
    expect(answersLikeGitlab({ realm: 'https://evil.example/jwt/auth/../x' })).toBe(false);
    expect(answersLikeGitlab({ realm: 'not a url' })).toBe(false);
  });

  test('DOCKER_AUTH_CONFIG: its registries (never its secrets), and the warning docker prints', () => {
    const env = { DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'https://registry.example.com': { auth: 'c2VjcmV0' } } }) };
    expect(envAuthRegistries({})).toBeUndefined();
    expect(envAuthRegistries({ DOCKER_AUTH_CONFIG: '{not json' })).toEqual([]);
    expect(envAuthRegistries(env)).toEqual(['registry.example.com']);
    const [w] = setupWarnings(env, ['docker']);
    expect(w).toMatch(/^DOCKER_AUTH_CONFIG is set and takes precedence over the config file \(it holds logins for registry\.example\.com\)/);
    expect(w).not.toContain('c2VjcmV0');
    expect(setupWarnings(env, ['podman'])).toEqual([]);
    expect(setupWarnings({}, ['docker'])).toEqual([]);
  });

  test('the warnings of one login come from one function: unencrypted, expiring within 14 days, overridden', () => {
    const base: Parameters<typeof loginWarnings>[0] = {
      registry: 'registry.example.com',
      engine: 'docker',
      storage: { kind: 'helper', helper: 'pass', setBy: 'credsStore', file: '/h/.docker/config.json' },
      token: { state: 'active', name: 'laptop', scopes: ['read_registry'], expiresAt: '2026-12-10', daysLeft: 10 },
      gitlab: 'https://gitlab.example.com',
      credentialType: 'personal-access-token',
      project: null,
    };
    const soon = loginWarnings(base, {});
    expect(soon).toEqual([
      expect.stringMatching(
        /^The personal access token "laptop" expires in 10 days \(2026-12-10\): create its successor at https:\/\/gitlab\.example\.com\/-\/user_settings/,
      ),
    ]);
    expect(loginWarnings({ ...base, token: { ...base.token!, daysLeft: 15 } as never }, {})).toEqual([]);
    const file = loginWarnings({ ...base, token: null, storage: { kind: 'file', file: '/h/.docker/config.json', encrypted: false } }, {});
    expect(file).toEqual([expect.stringMatching(/^Your credentials are stored unencrypted in \/h\/\.docker\/config\.json: configure a credential helper/)]);
    const env = { DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'registry.example.com': {} } }) };
    expect(loginWarnings({ ...base, token: null }, env)).toEqual([
      'DOCKER_AUTH_CONFIG holds a login for registry.example.com too: docker uses that one, not this.',
    ]);
    expect(loginWarnings({ ...base, token: null, engine: 'podman' }, env)).toEqual([]);
  });

  test("a stored login's type: the remembered one when the stored username agrees with it", () => {
    expect(typeForStored('alice', undefined)).toBe('personal-access-token');
    expect(typeForStored('project_7_bot_x', 'project-access-token')).toBe('project-access-token');
    expect(typeForStored('gitlab+deploy-token-3', undefined)).toBe('deploy-token');
    expect(typeForStored('gitlab+deploy-token-3', 'personal-access-token')).toBe('deploy-token');
    expect(typeForStored('alice', 'deploy-token')).toBe('personal-access-token');
    expect(typeForStored('gitlab-ci-token', 'job-token')).toBe('job-token');
  });

  test('engines: the one asked for; else docker, and podman when it is here and keeps a file of its own', () => {
    const host = (found: string[]) => ({ platform: 'linux' as const, isExecutable: (f: string) => found.some((p) => f === p) });
    const env = { PATH: '/bin', HOME: '/h', XDG_RUNTIME_DIR: '/run/user/1' };
    expect(enginesFor('podman', env).engines).toEqual(['podman']);
    expect(enginesFor('auto', env, host([])).engines).toEqual(['docker']);
    expect(enginesFor('auto', env, host(['/bin/podman'])).engines).toEqual(['docker', 'podman']);
    // DOCKER_CONFIG set: podman writes docker's own file, listed once.
    expect(enginesFor('auto', { ...env, DOCKER_CONFIG: '/d' }, host(['/bin/podman'])).engines).toEqual(['docker']);
  });
});

test('status looks podman up on PATH once for the whole run (its logins are asked with that program)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-status-'));
  try {
    const auth = path.join(dir, 'auth.json');
    const login = { auth: Buffer.from('alice:secret').toString('base64') };
    writeFileSync(auth, JSON.stringify({ auths: { 'r1.example.com': login, 'r2.example.com': login } }));
    const lookups: string[] = [];
    const host = { platform: 'linux' as const, isExecutable: (f: string) => (f.endsWith('/podman') && lookups.push(f), f === '/bin/podman') };
    const programs: string[] = [];
    const runner: Runner = async (file) => {
      programs.push(file);
      return { exitCode: 0, stdout: 'alice\n', stderr: '', timedOut: false, notFound: false };
    };
    const http = fakeHttp(() => new HttpError('refused', 'connection refused')).client;
    const env = { PATH: '/bin', HOME: dir, DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: auth };
    const report = await runStatus({ engine: 'auto', timeoutMs: 2000 }, { http, runner, env, host });
    expect(report.logins.map((l) => `${l.engine} ${l.registry}`)).toEqual(['podman r1.example.com', 'podman r2.example.com']);
    expect(programs).toEqual(['/bin/podman', '/bin/podman']);
    expect(lookups).toEqual(['/bin/podman']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
