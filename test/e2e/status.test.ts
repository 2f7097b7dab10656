/**
 * `status`: the built CLI against real registries (the CNCF distribution registry, token auth), the test GitLab,
 * the real docker CLI (logins made by docker itself into a temp DOCKER_CONFIG), podman, fake credential helpers
 * (failing with the D-Bus text, hanging), a registry that is not GitLab's, and DOCKER_AUTH_CONFIG.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startRegistry, type RealRegistry } from '../helpers/registry.js';
import { httpServer, type Closable } from '../helpers/servers.js';
import { run, type RunResult, type Sandbox } from '../helpers/cli.js';
import { alice, dockerConfigFile as configFile, parseJson, putOnPath, rememberAnswers, testSandbox as box, testServer, useStack } from '../helpers/e2e.js';

const T = {
  alice: 'glpat-Status0Alice0secret00',
  bob: 'glpat-Status0Bob000secret00',
  soon: 'glpat-Status0Soon00secret00',
};
const bob = alice(T.bob, { username: 'bob', scopes: ['read_registry'] });
const { pki, gl, reg } = useStack({
  users: [alice(T.alice, { expiresInDays: 200 }), bob, alice(T.soon, { username: 'sam', scopes: ['read_registry'], expiresInDays: 5, name: 'ci-pull' })],
});
let reg2: RealRegistry, reg3: RealRegistry, other: Closable, otherRegistry: string;
beforeAll(async () => {
  [reg2, reg3] = (await Promise.all([2, 3].map(() => startRegistry({ realm: gl.realm, certFile: pki.certFile })))) as [RealRegistry, RealRegistry];
  // A registry that is not GitLab's: its challenge names a token service of its own (as Docker Hub's auth.docker.io/token).
  other = await httpServer((_req, res) => {
    res.writeHead(401, { 'www-authenticate': `Bearer realm="${other.url}/token",service="registry.docker.io"`, 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
  });
  otherRegistry = `127.0.0.1:${other.port}`;
});
afterAll(async () => {
  await Promise.all([reg2, reg3].map((r) => r?.stop()));
  await other?.close();
});
/** A login made by the real docker CLI (through this tool's login: verified, then `docker login` with the token on stdin). */
async function dockerLogin(sb: Sandbox, registry: string, token: string, username: string, env: NodeJS.ProcessEnv = sb.env) {
  const r = await run(['login', registry, '-u', username, '--password-stdin', '--json'], { input: token, env });
  expect(r.code, r.stdout + r.stderr).toBe(0);
}
/** The wizard's remembered answers for the instance: the registry and the project to re-test pull on. */
const remember = (sb: Sandbox, registry: string, project: string) =>
  rememberAnswers(sb, gl.url, { registry, credentialType: 'personal-access-token', access: 'pull', project });
/** docker's config, edited as a person would (the keys status reads). */
interface DockerConfig {
  auths: Record<string, object>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}
function addToConfig(sb: Sandbox, patch: (c: DockerConfig) => void) {
  const file = configFile(sb);
  let c = { auths: {} } as DockerConfig;
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch {
    /* no config yet */
  }
  c.auths ??= {};
  patch(c);
  writeFileSync(file, JSON.stringify(c, null, '\t'));
}
const helper = (sb: Sandbox, name: string, script: string) => putOnPath(sb, `docker-credential-${name}`, script);
interface Login {
  registry: string;
  state: string;
  verdict: string | null;
  message: string;
  fix: string | null;
  username: string | null;
  account: string | null;
  project: string | null;
  storage: Record<string, unknown> | null;
  token: Record<string, unknown> | null;
  warnings: string[];
}
const json = (r: RunResult) => parseJson<{ ok: boolean; logins: Login[]; warnings: string[]; problems: string[] }>(r);
const of = (j: { logins: Login[] }, registry: string) => {
  const l = j.logins.find((x) => x.registry === registry);
  if (!l) throw new Error(`no login for ${registry} in ${JSON.stringify(j.logins.map((x) => x.registry))}`);
  return l;
};
const status = (sb: Sandbox, args: string[] = [], env: NodeJS.ProcessEnv = sb.env) => run(['status', '--json', ...args], { env, timeoutMs: 30_000 });
const noSecrets = (r: RunResult) => {
  for (const t of Object.values(T)) {
    expect(r.stdout + r.stderr).not.toContain(t);
    expect(r.stdout + r.stderr).not.toContain(Buffer.from(`${t}`).toString('base64').slice(0, 16));
  }
};

