import { describe, expect, test } from 'vitest';
import { classifyEngineError, engineLogin, resolveEngine } from '../../src/core/engine.js';
import { childEnv, spawnRunner, type Runner } from '../../src/core/process.js';
import { storageFor } from '../../src/core/credstore.js';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { running } from '../helpers/proc.js';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TOKEN = 'glpat-ENGINE-unit-secret';

describe('classifyEngineError', () => {
  test.each([
    ['Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`', /keyring/, /credsStore/],
    [
      'Error saving credentials: error storing credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: ``',
      /credential helper/,
      /docker-credential-NAME/,
    ],
    ['Error response from daemon: Get "https://r.example.com/v2/": dial tcp: lookup r.example.com on 127.0.0.53:53: no such host', /cannot resolve/, /DNS/],
    [
      'Get "https://r.example.com/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      /does not trust/,
      /certs\.d\/r\.example\.com\/ca\.crt/,
    ],
    ['Get "https://r.example.com/v2/": http: server gave HTTP response to HTTPS client', /plain HTTP/, /insecure-registries/],
    ['login attempt to https://r.example.com/v2/ failed with status: 401 Unauthorized', /rejected the login/, /server-side/],
    ['Get "https://r.example.com/v2/": dial tcp 10.0.0.1:443: i/o timeout', /timed out/, /network/],
    ['toomanyrequests: too many failed login attempts', /rate-limiting/, /Wait/],
  ])('%s', (text, msg, fix) => {
    const c = classifyEngineError(text, 'r.example.com');
    expect(c.message).toMatch(msg);
    expect(c.fix).toMatch(fix);
  });
  test('unknown text is quoted and points to doctor', () => {
    expect(classifyEngineError('something odd', 'r')).toEqual({
      message: 'the engine said: something odd',
      fix: 'Run `gitlab-registry-login doctor` to check each link.',
    });
  });
});

test('childEnv drops every variable holding the token', () => {
  const env = childEnv({ A: '1', CI_REGISTRY_PASSWORD: TOKEN, WRAPPED: `x${TOKEN}y`, PATH: '/bin' }, TOKEN);
  expect(env).toEqual({ A: '1', PATH: '/bin' });
});

describe('engineLogin with a fake runner', () => {
  const base = {
    engine: 'docker' as const,
    file: '/usr/bin/docker',
    registry: 'r.example.com',
    username: 'alice',
    token: TOKEN,
    timeoutMs: 1000,
    env: { PATH: '/bin', LEAK: TOKEN },
  };
  test('token on stdin only, exact argv, scrubbed env', async () => {
    let got: Parameters<Runner> | undefined;
    const runner: Runner = async (...a) => {
      got = a;
      return {
        exitCode: 0,
        stdout: 'Login Succeeded',
        stderr: 'WARNING! Your password will be stored unencrypted in /h/.docker/config.json.',
        timedOut: false,
        notFound: false,
      };
    };
    const r = await engineLogin(base, runner);
    expect(r).toMatchObject({ verdict: 'ok', loggedIn: true, warning: 'Your password will be stored unencrypted in /h/.docker/config.json.' });
    expect(got![1]).toEqual(['login', '--username', 'alice', '--password-stdin', 'r.example.com']);
    expect(got![2].input).toBe(`${TOKEN}\n`);
    expect(JSON.stringify(got![2].env)).not.toContain(TOKEN);
  });
  test('podman gets --tls-verify=false only for a plain-HTTP loopback registry', async () => {
    const argvs: string[][] = [];
    const runner: Runner = async (_f, a) => {
      argvs.push([...a]);
      return { exitCode: 0, stdout: '', stderr: '', timedOut: false, notFound: false };
    };
    await engineLogin({ ...base, engine: 'podman', plainHttpLoopback: true }, runner);
    await engineLogin({ ...base, engine: 'podman', plainHttpLoopback: false }, runner);
    await engineLogin({ ...base, engine: 'docker', plainHttpLoopback: true }, runner);
    expect(argvs.map((a) => a.includes('--tls-verify=false'))).toEqual([true, false, false]);
  });
  test('a hung engine is stopped: login-failed', async () => {
    const r = await engineLogin(base, async () => ({ exitCode: undefined, stdout: '', stderr: '', timedOut: true, notFound: false }));
    expect(r).toMatchObject({ verdict: 'login-failed', loggedIn: false });
    expect(r.message).toMatch(/did not finish within 1 s/);
  });
  test('an engine that echoes the token never gets it into our message', async () => {
    const r = await engineLogin(base, async () => ({ exitCode: 1, stdout: '', stderr: `error: bad password ${TOKEN}`, timedOut: false, notFound: false }));
    expect(r.verdict).toBe('login-failed');
    expect(r.message).not.toContain(TOKEN);
    expect(r.message).toContain('[token]');
  });
});

