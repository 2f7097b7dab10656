/**
 * Credential stores on real machines: the real docker 28 CLI against the real registry, with fake credential
 * helpers on PATH (failing with the D-Bus text, missing, hanging on `list`, hanging on `store`, glab's).
 */
import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run, type RunResult, type Sandbox } from '../helpers/cli.js';
import {
  alice,
  answerFlags,
  cliTerminal,
  dockerConfigFile as configFile,
  dockerRan,
  parseJson,
  putOnPath,
  storedLogin,
  testSandbox,
  useStack,
  writeDockerConfig,
} from '../helpers/e2e.js';

const PAT = 'glpat-Store0000secret0PAT';
const { reg } = useStack({ users: [alice(PAT)] });

const DBUS = 'Cannot autolaunch D-Bus without X11 $DISPLAY';
/** Fake docker-credential-NAME programs, as shell scripts (the protocol: action in argv, data on stdin/stdout). */
const HELPERS = {
  dbus: `#!/bin/sh\ncat >/dev/null\necho '${DBUS}'\nexit 1\n`,
  hangOnList: `#!/bin/sh\n[ "$1" = list ] && exec sleep 60\ncat >/dev/null\necho '{}'\n`,
  hangOnStore: `#!/bin/sh\ncase "$1" in list) echo '{}';; store) exec sleep 60;; *) cat >/dev/null; echo 'credentials not found in native keychain'; exit 1;; esac\n`,
  failOnStore: `#!/bin/sh\ncase "$1" in list) echo '{}';; store) cat >/dev/null; echo 'pass store is uninitialized'; exit 1;; *) cat >/dev/null; echo 'credentials not found in native keychain'; exit 1;; esac\n`,
  // glab's helper refuses store and list (gitlab-org/cli internal/commands/auth/docker/helper.go).
  glab: `#!/bin/sh\ncat >/dev/null\necho "glab auth docker-helper does not support manual registry logins. Remove the glab credential helper for $1 if you'd like to manually handle credentials for this registry."\nexit 1\n`,
};

/** A sandbox with docker's config `config` (none when undefined) and the credential helpers `helpers` on PATH. */
function box(config: string | undefined, helpers: Record<string, string> = {}): Sandbox {
  const sb = testSandbox();
  if (config !== undefined) writeDockerConfig(sb, config);
  for (const [name, script] of Object.entries(helpers)) putOnPath(sb, `docker-credential-${name}`, script);
  return sb;
}
const login = (sb: Sandbox, extra: string[] = [], timeoutMs = 20_000) =>
  run(['login', ...answerFlags(reg.registry), '--token-stdin', '--json', '--timeout', '5', ...extra], { input: PAT, env: sb.env, timeoutMs });
const json = (r: RunResult) => parseJson<Record<string, unknown> & { store?: Record<string, unknown> }>(r);
/** A config someone really has: another registry's login in the file, another helper for ECR, a credsStore. */
const lived = (store: string, extra = '') =>
  `{\n\t"auths": {\n\t\t"other.example.com": {\n\t\t\t"auth": "${Buffer.from('bob:kept').toString('base64')}"\n\t\t}\n\t},\n\t"credHelpers": {\n\t\t"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"${extra}\n\t},\n\t"credsStore": "${store}",\n\t"detachKeys": "ctrl-z"\n}`;

