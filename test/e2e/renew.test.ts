/**
 * `renew` end to end: the built CLI, the real registry, the real docker CLI (client-side login in a temporary
 * DOCKER_CONFIG) and the test GitLab's self-rotation (test/helpers/gitlab.ts, as GitLab answers it).
 */
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dateInDays, type UserToken } from '../helpers/gitlab.js';
import { run, type RunResult, type Sandbox } from '../helpers/cli.js';
import {
  alice,
  basicAuth,
  cliTerminal,
  dockerConfigFile,
  putOnPath,
  setForTest,
  storedLogin,
  testSandbox,
  useStack,
  writeDockerConfig,
} from '../helpers/e2e.js';

const T = {
  rotate: 'glpat-Renew0Rotate000secret',
  api: 'glpat-Renew0Api00000secret',
  reader: 'glpat-Renew0Reader000secret',
  helper: 'glpat-Renew0Helper000secret',
  lost: 'glpat-Renew0Lost00000secret',
  max: 'glpat-Renew0Max000000secret',
  hint: 'glpat-Renew0Hint00000secret',
  pipe: 'glpat-Renew0Pipe00000secret',
  shown: 'glpat-Renew0Shown0000secret',
  hang: 'glpat-Renew0Hang00000secret',
  podman: 'glpat-Renew0Podman000secret',
};

/** An expiring token of alice's named laptop (created 85 days ago, 5 days left): read_registry and `scopes`. */
const user = (token: string, scopes: string[], extra: Partial<UserToken> = {}): UserToken =>
  alice(token, { name: 'laptop', scopes: ['read_registry', ...scopes], expiresInDays: 5, createdDaysAgo: 85, ...extra });
const { gl, reg } = useStack({
  users: [
    user(T.rotate, ['self_rotate']),
    user(T.api, ['api']),
    user(T.reader, []),
    user(T.helper, ['self_rotate']),
    user(T.lost, ['self_rotate']),
    user(T.max, ['self_rotate']),
    user(T.hint, ['self_rotate']),
    ...[T.pipe, T.shown, T.hang, T.podman].map((t) => user(t, ['self_rotate'])),
  ],
});

/** A sandbox (with `options`) whose docker config holds `token` for the registry, as `docker login` writes it. */
function loggedIn(token: string, extra: Record<string, unknown> = {}, options: Parameters<typeof testSandbox>[0] = {}): Sandbox {
  const sb = testSandbox(options);
  writeDockerConfig(sb, { auths: { [reg.registry]: { auth: basicAuth('alice', token) } }, ...extra });
  return sb;
}
const config = (sb: Sandbox) => readFileSync(dockerConfigFile(sb), 'utf8');
const storedToken = (sb: Sandbox) => {
  const s = storedLogin(sb, reg.registry);
  return s.slice(s.indexOf(':') + 1);
};
const successorOf = (token: string) => gl.config.users!.find((u) => u.previous === token);
const rotations = () => gl.requests.filter((r) => r.path === '/api/v4/personal_access_tokens/self/rotate').length;
const renew = (sb: Sandbox, args: string[] = [], input?: string) =>
  run(['renew', '--registry', reg.registry, ...args], { env: sb.env, ...(input ? { input } : {}) });
function noLeak(r: RunResult, ...tokens: string[]) {
  for (const t of tokens) expect(r.stdout + r.stderr).not.toContain(t);
}
/** docker itself, logging in with a token (the real registry's token auth, through the test GitLab). */
const dockerLogin = (sb: Sandbox, token: string) =>
  new Promise<number | null>((resolve) => {
    const c = spawn('docker', ['login', '--username', 'alice', '--password-stdin', reg.registry], { env: sb.env, stdio: ['pipe', 'ignore', 'ignore'] });
    c.stdin.end(`${token}\n`);
    c.on('close', resolve);
  });

