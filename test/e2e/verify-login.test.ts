import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeCert, type KeyPair } from '../helpers/pki.js';
import { startGitlab } from '../helpers/gitlab.js';
import { freePort, startRegistry, type RealRegistry } from '../helpers/registry.js';
import { httpFront, tlsProxy } from '../helpers/servers.js';
import { run, type RunResult } from '../helpers/cli.js';
import {
  dockerConfigFile,
  setForTest,
  parseJson as json,
  storedLogin,
  testSandbox,
  testServer as httpServer,
  useStack,
  writeDockerConfig,
} from '../helpers/e2e.js';

const T = {
  pat: 'glpat-Alice0000secretPAT',
  patReadOnly: 'glpat-Reader000secretRO',
  patNoRegistry: 'glpat-NoReg0000secretNR',
  projectToken: 'glpat-Bot00000secretPRJ',
  groupToken: 'glpat-GroupBot0secretGRP',
  deploy: 'gldt-Deploy00000secretDT',
  job: 'glcbt-Job000000secretJOB',
  ciRegistry: 'glcbt-CiReg00000secretCI',
};

const { pki, gl, reg } = useStack({
  users: [
    {
      kind: 'personal',
      username: 'alice',
      token: T.pat,
      scopes: ['read_registry', 'write_registry'],
      projects: { 'group/app': 'developer', 'group/guest-only': 'guest' },
    },
    { kind: 'personal', username: 'rita', token: T.patReadOnly, scopes: ['read_registry'], projects: { 'group/app': 'developer' } },
    { kind: 'personal', username: 'nora', token: T.patNoRegistry, scopes: ['read_user'], projects: { 'group/app': 'developer' } },
    {
      kind: 'project',
      username: 'project_7_bot_abc',
      token: T.projectToken,
      scopes: ['read_registry', 'write_registry'],
      projects: { 'group/app': 'maintainer' },
    },
    { kind: 'group', username: 'group_3_bot_def', token: T.groupToken, scopes: ['read_registry'], projects: { group: 'reporter' } },
  ],
  deployTokens: [{ username: 'gitlab+deploy-token-42', token: T.deploy, scopes: ['read_registry'], project: 'group/app' }],
  jobTokens: [
    { token: T.job, project: 'group/app', allowedBy: ['group/lib'] },
    { token: T.ciRegistry, project: 'group/app', allowedBy: [] },
  ],
  protectedPaths: ['group/app/release'],
});
let tlsCert: KeyPair, strangerReg: RealRegistry;
beforeAll(async () => {
  tlsCert = makeCert('127.0.0.1', ['IP:127.0.0.1']);
  // A registry that trusts another issuer: it refuses GitLab's tokens (server-side misconfiguration).
  strangerReg = await startRegistry({ realm: gl.realm, certFile: pki.certFile, issuer: 'some-other-issuer' });
});

afterAll(async () => {
  await strangerReg?.stop();
  tlsCert?.cleanup();
});

interface Case {
  type: string;
  username?: string;
  token: string;
  project?: string;
  access?: 'pull' | 'push';
  registry?: string;
  extra?: string[];
}

/** alice's personal access token (Developer on group/app, read_registry + write_registry). */
const ALICE = { type: 'personal-access-token', username: 'alice', token: T.pat } as const;

function args(cmd: 'verify' | 'login', c: Case): string[] {
  return [
    cmd,
    '--registry',
    c.registry ?? reg.registry,
    '--type',
    c.type,
    ...(c.username ? ['--username', c.username] : []),
    ...(c.project ? ['--project', c.project] : []),
    ...(c.access ? ['--access', c.access] : []),
    '--token-stdin',
    '--json',
    '--timeout',
    '5',
    ...(c.extra ?? []),
  ];
}

/** The token must appear in no output stream of ours. */
function noLeak(r: RunResult, token: string) {
  expect(r.stdout).not.toContain(token);
  expect(r.stderr).not.toContain(token);
}