describe('login checks the store before docker runs', () => {
  test('a helper failing with the D-Bus text: store-failed naming the helper, the file and its words; docker never ran; config byte-for-byte', async () => {
    const sb = box(lived('secretservice'), { secretservice: HELPERS.dbus });
    const before = readFileSync(configFile(sb));
    const r = await login(sb);
    const j = json(r);
    expect(r.code).toBe(1);
    expect(j).toMatchObject({ ok: false, verdict: 'store-failed', loggedIn: false, engine: 'docker' });
    expect(j.store).toMatchObject({ state: 'failed', helper: 'secretservice', setBy: 'credsStore', file: configFile(sb), said: DBUS });
    expect(String(j.message)).toContain('docker-credential-secretservice');
    expect(String(j.message)).toContain(configFile(sb));
    expect(String(j.message)).toContain(DBUS);
    expect(String(j.fix)).toMatch(/--insecure-storage/);
    expect(String(j.fix)).toMatch(/DOCKER_CONFIG="\$\(mktemp -d\)"/);
    expect(String(j.fix)).not.toMatch(/(?<!not )remove .?credsStore/i);
    expect(dockerRan(sb)).toBe(false);
    expect(readFileSync(configFile(sb)).equals(before)).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(PAT);
  });

  test('a missing helper (credsStore desktop, as under WSL): store-failed, "not on PATH"', async () => {
    const sb = box('{"credsStore":"desktop"}');
    const r = await login(sb);
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'store-failed', store: { state: 'missing', helper: 'desktop' } });
    expect(String(j.message)).toMatch(/docker-credential-desktop \(credsStore in .*config\.json\), which is not on PATH/);
    expect(dockerRan(sb)).toBe(false);
    expect(readFileSync(configFile(sb), 'utf8')).toBe('{"credsStore":"desktop"}');
  });

  test('a helper hanging on list is stopped after 3 s and named; docker never ran', async () => {
    const sb = box('{"credsStore":"hangs"}', { hangs: HELPERS.hangOnList });
    const t = Date.now();
    const r = await login(sb);
    const ms = Date.now() - t;
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'store-failed', store: { state: 'timeout', helper: 'hangs' } });
    expect(String(j.message)).toMatch(/docker-credential-hangs did not answer `list` within 3 s/);
    expect(ms).toBeLessThan(12_000);
    expect(dockerRan(sb)).toBe(false);
  });

  test('only the helper for this registry counts: a broken ECR helper elsewhere does not stop the login', async () => {
    const sb = box(`{"credHelpers":{"123.dkr.ecr.us-east-1.amazonaws.com":"ecr-login"}}`);
    const r = await login(sb);
    expect(json(r)).toMatchObject({ ok: true, loggedIn: true });
  });

  test('credHelpers[REG] = "" is the file, whatever credsStore says (real docker 28 agrees)', async () => {
    const sb = box(`{"credsStore":"broken","credHelpers":{"${reg.registry}":""}}`);
    const r = await login(sb);
    expect(json(r)).toMatchObject({ ok: true, loggedIn: true, storage: { kind: 'file' } });
    expect(storedLogin(sb, reg.registry)).toBe(`alice:${PAT}`);
    expect((JSON.parse(readFileSync(configFile(sb), 'utf8')) as { credsStore: string }).credsStore).toBe('broken');
  });

  test('a helper hanging on store: docker is stopped at --timeout with its helper, the helper is named, config byte-for-byte', async () => {
    const sb = box(lived('hangstore'), { hangstore: HELPERS.hangOnStore });
    const before = readFileSync(configFile(sb));
    const r = await run(['login', ...answerFlags(reg.registry, { project: null }), '--token-stdin', '--json', '--timeout', '3'], {
      input: PAT,
      env: sb.env,
      timeoutMs: 20_000,
    });
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'store-failed', store: { state: 'timeout', helper: 'hangstore' } });
    expect(String(j.message)).toMatch(/docker login did not finish within 3 s.*docker-credential-hangstore/);
    expect(dockerRan(sb)).toBe(true);
    expect(readFileSync(configFile(sb)).equals(before)).toBe(true);
  });

  test('a helper failing on store: its own words, and the config byte-for-byte', async () => {
    const sb = box(lived('pass'), { pass: HELPERS.failOnStore });
    const before = readFileSync(configFile(sb));
    const j = json(await login(sb));
    expect(j).toMatchObject({ verdict: 'store-failed', store: { state: 'failed', helper: 'pass', said: 'pass store is uninitialized' } });
    expect(String(j.message)).toContain('docker-credential-pass (credsStore in');
    expect(String(j.fix)).toMatch(/pass init/);
    expect(readFileSync(configFile(sb)).equals(before)).toBe(true);
  });

  test("glab's helper for this registry: said plainly that glab refuses docker login, before docker runs", async () => {
    const sb = box(`{"credHelpers":{"${reg.registry}":"glab"}}`, { glab: HELPERS.glab });
    const j = json(await login(sb));
    expect(j).toMatchObject({ verdict: 'store-failed', store: { state: 'refuses', helper: 'glab', setBy: `credHelpers["${reg.registry}"]` } });
    expect(String(j.fix)).toMatch(/glab auth login/);
    expect(dockerRan(sb)).toBe(false);
  });

  test("docker's config that is not JSON stops the login before docker could replace it", async () => {
    const sb = box('{"credsStore": "desktop",');
    const j = json(await login(sb));
    expect(j).toMatchObject({ verdict: 'store-failed', store: { state: 'config' } });
    expect(String(j.message)).toMatch(/is not valid JSON/);
    expect(dockerRan(sb)).toBe(false);
    expect(readFileSync(configFile(sb), 'utf8')).toBe('{"credsStore": "desktop",');
  });
});