describe('renew', () => {
  test('a self_rotate token: rotated with its lifetime, docker logged in with the successor, the old token revoked, nothing printed of either', async () => {
    const sb = loggedIn(T.rotate);
    const r = await renew(sb);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const next = successorOf(T.rotate)!;
    expect(next).toBeDefined();
    // created 85 days ago, expiring in 5: a 90-day token gets 90 days again.
    expect(next.expiresAt).toBe(dateInDays(90));
    expect(r.stdout).toContain('Renewed the token "laptop" (alice)');
    expect(r.stdout).toContain(`new expiry: ${dateInDays(90)} (90 days), was ${dateInDays(5)}`);
    expect(r.stdout).toContain(`stored: docker, ${dockerConfigFile(sb)}`);
    expect(r.stdout).toMatch(/CI\/CD variables, other machines/);
    noLeak(r, T.rotate, next.token);
    expect(storedToken(sb)).toBe(next.token);
    // The real registry, through docker itself: the successor is accepted, the old token refused.
    expect(await dockerLogin(sb, next.token)).toBe(0);
    expect(await dockerLogin(sb, T.rotate)).not.toBe(0);
  });

  test('an api token, --days 30, --json', async () => {
    const sb = loggedIn(T.api);
    const r = await renew(sb, ['--days', '30', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    const next = successorOf(T.api)!;
    expect(j).toMatchObject({
      ok: true,
      verdict: 'ok',
      rotation: 'rotated',
      stored: true,
      account: 'alice',
      engine: 'docker',
      token: { name: 'laptop', previousExpiresAt: dateInDays(5), expiresAt: dateInDays(30) },
      storage: { kind: 'file' },
    });
    noLeak(r, T.api, next.token);
    expect(storedToken(sb)).toBe(next.token);
  });

  test('without self_rotate or api: refused (exit 1) naming the scope and the successor link; docker config byte for byte as it was; token not revoked', async () => {
    const sb = loggedIn(T.reader);
    const before = config(sb);
    const n = rotations();
    const r = await renew(sb);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('neither the self_rotate nor the api scope');
    expect(r.stderr).toContain(`${gl.url}/-/user_settings/personal_access_tokens?name=laptop&scopes=read_registry`);
    expect(config(sb)).toBe(before);
    expect(rotations()).toBe(n);
    expect(gl.config.users!.find((u) => u.token === T.reader)!.revoked).toBeUndefined();
    noLeak(r, T.reader);
  });

  test('--days past the maximum: refused locally (exit 2); past the instance maximum: GitLab says so, nothing changed (exit 1)', async () => {
    const sb = loggedIn(T.max);
    const before = config(sb);
    const local = await renew(sb, ['--days', '400']);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('--days takes whole days, 1 to 365');
    setForTest(gl.config, { maxLifetimeDays: 30 });
    const r = await renew(sb, ['--days', '60']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`400 Bad request - Expiration date must be before ${dateInDays(30)}`);
    expect(r.stderr).toContain('Nothing was changed.');
    expect(config(sb)).toBe(before);
    expect(gl.config.users!.find((u) => u.token === T.max)!.revoked).toBeUndefined();
  });

  test("a credential helper that fails after the rotation: retried, then this registry's login kept in docker's file", async () => {
    const sb = loggedIn(T.helper, { credsStore: 'flaky' });
    // `list` and `get` answer (the old login is read from it); `store` fails, as a full keyring does.
    putOnPath(
      sb,
      'docker-credential-flaky',
      `#!/bin/sh\ncase "$1" in list) echo '{"${reg.registry}":"alice"}';; get) cat >/dev/null; printf '{"ServerURL":"x","Username":"alice","Secret":"${T.helper}"}';; store) cat >/dev/null; echo 'no space left on device' >&2; exit 1;; *) cat >/dev/null;; esac\n`,
    );
    const r = await renew(sb, ['--json']);
    const next = successorOf(T.helper)!;
    const j = JSON.parse(r.stdout) as { warnings: string[]; storage: { kind: string; insecure?: object } };
    expect(r.code).toBe(0);
    expect(j).toMatchObject({ ok: true, rotation: 'rotated', stored: true, storage: { kind: 'file', insecure: {} } });
    expect(j.warnings.join(' ')).toMatch(/kept in .*config\.json \(base64, not encrypted\)/);
    const cfg = JSON.parse(config(sb)) as { credsStore: string; credHelpers: Record<string, string> };
    expect(cfg.credsStore).toBe('flaky');
    expect(cfg.credHelpers[reg.registry]).toBe('');
    expect(storedToken(sb)).toBe(next.token);
    noLeak(r, T.helper, next.token);
  });

  test('a lost answer: reported, never sent again; GitLab asked whether the old token still works; docker config unchanged', async () => {
    const sb = loggedIn(T.lost);
    const before = config(sb);
    const n = rotations();
    setForTest(gl.config, { loseRotateAnswer: 'drop' });
    const r = await renew(sb);
    expect(r.code).toBe(3);
    expect(rotations()).toBe(n + 1);
    expect(r.stderr).toContain('its answer, with the new token, was lost');
    expect(r.stderr).toContain(`Check the token page: ${gl.url}/-/user_settings/personal_access_tokens`);
    expect(config(sb)).toBe(before);
    noLeak(r, T.lost, successorOf(T.lost)!.token);
  });

  test('not logged in: exit 1, nothing asked of GitLab', async () => {
    const sb = testSandbox();
    const r = await renew(sb);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`docker holds no login for ${reg.registry}`);
  });
});

describe('the hint where expiry is reported', () => {
  test('verify and login: an expiring token with self_rotate is told "renew it now: gitlab-registry-login renew --registry R"', async () => {
    const sb = testSandbox();
    const hint = `renew it now: gitlab-registry-login renew --registry ${reg.registry}`;
    const verify = await run(['verify', reg.registry, '-u', 'alice', '--password-stdin'], { input: T.hint, env: sb.env });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`⚠ The personal access token "laptop" expires in 5 days (${dateInDays(5)}): ${hint}`);
    const login = await run(['login', reg.registry, '-u', 'alice', '--password-stdin', '--json'], { input: T.hint, env: sb.env });
    expect((JSON.parse(login.stdout) as { warnings: string[] }).warnings).toEqual([
      `The personal access token "laptop" expires in 5 days (${dateInDays(5)}): ${hint}`,
    ]);
    // status re-tests the stored login and says the same.
    const status = await run(['status', '--registry', reg.registry], { env: sb.env });
    expect(status.stdout + status.stderr).toContain(hint);
    // Without self_rotate or api: the link that creates its successor instead.
    const reader = await run(['verify', reg.registry, '-u', 'alice', '--password-stdin'], { input: T.reader, env: sb.env });
    expect(reader.stdout).toContain(`create its successor at ${gl.url}/-/user_settings/personal_access_tokens?name=laptop&scopes=read_registry`);
    expect(reader.stdout).not.toContain('renew it now');
  });
});

