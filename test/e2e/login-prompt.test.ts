/**
 * `login` and `verify` as a docker-login user types them: prompted in a terminal (tmux), docker's own syntax in a
 * pipe, `-p` refused, the real account and the token's expiry — against the real registry and the real docker CLI.
 */
import { describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { dateInDays } from '../helpers/gitlab.js';
import { run, type RunResult, type Sandbox } from '../helpers/cli.js';
import { alice, cliTerminal, dockerConfigFile, dockerRan, parseJson as json, rememberAnswers, storedLogin, testSandbox, useStack } from '../helpers/e2e.js';

const T = {
  alice: 'glpat-Prompt0Alice00secret',
  soon: 'glpat-Prompt0Soon000secret',
  expired: 'glpat-Prompt0Expired0secret',
  revoked: 'glpat-Prompt0Revoked0secret',
  reader: 'glpat-Prompt0Reader00secret',
  deploy: 'gldt-Prompt0Deploy000secret',
};

const { gl, reg } = useStack({
  users: [
    alice(T.alice, { name: 'laptop', expiresInDays: 200 }),
    alice(T.soon, { name: 'old laptop', expiresInDays: 5 }),
    alice(T.expired, { scopes: ['read_registry'], expiresInDays: -1 }),
    alice(T.revoked, { scopes: ['read_registry'], revoked: true }),
    alice(T.reader, { username: 'rita', scopes: ['read_registry'] }),
  ],
  deployTokens: [{ username: 'gitlab+deploy-token-7', token: T.deploy, scopes: ['read_registry'], project: 'group/app' }],
});

const stored = (sb: Sandbox) => storedLogin(sb, reg.registry);
function noLeak(r: RunResult, token: string) {
  expect(r.stdout + r.stderr).not.toContain(token);
  expect(r.stdout + r.stderr).not.toContain(token.slice(6, 16));
}
const inTerminal = (sb: Sandbox, args: string[], after = '') => cliTerminal(sb, args, { size: { width: 160, height: 40 }, after });

describe('docker syntax, in a pipe', () => {
  test('echo "$T" | login REGISTRY -u USER --password-stdin replaces docker login', async () => {
    const sb = testSandbox();
    const r = await run(['login', reg.registry, '-u', 'alice', '--password-stdin'], { input: `${T.alice}\n`, env: sb.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alice (personal access token) is valid and has registry access');
    expect(r.stdout).toContain(`Token "laptop": scopes read_registry, write_registry; expires ${dateInDays(200)} (200 days)`);
    expect(stored(sb)).toBe(`alice:${T.alice}`);
    noLeak(r, T.alice);
  });

  test('-p/--password VALUE is refused with exit 2 and why; nothing is sent or stored', async () => {
    for (const args of [['-p', T.alice], ['--password', T.alice], [`--password=${T.alice}`]]) {
      const sb = testSandbox();
      const before = gl.requests.length;
      const r = await run(['login', reg.registry, '-u', 'alice', ...args], { env: sb.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/-p\/--password: a password in the command line is visible to every process.*nothing was sent or stored.*--password-stdin/);
      expect(gl.requests.length).toBe(before);
      expect(dockerRan(sb)).toBe(false);
      expect(existsSync(dockerConfigFile(sb))).toBe(false);
      noLeak(r, T.alice);
    }
  });

  test('a positional registry and --registry must agree', async () => {
    const r = await run(['verify', reg.registry, '--registry', '127.0.0.1:1', '--token-stdin'], { input: T.alice });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the registry is given twice and differs');
    const same = await run(['verify', `https://${reg.registry}/`, '--registry', reg.registry, '-u', 'alice', '--token-stdin', '--json'], { input: T.alice });
    expect(same.code).toBe(0);
  });

  test('without a terminal nothing is asked: exit 2 at once naming the flag', async () => {
    const r = await run(['login', reg.registry], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing .*--token-stdin/);
  });
});

describe('the real account and the expiry', () => {
  test('a wrong username with a personal access token: GitLab names alice; one line says so; docker stores alice', async () => {
    const sb = testSandbox();
    const r = await run(['login', reg.registry, '-u', 'nobody', '--project', 'group/app', '--access', 'push', '--password-stdin'], {
      input: T.alice,
      env: sb.env,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alice (personal access token) can pull and push group/app');
    expect(r.stdout).toContain('GitLab ignores the username for a personal access token: this one belongs to alice, not "nobody"');
    expect(r.stdout).not.toContain('nobody can');
    expect(stored(sb)).toBe(`alice:${T.alice}`);
  });

  test('--json: account and token {name, scopes, expiresAt, daysLeft}; no username needed', async () => {
    const r = await run(['verify', '--registry', reg.registry, '--type', 'personal-access-token', '--token-stdin', '--json'], { input: T.alice });
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({
      account: 'alice',
      token: { state: 'active', name: 'laptop', scopes: ['read_registry', 'write_registry'], expiresAt: dateInDays(200), daysLeft: 200 },
      warnings: [],
    });
  });

  test('a token that expires in 5 days: a warning with the link that creates its successor', async () => {
    const r = await run(['verify', reg.registry, '-u', 'alice', '--password-stdin'], { input: T.soon });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`expires ${dateInDays(5)} (5 days)`);
    expect(r.stdout).toContain(
      `⚠ The personal access token "old laptop" expires in 5 days (${dateInDays(5)}): create its successor at ${gl.url}/-/user_settings/personal_access_tokens?name=old+laptop&scopes=read_registry,write_registry`,
    );
  });

  test("expired and revoked tokens: invalid-credentials in GitLab's words", async () => {
    const expired = await run(['verify', reg.registry, '-u', 'alice', '--password-stdin', '--json'], { input: T.expired });
    expect(expired.code).toBe(1);
    expect(json(expired)).toMatchObject({
      verdict: 'invalid-credentials',
      token: { state: 'expired', gitlabSays: 'Token is expired. You can either do re-authorization or token refresh.' },
    });
    expect(json(expired).message).toContain('it has expired');
    const revoked = await run(['verify', reg.registry, '-u', 'alice', '--password-stdin'], { input: T.revoked });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('GitLab rejected the personal access token: it has been revoked (GitLab: Token was revoked.');
  });

  test('push without a project: a read-only token is insufficient-access (exit 1), not "not checked"', async () => {
    const r = await run(['verify', reg.registry, '-u', 'rita', '--access', 'push', '--password-stdin', '--json'], { input: T.reader });
    expect(r.code).toBe(1);
    expect(json(r)).toMatchObject({ verdict: 'insufficient-access', token: { scopes: ['read_registry'] } });
    expect(json(r).fix).toContain('write_registry');
  });

  test('a deploy token: its own username is the account, no expiry lookup, nothing said about expiry', async () => {
    const r = await run(['verify', reg.registry, '-u', 'gitlab+deploy-token-7', '--project', 'group/app', '--password-stdin', '--json'], { input: T.deploy });
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ account: 'gitlab+deploy-token-7', credentialType: 'deploy-token', token: null, warnings: [] });
  });
});

describe('prompting in a terminal', () => {
  test('login REGISTRY: the token is asked, masked; pasted with its newline; docker stores the real account', async () => {
    const sb = testSandbox();
    const t = inTerminal(sb, ['login', reg.registry]);
    await t.waitFor('Personal access token:');
    t.type(`${T.alice}\r`);
    const done = await t.waitFor('EXIT=', 15_000);
    expect(done).toContain('EXIT=0');
    expect(done).toContain('alice (personal access token) is valid');
    expect(done).not.toContain(T.alice);
    expect(done).not.toContain(T.alice.slice(6, 16));
    expect(stored(sb)).toBe(`alice:${T.alice}`);
  });

  test('bare verify: the remembered registry is the default, the remembered project and access are used; paste without newline, then Enter', async () => {
    const sb = testSandbox();
    rememberAnswers(sb, gl.url, { registry: reg.registry, credentialType: 'personal-access-token', access: 'push', username: 'alice', project: 'group/app' });
    const t = inTerminal(sb, ['verify']);
    await t.waitFor(`Registry [${reg.registry}]:`);
    t.keys('Enter');
    await t.waitFor('Personal access token:');
    expect(t.screen()).toContain('Remembered from the wizard: personal access token, project group/app, pull and push');
    t.type(T.alice);
    t.keys('Enter');
    const done = await t.waitFor('EXIT=', 15_000);
    expect(done).toContain('EXIT=0');
    expect(done).toContain('alice (personal access token) can pull and push group/app');
    expect(done).not.toContain(T.alice);
  });

  test('a deploy token is asked its username', async () => {
    const sb = testSandbox();
    const t = inTerminal(sb, ['verify', reg.registry, '--type', 'deploy-token', '--project', 'group/app']);
    await t.waitFor('Username (');
    t.type('gitlab+deploy-token-7\r');
    await t.waitFor('Deploy token:');
    t.type(`${T.deploy}\r`);
    const done = await t.waitFor('EXIT=', 15_000);
    expect(done).toContain('EXIT=0');
    expect(done).toContain('gitlab+deploy-token-7 (deploy token) can pull group/app');
  });

  test('Ctrl-C at the token prompt: exit 130, the terminal restored (echo and line mode back), nothing stored', async () => {
    const sb = testSandbox();
    const t = inTerminal(sb, ['login', reg.registry], "stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '");
    await t.waitFor('Personal access token:');
    t.type('glpat-half');
    t.keys('C-c');
    const end = await t.waitFor(/EXIT=\d+[\s\S]*(icanon|echo)/);
    expect(end).toContain('EXIT=130');
    expect(end).toMatch(/(^|\s)icanon\s+echo(\s|$)|(^|\s)echo\s+icanon(\s|$)/m);
    expect(end).not.toContain('-icanon');
    expect(end).not.toContain('glpat-half');
    expect(existsSync(dockerConfigFile(sb))).toBe(false);
  });
});