describe('a helper waiting for the person, in a terminal', () => {
  test('after 3 s: "waiting for docker-credential-NAME (it may be asking you to unlock your keyring)", then the login goes on', async () => {
    // `list` answers after 3.5 s, as a keychain dialog answered by a person would; the default --timeout is 15 s.
    const slow = `#!/bin/sh\ncase "$1" in list) sleep 3.5; echo '{}';; store) cat >/dev/null;; *) cat >/dev/null; echo 'credentials not found'; exit 1;; esac\n`;
    const sb = box('{"credsStore":"slowkeychain"}', { slowkeychain: slow });
    const tokenFile = path.join(sb.dir, 'token');
    writeFileSync(tokenFile, PAT, { mode: 0o600 });
    const t = cliTerminal(sb, ['login', ...answerFlags(reg.registry, { project: null }), '--token-stdin', `< ${tokenFile}`], {
      env: { NO_COLOR: '1' },
      size: { width: 120, height: 40 },
    });
    await t.waitFor('waiting for docker-credential-slowkeychain (it may be asking you to unlock your keyring)', 10_000);
    const screen = await t.waitFor('EXIT=', 15_000);
    expect(screen).toContain('EXIT=0');
    expect(screen).toMatch(/Logged in to 127\.0\.0\.1:\d+ with docker/);
    expect(screen).not.toContain(PAT);
  });
});

describe('--insecure-storage', () => {
  test('keeps this login in the file for this registry only; credsStore and every other login stay; backup; says so plainly', async () => {
    const sb = box(lived('secretservice'), { secretservice: HELPERS.dbus });
    const before = readFileSync(configFile(sb));
    const r = await login(sb, ['--insecure-storage']);
    const j = json(r);
    expect(j).toMatchObject({ ok: true, loggedIn: true, storage: { kind: 'file', file: configFile(sb) } });
    const cfg = JSON.parse(readFileSync(configFile(sb), 'utf8')) as Record<string, unknown> & {
      auths: Record<string, { auth: string }>;
      credHelpers: Record<string, string>;
    };
    const old = JSON.parse(before.toString()) as typeof cfg;
    expect(cfg.credsStore).toBe('secretservice');
    expect(cfg.detachKeys).toBe('ctrl-z');
    expect(cfg.credHelpers).toEqual({ ...old.credHelpers, [reg.registry]: '' });
    expect(cfg.auths['other.example.com']).toEqual(old.auths['other.example.com']);
    expect(storedLogin(sb, reg.registry)).toBe(`alice:${PAT}`);
    const backup = (j.storage as { insecure: { backup: string } }).insecure.backup;
    expect(path.dirname(backup)).toBe(sb.dockerConfig);
    expect(readFileSync(backup).equals(before)).toBe(true);
    // And in words, without --json.
    const sb2 = box(lived('secretservice'), { secretservice: HELPERS.dbus });
    const text = await run(['login', ...answerFlags(reg.registry, { project: null }), '--token-stdin', '--insecure-storage'], { input: PAT, env: sb2.env });
    expect(text.code).toBe(0);
    expect(text.stdout.replace(/\s+/g, ' ')).toMatch(
      /stored base64 \(not encrypted\) in .*config\.json.*credsStore and your other logins are unchanged.*To undo: `docker logout 127\.0\.0\.1:\d+`, then delete/,
    );
    expect(text.stdout + text.stderr).not.toContain(PAT);
  });

  test('when docker login then fails, the config is put back byte for byte and the backup removed', async () => {
    const failing =
      "#!/bin/sh\ncat >/dev/null\necho 'Error response from daemon: login attempt to https://x/v2/ failed with status: 401 Unauthorized' >&2\nexit 1\n";
    const sb = testSandbox({ docker: failing });
    writeDockerConfig(sb, lived('secretservice'));
    const before = readFileSync(configFile(sb));
    const j = json(await login(sb, ['--insecure-storage']));
    expect(j).toMatchObject({ ok: false, loggedIn: false });
    expect(readFileSync(configFile(sb)).equals(before)).toBe(true);
    expect(readdirSync(sb.dockerConfig)).toEqual(['config.json']);
  });

  test('with no helper in play it changes nothing of the config but the login', async () => {
    const sb = box('{"auths":{}}');
    const j = json(await login(sb, ['--insecure-storage']));
    expect(j).toMatchObject({ ok: true, storage: { kind: 'file' } });
    expect((j.storage as { insecure?: unknown }).insecure).toBeUndefined();
    expect(existsSync(configFile(sb))).toBe(true);
    expect(readdirSync(sb.dockerConfig)).toEqual(['config.json']);
  });
});

describe('logout with a store that cannot be read', () => {
  test("says it could not check, still runs the engine's logout, and reports what the engine said", async () => {
    const sb = box(`{"credsStore":"secretservice","auths":{"${'x'}":{}}}`, { secretservice: HELPERS.dbus });
    const r = await run(['logout', '--registry', reg.registry, '--json'], { env: sb.env });
    const j = json(r);
    expect(j).toMatchObject({ checked: false, removed: null, engine: 'docker', registry: reg.registry });
    expect(String(j.message)).toMatch(
      new RegExp(`Could not check for a login to ${reg.registry.replace(/\./g, '\\.')}: docker-credential-secretservice failed: Cannot autolaunch D-Bus`),
    );
    expect(String(j.message)).toMatch(/Ran `docker logout 127\.0\.0\.1:\d+`; docker said: /);
    expect(dockerRan(sb)).toBe(true);
    const text = await run(['logout', '--registry', reg.registry], { env: sb.env });
    expect(text.stderr).toMatch(/^⚠ Could not check for a login/);
  });
});