describe('the last resort, and a rotation that never answers', () => {
  /** A docker whose every login fails to store the credential (a locked keyring), as docker reports it. */
  const failingDocker =
    "#!/bin/sh\ncat >/dev/null\necho 'Error saving credentials: error storing credentials - err: exit status 1, out: `keyring is locked`' >&2\nexit 1\n";
  const stuck = (token: string) => loggedIn(token, {}, { docker: failingDocker });

  test('not stored, no terminal: exit 1, the old token said revoked, the new one never shown', async () => {
    const sb = stuck(T.pipe);
    const r = await renew(sb);
    const next = successorOf(T.pipe)!;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GitLab rotated the token: the old one is already revoked, and the new one could not be stored');
    expect(r.stderr).toContain(`create another at ${gl.url}/-/user_settings/personal_access_tokens`);
    noLeak(r, T.pipe, next.token);
  });

  test('not stored, in a terminal: asked first, then shown once when the person says yes', async () => {
    const sb = stuck(T.shown);
    const t = cliTerminal(sb, ['renew', '--registry', reg.registry], { size: { width: 160, height: 40 } });
    await t.waitFor('Show the new token once', 20_000);
    const next = successorOf(T.shown)!;
    expect(t.screen()).not.toContain(next.token);
    t.type('y\r');
    const done = await t.waitFor('EXIT=', 15_000);
    expect(done).toContain('EXIT=1');
    expect(done.split(next.token).length - 1).toBe(1);
    expect(done).toContain('Log in with the token you were shown');
    expect(done).not.toContain(T.shown);
  });

  test('a rotation that never answers (--timeout 2): not sent again; GitLab asked about the old token', async () => {
    const sb = loggedIn(T.hang);
    const before = config(sb);
    const n = rotations();
    setForTest(gl.config, { loseRotateAnswer: 'hang' });
    const r = await renew(sb, ['--timeout', '2']);
    expect(r.code).toBe(3);
    expect(rotations()).toBe(n + 1);
    expect(r.stderr).toMatch(/answer, with the new token, was lost \(.*did not answer within 2 s\)/);
    expect(config(sb)).toBe(before);
  });
});

test('podman: the token read from its auth file (REGISTRY_AUTH_FILE), the successor stored there by podman login', async () => {
  const sb = testSandbox();
  const file = path.join(sb.dir, 'auth.json');
  const env: NodeJS.ProcessEnv = { ...sb.env, REGISTRY_AUTH_FILE: file };
  const login = await run(['login', '--engine', 'podman', reg.registry, '-u', 'alice', '--password-stdin'], { input: T.podman, env });
  expect(login.code, login.stdout + login.stderr).toBe(0);
  const r = await run(['renew', '--engine', 'podman', '--registry', reg.registry, '--json'], { env });
  const next = successorOf(T.podman)!;
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, engine: 'podman', storage: { kind: 'file', file } });
  const auth = (JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, { auth: string }> }).auths[reg.registry]!.auth;
  expect(Buffer.from(auth, 'base64').toString()).toBe(`alice:${next.token}`);
  noLeak(r, T.podman, next.token);
});