describe('verify: every credential type that should pass', () => {
  const ok: Array<[string, Case]> = [
    ['personal access token, push', { ...ALICE, project: 'group/app', access: 'push' }],
    ['personal access token, image below the project', { ...ALICE, project: 'group/app/worker', access: 'push' }],
    ['deploy token, pull', { type: 'deploy-token', username: 'gitlab+deploy-token-42', token: T.deploy, project: 'group/app' }],
    [
      'project access token, push',
      { type: 'project-access-token', username: 'project_7_bot_abc', token: T.projectToken, project: 'group/app', access: 'push' },
    ],
    ['group access token, pull in a subgroup project', { type: 'group-access-token', username: 'group_3_bot_def', token: T.groupToken, project: 'group/app' }],
    ['job token, push its own project (username defaulted)', { type: 'job-token', token: T.job, project: 'group/app', access: 'push' }],
    ['job token, pull a project that allows it', { type: 'job-token', token: T.job, project: 'group/lib' }],
    ['CI_REGISTRY_PASSWORD, push', { type: 'ci-registry-password', token: T.ciRegistry, project: 'group/app', access: 'push' }],
  ];
  test.each(ok)('%s', async (_name, c) => {
    const r = await run(args('verify', c), { input: `${c.token}\n` });
    const j = json(r);
    expect(j).toMatchObject({ ok: true, verdict: 'ok', registry: reg.registry, realm: gl.realm, gitlab: gl.url, credentialType: c.type, loggedIn: false });
    expect(j.granted).toEqual(c.access === 'push' ? ['pull', 'push'] : ['pull']);
    expect(r.code).toBe(0);
    noLeak(r, c.token);
  });

  test('without --project only the credential is checked, and the result says so', async () => {
    const r = await run(args('verify', ALICE), { input: T.pat });
    const j = json(r);
    expect(j).toMatchObject({ ok: true, verdict: 'ok', project: null, granted: null, requested: [] });
    expect(String(j.message)).toMatch(/no --project was given/i);
  });

  test('human output names every step and the result', async () => {
    const r = await run(
      args('verify', { ...ALICE, project: 'group/app', access: 'push' }).filter((a) => a !== '--json'),
      { input: T.pat },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ Registry 127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('✔ Push group/app');
    expect(r.stdout).toContain('alice (personal access token) can pull and push group/app');
    expect(r.stdout).not.toMatch(/\u001b\[/); // no escape codes when not a TTY
  });
});

describe('verify: each failure verdict, with its exit code and fix', () => {
  test('invalid-credentials: wrong personal access token (exit 1)', async () => {
    const r = await run(args('verify', { type: 'personal-access-token', username: 'alice', token: 'glpat-wrong', project: 'group/app' }), {
      input: 'glpat-wrong',
    });
    expect(json(r)).toMatchObject({ ok: false, verdict: 'invalid-credentials' });
    expect(String(json(r).fix)).toMatch(/two-factor/);
    expect(r.code).toBe(1);
  });

  test('invalid-credentials: deploy token with another username says which username it wants', async () => {
    const r = await run(args('verify', { type: 'deploy-token', username: 'alice', token: T.deploy, project: 'group/app' }), { input: T.deploy });
    expect(json(r)).toMatchObject({ verdict: 'invalid-credentials' });
    expect(String(json(r).fix)).toMatch(/gitlab\+deploy-token/);
    expect(r.code).toBe(1);
  });

  test('no-registry-scope: a token with only read_user names the scope to add', async () => {
    const r = await run(args('verify', { type: 'personal-access-token', username: 'nora', token: T.patNoRegistry, project: 'group/app' }), {
      input: T.patNoRegistry,
    });
    expect(json(r)).toMatchObject({ verdict: 'no-registry-scope' });
    expect(String(json(r).fix)).toContain('read_registry');
    expect(r.code).toBe(1);
  });

  test('no-registry-scope also without --project (as docker login would fail)', async () => {
    const r = await run(args('verify', { type: 'personal-access-token', username: 'nora', token: T.patNoRegistry }), { input: T.patNoRegistry });
    expect(json(r)).toMatchObject({ verdict: 'no-registry-scope' });
  });

  test('insufficient-access: read_registry token asking for push is granted pull only', async () => {
    const r = await run(args('verify', { type: 'personal-access-token', username: 'rita', token: T.patReadOnly, project: 'group/app', access: 'push' }), {
      input: T.patReadOnly,
    });
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'insufficient-access', requested: ['pull', 'push'], granted: ['pull'] });
    expect(String(j.fix)).toContain('write_registry');
    expect(r.code).toBe(1);
  });

  test('insufficient-access: a Guest cannot pull; the fix names the Reporter role', async () => {
    const r = await run(args('verify', { ...ALICE, project: 'group/guest-only' }), { input: T.pat });
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'insufficient-access', granted: [] });
    expect(String(j.fix)).toContain('Reporter');
  });

  test('insufficient-access: a project the credential cannot see', async () => {
    const r = await run(args('verify', { type: 'deploy-token', username: 'gitlab+deploy-token-42', token: T.deploy, project: 'other/secret' }), {
      input: T.deploy,
    });
    expect(json(r)).toMatchObject({ verdict: 'insufficient-access', granted: [] });
  });

  test('insufficient-access: a job token cannot push to another project', async () => {
    const r = await run(args('verify', { type: 'job-token', token: T.job, project: 'group/lib', access: 'push' }), { input: T.job });
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'insufficient-access', granted: ['pull'], username: 'gitlab-ci-token' });
    expect(String(j.fix)).toMatch(/own project/);
  });

  test('insufficient-access: pushing to a protected repository path', async () => {
    const r = await run(args('verify', { ...ALICE, project: 'group/app/release', access: 'push' }), {
      input: T.pat,
    });
    expect(json(r)).toMatchObject({ verdict: 'insufficient-access' });
    expect(String(json(r).message)).toMatch(/protected repository path/);
  });

  test('registry-disabled', async () => {
    setForTest(gl.config, { registryEnabled: false });
    const r = await run(args('verify', { ...ALICE, project: 'group/app' }), { input: T.pat });
    expect(json(r)).toMatchObject({ verdict: 'registry-disabled' });
    expect(r.code).toBe(1);
  });

  test('untrusted-realm: realm not on the --gitlab instance; the token is never sent', async () => {
    const before = gl.authorizations.length;
    const r = await run(
      args('verify', {
        ...ALICE,
        project: 'group/app',
        extra: ['--gitlab', 'https://gitlab.example.com'],
      }),
      { input: T.pat },
    );
    expect(json(r)).toMatchObject({ verdict: 'untrusted-realm', realm: gl.realm });
    expect(String(json(r).fix)).toMatch(/--trust-realm/);
    expect(r.code).toBe(1);
    expect(gl.authorizations.length).toBe(before);
  });

  test('--trust-realm lets a realm on another host through', async () => {
    const r = await run(
      args('verify', {
        ...ALICE,
        project: 'group/app',
        extra: ['--gitlab', 'https://gitlab.example.com', '--trust-realm'],
      }),
      { input: T.pat },
    );
    expect(json(r)).toMatchObject({ verdict: 'ok' });
  });

  test('--gitlab naming the realm host is accepted', async () => {
    const r = await run(args('verify', { ...ALICE, project: 'group/app', extra: ['--gitlab', gl.url] }), {
      input: T.pat,
    });
    expect(json(r)).toMatchObject({ verdict: 'ok', gitlab: gl.url });
  });

  test('unreachable: nothing listens on the port (exit 3)', async () => {
    const port = await freePort();
    const r = await run(args('verify', { ...ALICE, registry: `127.0.0.1:${port}` }), { input: T.pat });
    expect(json(r)).toMatchObject({ verdict: 'unreachable' });
    expect(r.code).toBe(3);
  });

  test('tls-error: a registry with an unknown CA (exit 3), and --ca-file fixes it', async () => {
    const front = await tlsProxy(tlsCert.certPem, tlsCert.keyPem, `http://${reg.registry}`);
    onTestFinished(() => front.close());
    const c: Case = { ...ALICE, project: 'group/app', registry: `127.0.0.1:${front.port}` };
    const bad = await run(args('verify', c), { input: T.pat });
    expect(json(bad)).toMatchObject({ verdict: 'tls-error' });
    expect(String(json(bad).fix)).toMatch(/--ca-file.*certs\.d/s);
    expect(bad.code).toBe(3);
    const good = await run(args('verify', { ...c, extra: ['--ca-file', tlsCert.certFile] }), { input: T.pat });
    expect(json(good)).toMatchObject({ verdict: 'ok' });
    const viaEnv = await run(args('verify', c), { input: T.pat, env: { ...process.env, NODE_EXTRA_CA_CERTS: tlsCert.certFile } });
    expect(json(viaEnv)).toMatchObject({ verdict: 'ok' });
  });

  test('not-a-registry: a web server that is not a registry (exit 3)', async () => {
    const web = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>hello</html>');
    });
    const r = await run(args('verify', { ...ALICE, registry: `127.0.0.1:${web.port}` }), {
      input: T.pat,
    });
    expect(json(r)).toMatchObject({ verdict: 'not-a-registry' });
    expect(r.code).toBe(3);
    expect(web.hits.every((h) => h.authorization === undefined)).toBe(true);
  });

  test('not-a-registry: a Basic-only registry gets no token', async () => {
    const basic = await httpServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' });
      res.end();
    });
    const r = await run(args('verify', { ...ALICE, registry: `127.0.0.1:${basic.port}` }), {
      input: T.pat,
    });
    expect(json(r)).toMatchObject({ verdict: 'not-a-registry' });
    expect(String(json(r).message)).toMatch(/basic/i);
    expect(basic.hits.every((h) => h.authorization === undefined)).toBe(true);
  });

  test('registry-rejected-token: the registry refuses what GitLab issued', async () => {
    const r = await run(args('verify', { ...ALICE, project: 'group/app', registry: strangerReg.registry }), { input: T.pat });
    expect(json(r)).toMatchObject({ verdict: 'registry-rejected-token' });
    expect(String(json(r).fix)).toMatch(/admin/);
    expect(r.code).toBe(1);
  });
});