test('resolveEngine and storageFor', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-engine-'));
  try {
    expect(resolveEngine('auto', { PATH: dir })).toMatchObject({ ok: false, verdict: { verdict: 'engine-missing' } });
    writeFileSync(path.join(dir, 'podman'), '#!/bin/sh\n', { mode: 0o755 });
    expect(resolveEngine('auto', { PATH: dir })).toEqual({ ok: true, value: { engine: 'podman', file: path.join(dir, 'podman') } });
    writeFileSync(path.join(dir, 'config.json'), '{"credsStore":"desktop","credHelpers":{"r.example.com":"pass"}}');
    expect(storageFor('docker', 'r.example.com', { DOCKER_CONFIG: dir })).toMatchObject({ kind: 'helper', helper: 'pass' });
    expect(storageFor('docker', 'other', { DOCKER_CONFIG: dir })).toMatchObject({ kind: 'helper', helper: 'desktop' });
    expect(storageFor('podman', 'r', { REGISTRY_AUTH_FILE: '/x/auth.json' })).toEqual({ kind: 'file', file: '/x/auth.json' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('spawnRunner', () => {
  test('stdin, exact environment, exit code and output', async () => {
    const r = await spawnRunner('/bin/sh', ['-c', 'read line; echo "got $line"; echo "env ${ONLY:-none} ${HOME:-nohome}"; echo oops >&2; exit 3'], {
      input: 'secret-line\n',
      env: { ONLY: 'this' },
      timeoutMs: 5000,
    });
    expect(r).toEqual({ exitCode: 3, stdout: 'got secret-line\nenv this nohome', stderr: 'oops', timedOut: false, notFound: false });
  });
  test('a missing program is notFound', async () => {
    const r = await spawnRunner('/nonexistent/docker', ['login'], { input: '', env: {}, timeoutMs: 5000 });
    expect(r.notFound).toBe(true);
  });
  test('a hung program and what it started are killed after the timeout', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-hang-'));
    try {
      const t = Date.now();
      const r = await spawnRunner('/bin/sh', ['-c', `sleep 30 & echo $! > ${dir}/pid; wait`], { input: '', env: { PATH: '/usr/bin:/bin' }, timeoutMs: 300 });
      expect(r.timedOut).toBe(true);
      expect(Date.now() - t).toBeLessThan(5000);
      const pid = Number(readFileSync(path.join(dir, 'pid'), 'utf8'));
      await new Promise((res) => setTimeout(res, 100));
      expect(running(pid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the engine exiting non-zero with each known error text', () => {
  const samples = [
    'Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`',
    'Error saving credentials: error storing credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH',
    'Error response from daemon: Get "https://r.example.com/v2/": dial tcp: lookup r.example.com: no such host',
    'Error response from daemon: Get "https://r.example.com/v2/": x509: certificate signed by unknown authority',
    'Error response from daemon: Get "https://r.example.com/v2/": http: server gave HTTP response to HTTPS client',
    'Error response from daemon: login attempt to https://r.example.com/v2/ failed with status: 401 Unauthorized',
    'Error response from daemon: Get "https://r.example.com/v2/": net/http: TLS handshake timeout',
    'toomanyrequests: too many failed login attempts',
    'open /home/u/.docker/config.json: permission denied',
  ];
  test.each(samples)('%s', async (text) => {
    const r = await engineLogin(
      { engine: 'docker', file: '/x/docker', registry: 'r.example.com', username: 'u', token: 'glpat-x', timeoutMs: 1000, env: {} },
      async () => ({ exitCode: 1, stdout: '', stderr: text, timedOut: false, notFound: false }),
    );
    expect(r.verdict).toBe('login-failed');
    expect(r.loggedIn).toBe(false);
    expect(r.message).not.toMatch(/the engine said/); // recognised, not just quoted
    expect(r.fix).not.toBe('');
  });
});