describe('podman: the auth file podman really uses, asked of podman itself', () => {
  const podmanEnv = (sb: Sandbox, extra: NodeJS.ProcessEnv) => {
    const env: NodeJS.ProcessEnv = { ...sb.env, PATH: `${sb.env.PATH}:/usr/bin`, ...extra };
    for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
    return env;
  };
  const podmanLogin = (env: NodeJS.ProcessEnv) =>
    run(['login', '--engine', 'podman', ...answerFlags(reg.registry, { project: null }), '--token-stdin', '--json'], {
      input: PAT,
      env,
    });
  const logins = (file: string) => Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, unknown> }).auths);

  test.each([
    ['REGISTRY_AUTH_FILE', (sb: Sandbox) => ({ REGISTRY_AUTH_FILE: path.join(sb.dir, 'ra.json') }), (sb: Sandbox) => path.join(sb.dir, 'ra.json')],
    ["DOCKER_CONFIG/config.json (podman writes docker's file)", () => ({}), (sb: Sandbox) => configFile(sb)],
    [
      '$XDG_RUNTIME_DIR/containers/auth.json',
      (sb: Sandbox) => ({ DOCKER_CONFIG: undefined, XDG_RUNTIME_DIR: sb.home }),
      (sb: Sandbox) => path.join(sb.home, 'containers', 'auth.json'),
    ],
  ])('%s: login reports the file podman wrote, doctor and logout find it there', async (_n, extra, expected) => {
    const sb = box(undefined);
    const env = podmanEnv(sb, extra(sb));
    const file = expected(sb);
    const j = json(await podmanLogin(env));
    expect(j).toMatchObject({ ok: true, loggedIn: true, engine: 'podman', storage: { kind: 'file', file } });
    expect(logins(file)).toContain(reg.registry);
    const doc = JSON.parse((await run(['doctor', '--engine', 'podman', '--registry', reg.registry, '--json'], { env })).stdout) as {
      checks: Array<{ id: string; status: string; detail: string }>;
    };
    expect(doc.checks.find((c) => c.id === 'docker.stored')).toMatchObject({ status: 'pass', detail: `a login for ${reg.registry} as alice (${file})` });
    const out = json(await run(['logout', '--engine', 'podman', '--registry', reg.registry, '--json'], { env }));
    expect(out).toMatchObject({ ok: true, removed: true, message: `Removed the login for ${reg.registry} (alice) from ${file}.` });
    expect(logins(file)).not.toContain(reg.registry);
  });

  test('root without XDG_RUNTIME_DIR: /run/containers/0/auth.json (in a private mount namespace)', async () => {
    const sb = box(undefined);
    const env = podmanEnv(sb, { DOCKER_CONFIG: undefined, XDG_RUNTIME_DIR: undefined });
    const cli = (args: string) => `${JSON.stringify(process.execPath)} ${JSON.stringify(path.resolve('bin/gitlab-registry-login.js'))} ${args}`;
    const script = [
      'set -e',
      'mount -t tmpfs tmpfs /run/containers',
      `printf %s "$TOKEN" | ${cli(`login --engine podman --registry ${reg.registry} --type personal-access-token --username alice --token-stdin --json`)}`,
      'echo ===',
      'cat /run/containers/0/auth.json',
      'echo ===',
      cli(`logout --engine podman --registry ${reg.registry} --json`),
    ].join('\n');
    // Asynchronous: the test GitLab answers from this process while the CLI runs.
    const { execFile } = await import('node:child_process');
    const r = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
      execFile('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { env: { ...env, TOKEN: PAT }, timeout: 20_000 }, (_e, stdout, stderr) =>
        resolve({ stdout, stderr }),
      ),
    );
    if (!r.stdout.includes('===')) throw new Error(r.stdout + r.stderr);
    const [loginOut, authFile, logoutOut] = r.stdout.split('===\n');
    expect(JSON.parse(loginOut!), loginOut).toMatchObject({ ok: true, storage: { kind: 'file', file: '/run/containers/0/auth.json' } });
    expect(Object.keys((JSON.parse(authFile!) as { auths: object }).auths)).toContain(reg.registry);
    expect(JSON.parse(logoutOut!)).toMatchObject({
      ok: true,
      removed: true,
      message: `Removed the login for ${reg.registry} (alice) from /run/containers/0/auth.json.`,
    });
  });
});
