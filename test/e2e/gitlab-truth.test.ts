/**
 * GitLab's every answer, told truthfully: the built CLI against the test GitLab (which quotes GitLab's texts,
 * see test/helpers/gitlab.ts for the source of each) and the real distribution registry.
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { makeCert } from '../helpers/pki.js';
import { startRegistry } from '../helpers/registry.js';
import { run, type RunResult } from '../helpers/cli.js';
import { answerFlags, setForTest, testStack, useStack } from '../helpers/e2e.js';

const T = {
  dev: 'glpat-Dev00000000secretDEV',
  writeOnly: 'glpat-WriteOnly00secretWO',
  blocked: 'glpat-Blocked0000secretBL',
  job: 'glcbt-Job000000secretJOB2',
  deploy: 'gldt-Deploy0000secretDT2',
  deployNoRegistry: 'gldt-DeployRepo00secretDT3',
};

const { pki, gl, reg } = useStack({
  users: [
    {
      kind: 'personal',
      username: 'dana',
      token: T.dev,
      scopes: ['read_registry', 'write_registry'],
      projects: { acme: 'developer', 'full/app': 'developer' },
    },
    { kind: 'personal', username: 'walt', token: T.writeOnly, scopes: ['write_registry'], projects: { 'acme/app': 'developer' } },
    { kind: 'personal', username: 'bill', token: T.blocked, scopes: ['read_registry'], projects: { 'acme/app': 'developer' }, blocked: true },
  ],
  deployTokens: [
    { username: 'gitlab+deploy-token-7', token: T.deploy, scopes: ['read_registry'], project: 'acme/app' },
    { username: 'gitlab+deploy-token-8', token: T.deployNoRegistry, scopes: ['read_repository'], project: 'acme/app' },
  ],
  jobTokens: [{ token: T.job, project: 'acme/app', allowedBy: [] }],
  projects: {
    'acme/app': { protectedTags: [{ pattern: 'v*', minimumPushRole: 'maintainer' }], immutableTags: ['release-*'] },
    'acme/off': { registryEnabled: false },
    'acme/lib': {},
    'full/app': { storageFull: true },
  },
});

function verify(type: string, username: string, token: string, project: string, access: 'pull' | 'push', registry = reg.registry): Promise<RunResult> {
  return run(['verify', ...answerFlags(registry, { type, username, project, access }), '--token-stdin', '--json', '--timeout', '5'], { input: token });
}
const json = (r: RunResult) => JSON.parse(r.stdout) as { verdict: string; message: string; fix: string; granted: string[] | null };

describe('verdicts GitLab really gives', () => {
  test('namespace storage limit on push: storage-limit with the usage-quotas page; pull still works; no token advice', async () => {
    const r = await verify('personal-access-token', 'dana', T.dev, 'full/app', 'push');
    const j = json(r);
    expect(j.verdict).toBe('storage-limit');
    expect(r.code).toBe(1);
    expect(j.message).toContain('Your action has been rejected because the namespace storage limit has been reached.');
    expect(j.fix).toMatch(/Usage quotas/);
    expect(`${j.message} ${j.fix}`).not.toMatch(/create a|scope/i);
    const pull = await verify('personal-access-token', 'dana', T.dev, 'full/app', 'pull');
    expect(json(pull).verdict).toBe('ok');
  });

  test('write_registry without read_registry, asked for push: "push was granted but pull was not"', async () => {
    const r = await verify('personal-access-token', 'walt', T.writeOnly, 'acme/app', 'push');
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'insufficient-access', granted: ['push'] });
    expect(j.message).toMatch(/granted push but not pull/);
    expect(j.fix).toMatch(/Add read_registry/);
    expect(`${j.message} ${j.fix}`).not.toMatch(/Developer|Reporter|granted no access/);
  });

  test('an image more than two levels below its project: GitLab grants nothing, and the depth is named', async () => {
    const ok = await verify('personal-access-token', 'dana', T.dev, 'acme/app/a/b', 'pull');
    expect(json(ok).verdict).toBe('ok');
    const r = await verify('personal-access-token', 'dana', T.dev, 'acme/app/a/b/c', 'pull');
    const j = json(r);
    expect(j.verdict).toBe('insufficient-access');
    expect(j.message).toMatch(/more than two levels below/);
  });

  test('a project whose registry is turned off: an empty grant, and the project setting is named', async () => {
    const r = await verify('personal-access-token', 'dana', T.dev, 'acme/off', 'pull');
    const j = json(r);
    expect(j).toMatchObject({ verdict: 'insufficient-access', granted: [] });
    expect(j.message).toMatch(/Settings › General › Visibility, project features, permissions › Container registry/);
  });

  test('a blocked owner: 401, and the fix says a new token will not help until the account is fixed', async () => {
    const r = await verify('personal-access-token', 'bill', T.blocked, 'acme/app', 'pull');
    const j = json(r);
    expect(j.verdict).toBe('invalid-credentials');
    expect(j.fix).toMatch(/blocked, locked[\s\S]*a new token will not help/);
  });

  test('a job token pulling another project: the triggering user and the allowlist are named', async () => {
    const r = await verify('job-token', 'gitlab-ci-token', T.job, 'acme/lib', 'pull');
    const j = json(r);
    expect(j.verdict).toBe('insufficient-access');
    expect(j.fix).toMatch(/user who started the job is a member of acme\/lib/);
    expect(j.fix).toMatch(/Job token permissions/);
  });

  test('protected and immutable tags qualify "can push"', async () => {
    const r = await verify('personal-access-token', 'dana', T.dev, 'acme/app', 'push');
    const j = json(r);
    expect(j.verdict).toBe('ok');
    expect(j.message).toMatch(/push allowed, except tags matching v\* \(protected tags\)/);
    expect(j.message).toMatch(/release-\* are immutable/);
  });

  test('a push check on a path without images says GitLab records a repository entry there', async () => {
    const r = await verify('personal-access-token', 'dana', T.dev, 'acme/app/new-image', 'push');
    const j = json(r);
    expect(j.verdict).toBe('ok');
    expect(j.message).toMatch(/has no images yet: GitLab records an empty repository entry/);
    const pull = await verify('personal-access-token', 'dana', T.dev, 'acme/app/new-image', 'pull');
    expect(json(pull).message).not.toMatch(/repository entry/);
  });

  test('a deploy token without registry scopes (deploy tokens have no api scope): the fix never offers api', async () => {
    const r = await verify('deploy-token', 'gitlab+deploy-token-8', T.deployNoRegistry, 'acme/app', 'push');
    const j = json(r);
    expect(j.verdict).toBe('no-registry-scope');
    expect(j.fix).toMatch(/read_registry and write_registry/);
    expect(j.fix).not.toMatch(/api works/);
    const push = await verify('deploy-token', 'gitlab+deploy-token-7', T.deploy, 'acme/app', 'push');
    expect(`${json(push).message} ${json(push).fix}`).not.toMatch(/api works/);
  });
});

describe('the failed-authentication IP ban (GitLab text/plain 403)', () => {
  test('after the failures, every login is refused unchecked: ip-blocked, exit 3, wait, never a new token', async () => {
    const { reg: banReg } = await testStack(pki, {
      users: [{ kind: 'personal', username: 'dana', token: T.dev, scopes: ['read_registry'], projects: { 'acme/app': 'developer' } }],
      banAfterFailures: 2,
    });
    for (let i = 0; i < 2; i++)
      expect(json(await verify('personal-access-token', 'dana', 'glpat-wrong-token-000000', 'acme/app', 'pull', banReg.registry)).verdict).toBe(
        'invalid-credentials',
      );
    const r = await verify('personal-access-token', 'dana', T.dev, 'acme/app', 'pull', banReg.registry);
    const j = json(r);
    expect(j.verdict).toBe('ip-blocked');
    expect(r.code).toBe(3);
    expect(j.message).toMatch(/Too many failed authentication attempts from this IP[\s\S]*not checked/);
    expect(j.fix).toMatch(/Wait/);
    expect(j.fix).not.toMatch(/create a new|new token with/i);
  });
});

describe('every verdict is documented with its exit code', () => {
  test('in the README table and in --help', async () => {
    const { VERDICTS, exitCodeFor } = await import('../../src/core/verdict.js');
    const { readFileSync } = await import('node:fs');
    const whole = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const readme = whole.slice(whole.indexOf('## Verdicts and exit codes'));
    expect(readme.length).toBeLessThan(whole.length);
    const help = (await run(['verify', '--help'])).stdout;
    for (const v of VERDICTS) {
      // The row of the verdicts-and-exit-codes table (other tables, e.g. troubleshooting, name verdicts too).
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${v}\` |`) && /\| \d+ \|$/.test(l.trim()));
      expect(row, `README row for ${v}`).toBeDefined();
      expect(row!.trim().endsWith(`| ${exitCodeFor(v)} |`), `README exit code for ${v}`).toBe(true);
      expect(help, `--help names ${v}`).toMatch(new RegExp(`^  ${v} `, 'm'));
    }
  });
});

describe("a loopback registry that speaks TLS (the distribution registry's own TLS listener)", () => {
  test('verify --ca-file finds it over HTTPS (its 400 to plain HTTP means "speak TLS"), as docker does', async () => {
    const tls = makeCert('127.0.0.1', ['IP:127.0.0.1']);
    onTestFinished(() => tls.cleanup());
    const tlsReg = await startRegistry({ realm: gl.realm, certFile: pki.certFile, tls: { certFile: tls.certFile, keyFile: tls.keyFile } });
    onTestFinished(() => tlsReg.stop());
    const args = ['verify', ...answerFlags(tlsReg.registry, { username: 'dana', project: 'acme/app' }), '--token-stdin', '--json', '--timeout', '5'];
    const r = await run([...args, '--ca-file', tls.certFile], { input: T.dev });
    const j = JSON.parse(r.stdout) as { verdict: string; registryUrl?: string; message: string };
    expect(j.verdict, j.message).toBe('ok');
    expect(r.code).toBe(0);
    // Without the CA it is a TLS problem, named as such: not "not a registry".
    const untrusted = await run(args, { input: T.dev });
    expect(json(untrusted).verdict).toBe('tls-error');
  });
});

describe('doctor --error with a text it does not know', () => {
  test('the suggested doctor command names the host the text names', async () => {
    const r = await run(['doctor', '--error', 'Error response from daemon: Get "https://registry.example.com:5050/v2/": the flux capacitor is out of sync']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Not recognised/);
    expect(r.stdout).toContain('gitlab-registry-login doctor --registry registry.example.com:5050');
    const j = await run(['doctor', '--error', 'Error: logging into "registry.gitlab.com": something new', '--json']);
    expect(JSON.parse(j.stdout).fix).toContain('doctor --registry registry.gitlab.com');
  });
});

describe("the README's CI job", () => {
  test('installs Node before npx in the docker image, and pins this version of the tool', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    const section = readme.slice(readme.indexOf('## In GitLab CI/CD'));
    const job = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const lines = job.split('\n');
    const image = /^\s*image:\s*(\S+)/m.exec(job)![1]!;
    const npx = lines.findIndex((l) => /\bnpx\b/.test(l));
    expect(npx).toBeGreaterThan(-1);
    // docker:* images are Alpine with no Node: Node must be installed before npx runs.
    if (image.startsWith('docker:')) expect(lines.slice(0, npx).some((l) => /apk add[^\n]*\bnodejs\b[^\n]*\bnpm\b/.test(l))).toBe(true);
    else expect(image).toMatch(/^node:/);
    expect(lines[npx]).toContain(`${pkg.name}@${pkg.version} `);
    expect(job).toMatch(/services:.*docker:\d+-dind/);
  });
});

describe('a fix that needs a new credential links to where it is made on this instance', () => {
  test('write-only personal token on a GitLab that proves 16.7+ (the old page redirects to the new): the one prefilled page', async () => {
    const before = gl.requests.length;
    const j = json(await verify('personal-access-token', 'walt', T.writeOnly, 'acme/app', 'push'));
    expect(j.fix).toContain(
      `Create one at ${gl.url}/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry,write_registry&description=`,
    );
    expect(j.fix).not.toContain('/-/profile/personal_access_tokens');
    expect(j.fix).not.toContain('before GitLab 16.7');
    // The probe was anonymous: the token went to the token endpoint only.
    const probes = gl.requests.slice(before).filter((r) => r.path === '/-/profile/personal_access_tokens');
    expect(probes).toHaveLength(1);
    expect(probes[0]!.hadAuthorization).toBe(false);
  });

  test('write-only personal token on a GitLab before 16.7 (both paths redirect to sign-in, which proves nothing): both pages', async () => {
    setForTest(gl.config, { webRoutes: 'old' });
    const j = json(await verify('personal-access-token', 'walt', T.writeOnly, 'acme/app', 'push'));
    expect(j.fix).toContain(
      `Create one at ${gl.url}/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry,write_registry&description=`,
    );
    expect(j.fix).toContain(`before GitLab 16.7: ${gl.url}/-/profile/personal_access_tokens?`);
  });

  test('a project access token on an image path: the link is the project GitLab resolved (meta.project_path)', async () => {
    const { gl: bot, reg: botReg } = await testStack(pki, {
      users: [
        { kind: 'project', username: 'project_9_bot', token: 'glpat-Bot0000000secretBOT9', scopes: ['read_registry'], projects: { 'acme/app': 'developer' } },
      ],
    });
    const j = json(await verify('project-access-token', 'project_9_bot', 'glpat-Bot0000000secretBOT9', 'acme/app/web', 'push', botReg.registry));
    expect(j.verdict).toBe('insufficient-access');
    expect(j.fix).toContain(`Create one at ${bot.url}/acme/app/-/settings/access_tokens?name=container+registry&scopes=read_registry,write_registry.`);
    expect(j.fix).not.toContain('acme/app/web/-/settings');
  });
});