describe('status', () => {
  test('a good, a broken (revoked) and a non-GitLab login: each told apart; exit 1', async () => {
    const sb = box();
    await dockerLogin(sb, reg.registry, T.alice, 'alice');
    await dockerLogin(sb, reg2.registry, T.bob, 'bob');
    bob.revoked = true;
    addToConfig(sb, (c) => (c.auths[otherRegistry] = { auth: Buffer.from('carol:hub-password').toString('base64') }));
    remember(sb, reg.registry, 'group/app');
    try {
      const r = await status(sb);
      noSecrets(r);
      expect(r.stdout).not.toContain('hub-password');
      const j = json(r);
      expect(r.code, r.stdout).toBe(1);
      expect(j.ok).toBe(false);
      expect(of(j, reg.registry)).toMatchObject({
        state: 'ok',
        verdict: 'ok',
        username: 'alice',
        account: 'alice',
        project: 'group/app',
        credentialType: 'personal-access-token',
        gitlab: gl.url,
        storage: { kind: 'file', file: configFile(sb), encrypted: false },
        token: { state: 'active', daysLeft: 200 },
      });
      expect(of(j, reg.registry).message).toMatch(/alice.*can pull group\/app/);
      expect(of(j, reg.registry).warnings.join(' ')).toMatch(/Your credentials are stored unencrypted in .*config\.json: configure a credential helper/);
      expect(of(j, reg2.registry)).toMatchObject({ state: 'failed', verdict: 'invalid-credentials', username: 'bob', project: null });
      expect(of(j, reg2.registry).message).toContain('revoked');
      expect(of(j, otherRegistry)).toMatchObject({ state: 'not-checked', verdict: null, username: 'carol', gitlab: null });
      expect(of(j, otherRegistry).message).toMatch(/^Not checked: .* does not answer like a GitLab registry/);
      // Without the broken one: exit 0.
      const only = await status(sb, ['--registry', reg.registry]);
      expect(only.code).toBe(0);
      expect(json(only).logins.map((l) => l.registry)).toEqual([reg.registry]);
    } finally {
      bob.revoked = false;
    }
  });

  test('an instance remembered alone (`login --gitlab URL`): pull is re-tested on its project at the registry found for it before', async () => {
    const sb = box();
    // This tool's login verified reg and wrote its realm (on gl) to the realm cache.
    await dockerLogin(sb, reg.registry, T.alice, 'alice');
    rememberAnswers(sb, gl.url, { credentialType: 'personal-access-token', project: 'group/app' });
    const l = of(json(await status(sb)), reg.registry);
    expect(l).toMatchObject({ state: 'ok', project: 'group/app' });
    expect(l.message).toMatch(/alice.*can pull group\/app/);
  });

  test('text: compact, one heading per registry, the account, where the secret lives, the expiry; no secret', async () => {
    const sb = box();
    await dockerLogin(sb, reg.registry, T.alice, 'alice');
    addToConfig(sb, (c) => (c.auths[otherRegistry] = { auth: Buffer.from('carol:hub-password').toString('base64') }));
    const r = await run(['status'], { env: { ...sb.env, NO_COLOR: '1' } });
    noSecrets(r);
    expect(r.code).toBe(0);
    const days = /expires (\d{4}-\d\d-\d\d) \(200 days\)/;
    expect(r.stdout).toContain(
      `${reg.registry}\n  ✔ alice (personal access token) is valid and has registry access on ${reg.registry}; pull was not tried on a project (none is remembered for this registry).\n`,
    );
    expect(r.stdout).toContain(`\n  - Stored: alice, in ${configFile(sb)}\n  - Token "registry": scopes read_registry, write_registry; expires `);
    expect(r.stdout).toContain(`  ⚠ Your credentials are stored unencrypted in ${configFile(sb)}`);
    expect(r.stdout).toMatch(days);
    expect(r.stdout).toContain(`${otherRegistry}\n  - Not checked: `);
    expect(r.stdout).toMatch(/\n2 logins: 1 working, 1 not checked\n$/);
  });

  test('a token that expires in 5 days: the warning with the link that creates its successor', async () => {
    const sb = box();
    await dockerLogin(sb, reg.registry, T.soon, 'sam');
    const r = await status(sb);
    expect(r.code).toBe(0);
    const l = of(json(r), reg.registry);
    expect(l).toMatchObject({ state: 'ok', account: 'sam', token: { state: 'active', name: 'ci-pull', daysLeft: 5 } });
    expect(l.warnings.join('\n')).toMatch(
      new RegExp(
        `personal access token "ci-pull" expires in 5 days .*create its successor at ${gl.url}/-/user_settings/personal_access_tokens\\?name=ci-pull&scopes=read_registry`,
      ),
    );
  });

  test('a failing and a hanging credential helper: reported for their registries; the rest is checked; within 3 s a helper', async () => {
    const sb = box();
    await dockerLogin(sb, reg.registry, T.alice, 'alice');
    helper(sb, 'dbus', "#!/bin/sh\ncat >/dev/null\necho 'Cannot autolaunch D-Bus without X11 $DISPLAY'\nexit 1\n");
    helper(sb, 'hangs', '#!/bin/sh\nexec sleep 60\n');
    // reg keeps its login in the file (docker's own opt-out), reg2's helper fails, reg3 is kept by a credsStore that hangs.
    addToConfig(sb, (c) => {
      c.credHelpers = { [reg.registry]: '', [reg2.registry]: 'dbus' };
      c.credsStore = 'hangs';
      c.auths[reg3.registry] = {};
    });
    const t = Date.now();
    const r = await status(sb);
    const ms = Date.now() - t;
    expect(r.code).toBe(1);
    const j = json(r);
    expect(of(j, reg.registry)).toMatchObject({ state: 'ok', storage: { kind: 'file' } });
    expect(of(j, reg2.registry)).toMatchObject({
      state: 'failed',
      verdict: 'store-failed',
      username: null,
      storage: { kind: 'helper', helper: 'dbus', setBy: `credHelpers["${reg2.registry}"]` },
    });
    expect(of(j, reg2.registry).message).toContain('docker-credential-dbus failed: Cannot autolaunch D-Bus without X11 $DISPLAY');
    expect(of(j, reg2.registry).fix).toMatch(/desktop keyring|Check that docker-credential-dbus works/);
    expect(of(j, reg3.registry)).toMatchObject({ state: 'failed', verdict: 'store-failed', storage: { kind: 'helper', helper: 'hangs', setBy: 'credsStore' } });
    expect(of(j, reg3.registry).message).toContain('docker-credential-hangs did not answer `list` within 3 s');
    expect(j.problems.join(' ')).toMatch(/docker-credential-hangs did not answer `list` within 3 s .*credsStore in/);
    // The hanging helper is asked once, for 3 s: not once per registry, not until --timeout.
    expect(ms).toBeLessThan(9000);
  });

  test('a login kept by a credential helper: named as its store, re-tested with the secret its `get` gives', async () => {
    const sb = box();
    helper(
      sb,
      'keeps',
      `#!/bin/sh\ncase "$1" in list) echo '{"${reg.registry}":"alice"}';; get) cat >/dev/null; printf '{"ServerURL":"x","Username":"alice","Secret":"${T.alice}"}';; *) cat >/dev/null;; esac\n`,
    );
    addToConfig(sb, (c) => (c.credsStore = 'keeps'));
    const r = await status(sb);
    noSecrets(r);
    expect(r.code).toBe(0);
    const l = of(json(r), reg.registry);
    expect(l).toMatchObject({ state: 'ok', username: 'alice', storage: { kind: 'helper', helper: 'keeps', setBy: 'credsStore' } });
    expect(l.warnings.join(' ')).not.toMatch(/unencrypted/);
  });

  test('DOCKER_AUTH_CONFIG set: said first, and on the login it overrides', async () => {
    const sb = box();
    await dockerLogin(sb, reg.registry, T.alice, 'alice');
    const env = { ...sb.env, DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { [reg.registry]: { auth: Buffer.from(`ci:${T.bob}`).toString('base64') } } }) };
    const r = await status(sb, [], env);
    noSecrets(r);
    const j = json(r);
    expect(j.warnings).toEqual([
      expect.stringMatching(new RegExp(`^DOCKER_AUTH_CONFIG is set and takes precedence over the config file \\(it holds logins for ${reg.registry}\\)`)),
    ]);
    expect(of(j, reg.registry).warnings).toContain(`DOCKER_AUTH_CONFIG holds a login for ${reg.registry} too: docker uses that one, not this.`);
    const text = await run(['status'], { env: { ...env, NO_COLOR: '1' } });
    expect(text.stdout).toMatch(/^⚠ DOCKER_AUTH_CONFIG is set and takes precedence/);
  });

  test('no login at all: exit 0 and says so; --registry with no login there: exit 1', async () => {
    const sb = box();
    const none = await run(['status'], { env: sb.env });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No registry logins are stored.');
    const asked = await status(sb, ['--registry', reg.registry]);
    expect(asked.code).toBe(1);
    expect(json(asked)).toMatchObject({ ok: false, logins: [] });
    // A config docker cannot read either: said, and not "every login works".
    writeFileSync(configFile(sb), '{"auths": {');
    const broken = await status(sb);
    expect(broken.code).toBe(1);
    expect(json(broken).problems).toEqual([expect.stringMatching(/config\.json is not valid JSON .*: docker cannot read its logins either\.$/)]);
  });

  test('re-tests run side by side, each within --timeout: three registries whose GitLab never answers take one timeout, not three', async () => {
    // GitLab-like registries (their challenge names /jwt/auth) whose token endpoint accepts the connection and never answers.
    const silent = await Promise.all(
      [1, 2, 3].map(async () => {
        const srv: Closable = await testServer((req, res) => {
          if (req.url?.startsWith('/jwt/auth')) return; // hangs
          res.writeHead(401, { 'www-authenticate': `Bearer realm="${srv.url}/jwt/auth",service="container_registry"` });
          res.end('{}');
        });
        return srv;
      }),
    );
    const sb = box();
    await dockerLogin(sb, reg.registry, T.alice, 'alice');
    addToConfig(sb, (c) => {
      for (const srv of silent) c.auths[`127.0.0.1:${srv.port}`] = { auth: Buffer.from(`alice:${T.alice}`).toString('base64') };
    });
    const t = Date.now();
    const r = await status(sb, ['--timeout', '2']);
    const ms = Date.now() - t;
    noSecrets(r);
    const j = json(r);
    expect(r.code).toBe(1);
    expect(of(j, reg.registry)).toMatchObject({ state: 'ok' });
    for (const srv of silent) expect(of(j, `127.0.0.1:${srv.port}`)).toMatchObject({ state: 'failed', verdict: 'unreachable' });
    // One --timeout (2 s) plus start-up; one after another they would take at least 6 s.
    expect(ms).toBeLessThan(5000);
  });

  test('podman: its auth file (REGISTRY_AUTH_FILE), re-tested like docker', async () => {
    const sb = box();
    const env: NodeJS.ProcessEnv = { ...sb.env, REGISTRY_AUTH_FILE: path.join(sb.dir, 'auth.json') };
    const login = await run(['login', '--engine', 'podman', reg.registry, '-u', 'alice', '--password-stdin', '--json'], { input: T.alice, env });
    expect(login.code, login.stdout + login.stderr).toBe(0);
    const r = await status(sb, ['--engine', 'podman'], env);
    noSecrets(r);
    expect(r.code).toBe(0);
    expect(of(json(r), reg.registry)).toMatchObject({
      state: 'ok',
      account: 'alice',
      storage: { kind: 'file', file: path.join(sb.dir, 'auth.json') },
    });
  });
});