describe('usage and bad input: exit 2, one line naming the flag, nothing sent', () => {
  const cases: Array<[string, string[], string, RegExp]> = [
    ['bad --type', ['verify', '--registry', '127.0.0.1:5000', '--type', 'password', '--token-stdin'], 'x', /--type must be one of/],
    [
      'registry with a scheme',
      ['verify', '--registry', 'https://registry.example.com', '--type', 'job-token', '--token-stdin'],
      'x',
      /--registry: .*without a scheme.*HOST\[:PORT\]/,
    ],
    ['registry with a bad port', ['verify', '--registry', 'example.com:99999', '--type', 'job-token', '--token-stdin'], 'x', /bad port/],
    ['no --token-stdin', ['verify', '--registry', '127.0.0.1:5000', '--type', 'job-token'], '', /missing --token-stdin/],
    ['no --type', ['verify', '--registry', '127.0.0.1:5000', '--token-stdin'], 'x', /missing --type/],
    [
      'no username for a deploy token',
      ['verify', '--registry', '127.0.0.1:5000', '--type', 'deploy-token', '--token-stdin'],
      'x',
      /missing --username .*gitlab\+deploy-token/,
    ],
    ['empty token', ['verify', '--registry', '127.0.0.1:5000', '--type', 'job-token', '--token-stdin'], '\n', /no token/],
    [
      'token with a line break inside',
      ['verify', '--registry', '127.0.0.1:5000', '--type', 'job-token', '--token-stdin'],
      'abc\r\nAuthorization: x',
      /control characters/,
    ],
    [
      'username with CR/LF',
      ['verify', '--registry', '127.0.0.1:5000', '--type', 'personal-access-token', '--username', 'a\r\nb', '--token-stdin'],
      'x',
      /--username: .*control/,
    ],
    ['token with NUL', ['verify', '--registry', '127.0.0.1:5000', '--type', 'job-token', '--token-stdin'], 'glpat-a\u0000b', /control characters/],
    ['token with a space', ['verify', '--registry', '127.0.0.1:5000', '--type', 'job-token', '--token-stdin'], 'glpat-a b', /spaces/],
    ['token with non-ASCII', ['verify', '--registry', '127.0.0.1:5000', '--type', 'job-token', '--token-stdin'], 'glpat-ä', /non-ASCII/],
    ['token over 4 KiB', ['verify', '--registry', '127.0.0.1:5000', '--type', 'job-token', '--token-stdin'], 'x'.repeat(5000), /longer than 4096 bytes/],
    [
      'username with a space',
      ['verify', '--registry', '127.0.0.1:5000', '--type', 'personal-access-token', '--username', 'a b', '--token-stdin'],
      'x',
      /--username: .*space/,
    ],
    [
      'username non-ASCII',
      ['verify', '--registry', '127.0.0.1:5000', '--type', 'personal-access-token', '--username', 'jürgen', '--token-stdin'],
      'x',
      /--username: .*non-ASCII/,
    ],
    [
      'registry with user info',
      ['verify', '--registry', 'u@registry.example.com', '--type', 'job-token', '--token-stdin'],
      'x',
      /user info; expected HOST\[:PORT\]/,
    ],
    [
      'GitLab URL with a path of spaces',
      ['verify', '--gitlab', 'https://gitlab.example.com/a b', '--type', 'job-token', '--token-stdin'],
      'x',
      /--gitlab: .*spaces; expected https:\/\/HOST/,
    ],
    [
      'bad --access',
      ['verify', '--registry', '127.0.0.1:5000', '--type', 'job-token', '--access', 'write', '--token-stdin'],
      'x',
      /--access must be one of pull, push/,
    ],
    [
      'bad --project',
      ['verify', '--registry', '127.0.0.1:5000', '--type', 'job-token', '--project', 'app', '--token-stdin'],
      'x',
      /--project: .*names no group/,
    ],
    ['unknown flag', ['verify', '--registyr', 'x'], '', /Did you mean --registry/],
    ['unknown command', ['verfy'], '', /Did you mean verify/],
  ];
  test.each(cases)('%s', async (_n, argv, input, re) => {
    const before = gl.requests.length;
    const r = await run(argv, { input });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(gl.requests.length).toBe(before);
  });

  test('--version and --help exit 0', async () => {
    const v = await run(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const h = await run(['verify', '--help']);
    expect(h.code).toBe(0);
    for (const f of [
      '--gitlab',
      '--registry',
      '--type',
      '--access',
      '--project',
      '--username',
      '--token-stdin',
      '--json',
      '--timeout',
      '--ca-file',
      '--trust-realm',
      'registry-rejected-token',
      'Exit codes',
    ])
      expect(h.stdout).toContain(f);
    expect(h.stdout).toMatch(/creates an empty repository/);
  });
});

describe('login: the real docker CLI, and the secret stays secret', () => {
  test('logs in with the token on stdin only; nothing leaks anywhere', async () => {
    const sb = testSandbox();
    const env = { ...sb.env, SOME_VARIABLE_HOLDING_IT: T.pat };
    const r = await run(args('login', { ...ALICE, project: 'group/app', access: 'push' }), {
      input: `${T.pat}\n`,
      env,
    });
    const j = json(r);
    expect(j).toMatchObject({ ok: true, verdict: 'ok', loggedIn: true, engine: 'docker', storage: { kind: 'file' } });
    expect(r.code).toBe(0);
    noLeak(r, T.pat);
    // The login landed in DOCKER_CONFIG.
    expect(storedLogin(sb, reg.registry)).toBe(`alice:${T.pat}`);
    // What docker really got: argv and environment, recorded by the wrapper as it ran.
    const logs = readdirSync(sb.log);
    const argv = readFileSync(
      path.join(
        sb.log,
        logs.find((f) => f.startsWith('argv'))!,
      ),
      'utf8',
    );
    const childEnv = readFileSync(
      path.join(
        sb.log,
        logs.find((f) => f.startsWith('env'))!,
      ),
      'utf8',
    );
    expect(argv.split('\n')).toEqual(['login', '--username', 'alice', '--password-stdin', reg.registry, '']);
    expect(argv).not.toContain(T.pat);
    expect(childEnv).not.toContain(T.pat);
    expect(childEnv).not.toContain('SOME_VARIABLE_HOLDING_IT');
    expect(childEnv).toContain(`DOCKER_CONFIG=${sb.dockerConfig}`);
    // No file of ours holds it: only docker's own credential store does.
    for (const [file, content] of sb.files()) {
      if (file === dockerConfigFile(sb)) continue;
      expect(content, file).not.toContain(T.pat);
      expect(content, file).not.toContain(Buffer.from(`alice:${T.pat}`).toString('base64'));
    }
  });

  test('a failed verification never runs docker and never touches its config', async () => {
    const sb = testSandbox();
    writeDockerConfig(sb, '{"auths":{}}');
    const r = await run(args('login', { type: 'personal-access-token', username: 'rita', token: T.patReadOnly, project: 'group/app', access: 'push' }), {
      input: T.patReadOnly,
      env: sb.env,
    });
    expect(json(r)).toMatchObject({ verdict: 'insufficient-access', loggedIn: false, engine: null });
    expect(r.code).toBe(1);
    expect(readFileSync(dockerConfigFile(sb), 'utf8')).toBe('{"auths":{}}');
    expect(readdirSync(sb.log)).toEqual([]);
  });

  test('store-failed: docker could not store the credential (credsStore names a missing helper), found before docker runs', async () => {
    const sb = testSandbox();
    writeDockerConfig(sb, '{"credsStore":"nonexistent-helper"}');
    const r = await run(args('login', { ...ALICE, project: 'group/app' }), {
      input: T.pat,
      env: sb.env,
    });
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'store-failed', loggedIn: false, engine: 'docker' });
    expect(String(j.message)).toMatch(/docker-credential-nonexistent-helper \(credsStore in .*config\.json\), which is not on PATH/);
    expect(String(j.fix)).toMatch(/--insecure-storage/);
    expect(readdirSync(sb.log)).toEqual([]);
    expect(r.code).toBe(1);
    noLeak(r, T.pat);
  });

  test('login-failed: D-Bus secret service missing is explained', async () => {
    const fake =
      "#!/bin/sh\ncat >/dev/null\necho 'Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`' >&2\nexit 1\n";
    const sb = testSandbox({ docker: fake });
    const r = await run(args('login', ALICE), { input: T.pat, env: sb.env });
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'login-failed' });
    expect(String(j.message)).toMatch(/keyring|D-Bus/);
  });

  test('engine-missing: no docker or podman on PATH', async () => {
    const sb = testSandbox({ docker: 'none' });
    const r = await run(args('login', ALICE), {
      input: T.pat,
      env: { ...sb.env, PATH: path.join(sb.dir, 'bin') },
    });
    expect(json(r)).toMatchObject({ verdict: 'engine-missing', loggedIn: false });
    expect(r.code).toBe(1);
    expect(existsSync(dockerConfigFile(sb))).toBe(false);
  });

  test('the token is in no process argument of ours', async () => {
    // Our own argv holds no token by construction (stdin); prove the flag surface cannot take one.
    const r = await run(['login', '--token', T.pat]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(T.pat);
  });
});

