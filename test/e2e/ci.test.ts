import { describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { run, type Sandbox } from '../helpers/cli.js';
import { alice, answerFlags, childLogs, dockerConfigFile, parseJson as json, storedLogin, testSandbox as box, useStack } from '../helpers/e2e.js';

const JOB = 'glcbt-CIjob0000secret0000';
const CIREG = 'glcbt-CIreg0000secret0000';
const DEPLOY = 'gldt-CIdeploy00secret0000';
const PAT = 'glpat-Team00000secret0000';
const { gl, reg } = useStack({
  users: [alice(PAT, { username: 'newbie', projects: { 'team/service': 'developer' } })],
  deployTokens: [{ username: 'gitlab+deploy-token-7', token: DEPLOY, scopes: ['read_registry'], project: 'group/app' }],
  jobTokens: [
    { token: JOB, project: 'group/app', allowedBy: [] },
    { token: CIREG, project: 'group/app', allowedBy: [] },
  ],
});

function ciEnv(b: Sandbox, vars: Record<string, string>): NodeJS.ProcessEnv {
  return { ...b.env, GITLAB_CI: 'true', CI_REGISTRY: reg.registry, CI_SERVER_URL: gl.url, CI_PROJECT_PATH: 'Group/App', ...vars };
}

describe('login --ci', () => {
  test('CI_REGISTRY_USER / CI_REGISTRY_PASSWORD by default: plain log lines, token nowhere', async () => {
    const b = box();
    const r = await run(['login', '--ci', '--access', 'push'], { env: ciEnv(b, { CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: CIREG }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('job-user (CI/CD job token) can pull and push group/app');
    expect(r.stdout).toContain(`Logged in to ${reg.registry} with docker`);
    expect(r.stdout + r.stderr).not.toMatch(/\u001b\[/);
    expect(r.stdout + r.stderr).not.toContain(CIREG);
    // The job's variable holding the token does not reach docker.
    const logs = childLogs(b);
    expect(logs).not.toContain(CIREG);
    expect(logs).not.toContain('CI_REGISTRY_PASSWORD');
    expect(logs).toContain('CI_REGISTRY_USER=gitlab-ci-token');
  });

  test('job token pushing its own project', async () => {
    const b = box();
    const r = await run(['login', '--ci', '--type', 'job-token', '--access', 'push', '--json'], { env: ciEnv(b, { CI_JOB_TOKEN: JOB }) });
    expect(json(r)).toMatchObject({ ok: true, username: 'gitlab-ci-token', project: 'group/app', granted: ['pull', 'push'], gitlab: gl.url, loggedIn: true });
    expect(storedLogin(b, reg.registry)).toBe(`gitlab-ci-token:${JOB}`);
    expect(childLogs(b)).not.toContain(JOB);
  });

  test('deploy token pulling', async () => {
    const b = box();
    const r = await run(['login', '--ci', '--type', 'deploy-token', '--json'], {
      env: ciEnv(b, { CI_DEPLOY_USER: 'gitlab+deploy-token-7', CI_DEPLOY_PASSWORD: DEPLOY }),
    });
    expect(json(r)).toMatchObject({ ok: true, username: 'gitlab+deploy-token-7', credentialType: 'deploy-token', granted: ['pull'], loggedIn: true });
  });

  test('verify --ci: a deploy token cannot push, and says so', async () => {
    const r = await run(['verify', '--ci', '--type', 'deploy-token', '--access', 'push', '--json'], {
      env: ciEnv(box(), { CI_DEPLOY_USER: 'gitlab+deploy-token-7', CI_DEPLOY_PASSWORD: DEPLOY }),
    });
    expect(json(r)).toMatchObject({ verdict: 'insufficient-access', granted: ['pull'] });
    expect(r.code).toBe(1);
  });

  test.each([
    ['CI_REGISTRY', [], { CI_REGISTRY: '' }],
    ['CI_REGISTRY_PASSWORD', [], {}],
    ['CI_JOB_TOKEN', ['--type', 'job-token'], {}],
    ['CI_DEPLOY_USER', ['--type', 'deploy-token'], { CI_DEPLOY_PASSWORD: DEPLOY }],
  ] as Array<[string, string[], Record<string, string>]>)('a missing %s is exit 2 naming it', async (name, extra, vars) => {
    const b = box();
    const env = ciEnv(b, { CI_REGISTRY_USER: 'gitlab-ci-token', ...vars });
    if (vars.CI_REGISTRY === '') delete env.CI_REGISTRY;
    const r = await run(['login', '--ci', ...extra], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--ci needs the CI/CD variable ${name}`);
    expect(existsSync(dockerConfigFile(b))).toBe(false);
  });

  test('--ci with a personal access token type is refused', async () => {
    const r = await run(['login', '--ci', '--type', 'personal-access-token'], { env: ciEnv(box(), {}) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--ci works with --type ci-registry-password, job-token, deploy-token/);
  });
});

describe('without a terminal nothing waits for input that cannot come', () => {
  test.each([
    ['no command: the wizard needs a terminal', [], /no terminal for the wizard/],
    ['login with no answers', ['login'], /missing --registry.*--type.*--token-stdin/],
    ['login missing the type', ['login', '--registry', '127.0.0.1:1', '--token-stdin'], /missing --type/],
  ])('%s: exit 2 at once', async (_n, argv, re) => {
    const r = await run(argv, { keepStdinOpen: true, timeoutMs: 10_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
  });
  test('--token-stdin on a pipe that never closes gives up after --timeout', async () => {
    const r = await run(['verify', '--registry', reg.registry, '--type', 'job-token', '--token-stdin', '--timeout', '1'], {
      keepStdinOpen: true,
      input: 'glcbt-partial',
      timeoutMs: 10_000,
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/standard input did not end within 1 s/);
    expect(r.stderr).not.toContain('glcbt-partial');
  });
});

describe('snippet', () => {
  test.each([
    ['ci-registry-password', 'push', '$CI_REGISTRY_PASSWORD', '-u "$CI_REGISTRY_USER"'],
    ['job-token', 'push', '$CI_JOB_TOKEN', '-u gitlab-ci-token'],
    ['deploy-token', 'pull', '$CI_DEPLOY_PASSWORD', '-u "$CI_DEPLOY_USER"'],
  ])('--type %s --access %s is a valid .gitlab-ci.yml job', async (type, access, secretVar, user) => {
    const r = await run(['snippet', '--type', type, '--access', access]);
    expect(r.code).toBe(0);
    const doc = parseYaml(r.stdout) as Record<string, { before_script: string[]; script: string[]; services: string[] }>;
    const [name, job] = Object.entries(doc)[0]!;
    expect(name).toBe(access === 'push' ? 'build-image' : 'pull-image');
    expect(job.before_script[0]).toBe(`echo "${secretVar}" | docker login "$CI_REGISTRY" ${user} --password-stdin`);
    expect(job.services).toEqual(['docker:27-dind']);
    expect(job.script.join('\n')).toContain(access === 'push' ? 'docker push "$CI_REGISTRY_IMAGE' : 'docker pull "$CI_REGISTRY_IMAGE');
  });
  test('a non-CI type is refused', async () => {
    const r = await run(['snippet', '--type', 'personal-access-token']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--type must be one of ci-registry-password, job-token, deploy-token/);
  });
});

describe('the team file', () => {
  function repo(content: string): string {
    const b = box();
    const dir = path.join(b.dir, 'repo');
    mkdirSync(path.join(dir, '.git'), { recursive: true });
    mkdirSync(path.join(dir, 'src', 'deep'), { recursive: true });
    writeFileSync(path.join(dir, '.gitlab-registry-login.json'), content);
    return dir;
  }
  test('answers instance, registry, project, type and access anywhere in the repository', async () => {
    const dir = repo(JSON.stringify({ instance: gl.url, registry: reg.registry, project: 'team/service', type: 'personal-access-token', access: 'push' }));
    const r = await run(['verify', '--username', 'newbie', '--token-stdin', '--json'], { input: PAT, cwd: path.join(dir, 'src', 'deep') });
    expect(json(r)).toMatchObject({
      ok: true,
      registry: reg.registry,
      project: 'team/service',
      credentialType: 'personal-access-token',
      requested: ['pull', 'push'],
      gitlab: gl.url,
    });
  });
  test("login --ci in a checkout whose team file names another registry logs in to the job's CI_REGISTRY", async () => {
    const dir = repo(
      JSON.stringify({
        instance: 'https://gitlab.team.example',
        registry: 'registry.team.example',
        project: 'team/service',
        type: 'personal-access-token',
        access: 'pull',
      }),
    );
    const b = box();
    const r = await run(['login', '--ci', '--json'], { env: ciEnv(b, { CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: CIREG }), cwd: dir });
    expect(json(r)).toMatchObject({
      ok: true,
      registry: reg.registry,
      gitlab: gl.url,
      credentialType: 'ci-registry-password',
      project: 'group/app',
      loggedIn: true,
    });
    expect(r.code).toBe(0);
  });
  test('flags win over the file', async () => {
    const dir = repo(JSON.stringify({ registry: reg.registry, project: 'team/service', type: 'personal-access-token', access: 'push' }));
    const r = await run(['verify', '--username', 'newbie', '--access', 'pull', '--project', 'team/service/worker', '--token-stdin', '--json'], {
      input: PAT,
      cwd: dir,
    });
    expect(json(r)).toMatchObject({ ok: true, project: 'team/service/worker', requested: ['pull'] });
  });
  test.each([
    ['an unknown key', '{"registry":"r.example.com","user":"x"}', /unknown key "user"; allowed: instance, registry, project, type, access/],
    ['a secret key', '{"registry":"r.example.com","token":"x"}', /must not hold secrets \("token"\)/],
    ['a token as a value', '{"project":"glpat-abcdef"}', /must not hold secrets/],
    ['a bad type', '{"type":"password"}', /"type" must be one of/],
    ['a registry with a scheme', '{"registry":"https://r.example.com"}', /without a scheme/],
    ['not JSON', '{registry:', /is not valid JSON/],
  ])('%s is exit 2 naming the file', async (_n, content, re) => {
    const r = await run(['verify', '--token-stdin'], { input: 'x', cwd: repo(content) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.gitlab-registry-login\.json/);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toContain('glpat-abcdef');
  });
});

describe('logout and podman', () => {
  test('docker: logout says what was removed, and that there is nothing the second time', async () => {
    const b = box();
    const login = await run(
      ['login', ...answerFlags(reg.registry, { type: 'deploy-token', username: 'gitlab+deploy-token-7', project: null }), '--token-stdin'],
      {
        input: DEPLOY,
        env: b.env,
      },
    );
    expect(login.code).toBe(0);
    const out = await run(['logout', '--registry', reg.registry], { env: b.env });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`✔ Removed the login for ${reg.registry} (gitlab+deploy-token-7) from ${dockerConfigFile(b)}.\n`);
    const cfg = JSON.parse(readFileSync(dockerConfigFile(b), 'utf8')) as { auths: Record<string, unknown> };
    expect(cfg.auths[reg.registry]).toBeUndefined();
    const again = await run(['logout', '--registry', reg.registry], { env: b.env });
    expect(again.stdout).toBe(`✔ There was no docker login for ${reg.registry}; nothing to remove.\n`);
  });

  test('podman: login with --tls-verify=false only for this plain-HTTP loopback registry, REGISTRY_AUTH_FILE respected, then logout', async () => {
    const b = box();
    const authFile = path.join(b.dir, 'podman-auth.json');
    const env = { ...b.env, PATH: `${b.env.PATH}:/usr/bin`, REGISTRY_AUTH_FILE: authFile };
    const r = await run(
      ['login', '--engine', 'podman', ...answerFlags(reg.registry, { type: 'deploy-token', username: 'gitlab+deploy-token-7' }), '--token-stdin', '--json'],
      { input: DEPLOY, env },
    );
    expect(json(r)).toMatchObject({ ok: true, loggedIn: true, engine: 'podman', storage: { kind: 'file', file: authFile } });
    const auth = JSON.parse(readFileSync(authFile, 'utf8')) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(auth.auths[reg.registry]!.auth, 'base64').toString()).toBe(`gitlab+deploy-token-7:${DEPLOY}`);
    expect(r.stdout).not.toContain(DEPLOY);
    const out = await run(['logout', '--engine', 'podman', '--registry', reg.registry, '--json'], { env });
    expect(json(out)).toMatchObject({ ok: true, removed: true, engine: 'podman' });
    expect((JSON.parse(readFileSync(authFile, 'utf8')) as { auths: Record<string, unknown> }).auths[reg.registry]).toBeUndefined();
  });
});