describe('remembered realms: a repeat verify skips the challenge, a failing one falls back to it', () => {
  const alice = (registry: string): Case => ({
    type: 'personal-access-token',
    username: 'alice',
    token: T.pat,
    project: 'group/app',
    access: 'push',
    registry,
  });
  const cacheFile = (home: string) => path.join(home, '.cache', 'gitlab-registry-login', 'realms.json');
  const remember = (home: string, registry: string, realm: string) => {
    mkdirSync(path.dirname(cacheFile(home)), { recursive: true });
    writeFileSync(cacheFile(home), JSON.stringify({ [registry]: { baseUrl: `http://${registry}`, realm, service: 'container_registry' } }));
  };
  /** The real registry behind a front that records each request reaching it. */
  async function countedRegistry() {
    const front = await httpFront(`http://${reg.registry}`);
    onTestFinished(() => front.close());
    return { front, registry: `127.0.0.1:${front.port}`, paths: () => front.hits.map((h) => h.path) };
  }

  test('the second verify asks GitLab at once: one request fewer, and the cache holds no secret (0600)', async () => {
    const { front, registry, paths } = await countedRegistry();
    const sb = testSandbox();
    const first = await run(args('verify', alice(registry)), { input: T.pat, env: sb.env });
    expect(first.code).toBe(0);
    expect(paths()).toEqual(['/v2/', '/v2/group/app/tags/list?n=1']);
    const text = readFileSync(cacheFile(sb.home), 'utf8');
    expect(JSON.parse(text)).toEqual({ [registry]: { baseUrl: `http://${registry}`, realm: gl.realm, service: 'container_registry' } });
    expect(statSync(cacheFile(sb.home)).mode & 0o777).toBe(0o600);
    expect(text).not.toContain(T.pat);

    front.hits.length = 0;
    const tokenRequests = () => gl.requests.filter((q) => q.path === '/jwt/auth').length;
    const asked = tokenRequests();
    const second = await run(args('verify', alice(registry)), { input: T.pat, env: sb.env });
    expect(second.code).toBe(0);
    expect(paths()).toEqual(['/v2/group/app/tags/list?n=1']);
    expect(tokenRequests() - asked).toBe(1);
    expect((json(second).steps as Array<{ detail?: string }>)[0]!.detail).toBe('realm remembered');
    noLeak(second, T.pat);
  });

  test('a remembered realm that no longer answers: the challenge is asked and the cache mended', async () => {
    const { registry, paths } = await countedRegistry();
    const sb = testSandbox();
    remember(sb.home, registry, `http://127.0.0.1:${await freePort()}/jwt/auth`);
    const r = await run(args('verify', alice(registry)), { input: T.pat, env: sb.env });
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ verdict: 'ok', realm: gl.realm });
    expect(paths()).toEqual(['/v2/', '/v2/group/app/tags/list?n=1']);
    expect((JSON.parse(readFileSync(cacheFile(sb.home), 'utf8')) as Record<string, { realm: string }>)[registry]!.realm).toBe(gl.realm);
  });

  test('a remembered realm that answers but is stale (the registry now names another): verified at the current one', async () => {
    const { registry } = await countedRegistry();
    const stale = await startGitlab(pki, { users: [] });
    onTestFinished(() => stale.close());
    const sb = testSandbox();
    remember(sb.home, registry, stale.realm);
    const r = await run(args('verify', alice(registry)), { input: T.pat, env: sb.env });
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ verdict: 'ok', realm: gl.realm });
    expect(stale.requests.filter((q) => q.path === '/jwt/auth').length).toBe(1);
    expect((JSON.parse(readFileSync(cacheFile(sb.home), 'utf8')) as Record<string, { realm: string }>)[registry]!.realm).toBe(gl.realm);
  });

  test('a current remembered realm and a wrong token: invalid-credentials, and the token is sent once', async () => {
    const { registry, paths } = await countedRegistry();
    const sb = testSandbox();
    remember(sb.home, registry, gl.realm);
    const asked = gl.requests.length;
    const r = await run(args('verify', { ...alice(registry), token: 'glpat-Wrong000000secret00' }), { input: 'glpat-Wrong000000secret00', env: sb.env });
    expect(r.code).toBe(1);
    expect(json(r).verdict).toBe('invalid-credentials');
    // The token endpoint once, with the token (the token's own record is asked alongside, at /api/v4); then, for the fix's link, the personal-access-token page, anonymously.
    expect(
      gl.requests
        .slice(asked)
        .filter((q) => !q.path.startsWith('/api/v4/'))
        .map((q) => [q.path, q.hadAuthorization]),
    ).toEqual([
      ['/jwt/auth', true],
      ['/-/profile/personal_access_tokens', false],
    ]);
    expect(paths()).toEqual(['/v2/']);
  });
});
