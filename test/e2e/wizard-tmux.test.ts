import { describe, expect, onTestFinished, test } from 'vitest';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitUntil, type Terminal } from '../helpers/tmux.js';
import { pollUntil, running } from '../helpers/proc.js';
import { connectProxy } from '../helpers/servers.js';
import {
  alice,
  answerFlags,
  cliTerminal,
  dockerConfigFile,
  putOnPath,
  rememberAnswers,
  storedLogin,
  teamRepo as teamRepoWith,
  testSandbox,
  useStack,
} from '../helpers/e2e.js';
import { tokenPage } from '../../src/core/links.js';

const TOKEN = 'glpat-TMUX0000secret0000token';
const { gl, reg } = useStack({ users: [alice(TOKEN, { name: 'laptop', expiresInDays: 40 })] });

/** A checkout with the team's .gitlab-registry-login.json: instance, registry, project, type and access answered. */
const teamRepo = (dir: string, answers: Record<string, string | undefined> = {}) =>
  teamRepoWith(dir, { instance: gl.url, registry: reg.registry, project: 'group/app', type: 'personal-access-token', access: 'push', ...answers });
/** The flags that answer everything but the token (and, without `access`, the access). */
const answered = (access?: 'pull' | 'push') => answerFlags(reg.registry, access ? { access } : {});

/** Ctrl-C, and the wizard's exit 130. Returns the last screen. */
async function quit(t: Terminal): Promise<string> {
  t.keys('C-c');
  const end = await t.waitFor('EXIT=');
  expect(end).toContain('EXIT=130');
  return end;
}

test('a whole wizard run in a real terminal: the token never shows, the login lands in DOCKER_CONFIG, and the next run is one Enter away', async () => {
  const sb = testSandbox();
  // CI=true on purpose: a person at a real terminal inside a CI job still gets the wizard.
  const env = { CI: 'true' };
  const t = cliTerminal(sb, ['--registry', reg.registry], { env, size: { width: 200, height: 50 } });
  await t.waitFor('Welcome!');
  await t.waitFor('Which credential');
  t.keys('Enter'); // personal access token (first)
  await t.waitFor('What do you need to do?');
  t.keys('Down', 'Enter'); // pull and push
  // Push can only be proved on a path: the project is required.
  await t.waitFor('Project to push to');
  t.type('group/app');
  t.keys('Enter');
  // What the token needs, where to create it, and the prompt: one screen.
  await t.waitFor('Paste your personal access token');
  const needs = t.screen();
  expect(needs).toContain('What you need');
  expect(needs).toContain('read_registry + write_registry');
  expect(needs).toContain('Developer');
  expect(needs).toContain('Admin Mode does not apply');
  expect(needs).toContain(`${gl.url}/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry,write_registry`);
  // The token and Enter back to back, in one burst, as a password manager types them.
  t.type(`${TOKEN}\r`);
  // No username is asked for a personal access token (GitLab ignores it): verification runs at once.
  const done = await t.waitFor('EXIT=', 15_000);
  expect(done).not.toMatch(/^Username\s*$/m);
  expect(done).toContain('EXIT=0');
  expect(done).toMatch(/✔ Push group\/app/);
  expect(done).toContain('alice (personal access token) can pull and push group/app');
  expect(done).toContain(`Logged in to ${reg.registry} with docker`);
  expect(done).toContain(`docker build -t ${reg.registry}/group/app:latest`);
  // The account GitLab named and the token's record (GET /personal_access_tokens/self, asked alongside).
  expect(done).toContain('Account: alice');
  expect(done).toMatch(/Token "laptop": scopes read_registry, write_registry; expires \d{4}-\d{2}-\d{2} \(40 days\)/);
  expect(done).toContain('gitlab-registry-login status');
  expect(done).not.toContain(TOKEN);
  expect(done).not.toContain(TOKEN.slice(6, 14));
  // Every character of the burst arrived: GitLab accepted it and docker holds exactly it, with the account GitLab named.
  expect(storedLogin(sb, reg.registry)).toBe(`alice:${TOKEN}`);
  // Remembered answers: 0600, documented keys only, no token; only what was answered: the registry given alone (the
  // instance its realm names is computed when read), kept under the registry.
  const conf = path.join(sb.home, '.config', 'gitlab-registry-login', 'config.json');
  expect(statSync(conf).mode & 0o777).toBe(0o600);
  const text = readFileSync(conf, 'utf8');
  expect(text).not.toContain(TOKEN);
  expect(JSON.parse(text)).toEqual({
    last: reg.registry,
    instances: {
      [reg.registry]: { registry: reg.registry, credentialType: 'personal-access-token', access: 'push', project: 'group/app' },
    },
  });
  t.kill();

  // The next run: one Enter to the token prompt.
  const again = cliTerminal(sb, ['--registry', reg.registry], { env });
  await again.waitFor('Log in again with your last answers?');
  expect(again.screen()).not.toContain('Welcome!');
  again.keys('Enter');
  await again.waitFor('Paste your personal access token');
  // Pasted with bracketed-paste markers and a trailing newline.
  again.type(`\u001b[200~${TOKEN}\u001b[201~\n`);
  const second = await again.waitFor('EXIT=', 15_000);
  expect(second).toContain('EXIT=0');
  expect(second).not.toContain(TOKEN);
  again.kill();

  // --forget: a first run again.
  const fresh = cliTerminal(sb, ['--registry', reg.registry, '--forget'], { env });
  await fresh.waitFor('Which credential');
  expect(fresh.screen()).toContain('Welcome!');
  expect(fresh.screen()).not.toContain('Log in again');
});

test('a failed verification offers choices, touches no docker config, and Ctrl-C exits 130', async () => {
  const sb = testSandbox();
  const t = cliTerminal(sb, answered());
  await t.waitFor('What do you need to do?');
  t.keys('Enter');
  await t.waitFor('Paste your');
  t.type('glpat-wrong-token-000');
  t.keys('Enter');
  await t.waitFor('Enter the token again');
  const s = t.screen();
  expect(s).toContain('GitLab rejected the username and token');
  expect(s).toContain('two-factor');
  expect(existsSync(dockerConfigFile(sb))).toBe(false);
  t.keys('Enter'); // re-enter the token
  await t.waitFor(/Paste your[\s\S]*›\s*$/m);
  await quit(t);
});

test('Ctrl-C while docker login runs: exit 130, and docker and what it started are gone', async () => {
  const sb = testSandbox({ docker: 'none' });
  putOnPath(sb, 'docker', `#!/bin/sh\ncat >/dev/null\necho $$ > ${sb.log}/child\nsleep 300 &\necho $! > ${sb.log}/grandchild\nwait\n`);
  const t = cliTerminal(sb, answered('pull'));
  await t.waitFor('Paste your');
  t.type(`${TOKEN}\r`);
  await t.waitFor('Running docker login');
  await waitUntil(
    () => existsSync(path.join(sb.log, 'grandchild')),
    () => t.screen(),
    5000,
  );
  const pids = ['child', 'grandchild'].map((f) => Number(readFileSync(path.join(sb.log, f), 'utf8').trim()));
  const alive = running;
  expect(pids.map(alive)).toEqual([true, true]);
  await quit(t);
  await pollUntil(() => !pids.some(alive), 3000);
  expect(pids.map(alive)).toEqual([false, false]);
  expect(existsSync(dockerConfigFile(sb))).toBe(false);
});

test('Troubleshoot after a failure runs doctor with the answers and the token already given, then comes back to the menu; Quit says nothing changed', async () => {
  const sb = testSandbox();
  const wrong = 'glpat-wrongwrongwrong999';
  const t = cliTerminal(sb, answered('pull'), { size: { width: 160, height: 60 } });
  await t.waitFor('Paste your');
  t.type(`${wrong}\r`);
  await t.waitFor('Troubleshoot');
  t.keys('Down', 'Down', 'Enter');
  // The report, then the same menu again.
  const s = await t.waitFor(/Troubleshooting: every link[\s\S]*failed[\s\S]*❯ Troubleshoot[\s\S]*Quit/, 15_000);
  expect(s).toMatch(/✔ \/v2\/ challenge: Bearer realm=/);
  expect(s).toMatch(/✘ The given token: GitLab rejected the username and token/);
  expect(s).not.toContain('EXIT=');
  t.keys('Down', 'Enter'); // Quit
  const end = await t.waitFor('EXIT=');
  expect(end).toContain("Not logged in; docker's config is unchanged.");
  expect(end).toContain('EXIT=1');
  expect(end).not.toContain(wrong);
  expect(existsSync(dockerConfigFile(sb))).toBe(false);
});

test('onboarding: in a repository with the team file, a newcomer is asked only what it leaves open', async () => {
  const sb = testSandbox();
  const t = cliTerminal(sb, [], { env: { NO_COLOR: '1' }, size: { width: 160, height: 60 }, cwd: teamRepo(sb.dir) });
  // Instance, registry, type, access and project come from the file: the first screen is what is needed, and the token.
  await t.waitFor('Paste your personal access token');
  // The team file is named, with the instance and registry it sets, before the token is asked.
  expect(t.screen()).toMatch(/using \S+\.gitlab-registry-login\.json: instance \S+, registry \S+/);
  expect(t.screen()).toContain('What you need');
  expect(t.screen()).toContain('Welcome!');
  expect(t.screen()).not.toContain('Which GitLab?');
  // NO_COLOR: no colour or attribute codes on screen.
  expect(t.rawScreen()).not.toMatch(/\u001b\[[0-9;]*[1-9][0-9;]*m/);
  t.type(`${TOKEN}\r`);
  const done = await t.waitFor('EXIT=', 15_000);
  expect(done).toContain('EXIT=0');
  expect(done).toContain(`Image path: ${reg.registry}/group/app`);
  expect(done).not.toContain(TOKEN);
});

test('in a checkout whose origin is a GitLab remote, the instance and project are offered', async () => {
  const sb = testSandbox();
  const repo = path.join(sb.dir, 'checkout');
  mkdirSync(path.join(repo, '.git'), { recursive: true });
  writeFileSync(path.join(repo, '.git', 'config'), `[remote "origin"]\n\turl = git@gitlab.example.com:Team/Service.git\n`);
  const t = cliTerminal(sb, [], { size: { width: 160, height: 60 }, cwd: repo });
  await t.waitFor('Which GitLab?');
  expect(t.screen()).toMatch(/❯ https:\/\/gitlab\.example\.com\s+from this checkout's git remote/);
  await quit(t);
});

test('text beyond the fast path (wide characters, emoji) is measured by string-width itself in the bundle', async () => {
  const sb = testSandbox();
  const t = cliTerminal(sb, [], { env: { LANG: 'C.UTF-8' }, size: { width: 120, height: 40 } });
  await t.waitFor('Which GitLab?');
  t.keys('Down', 'Enter');
  await t.waitFor("Your GitLab's URL");
  t.type('https://gitlab.例え.jp/👍é');
  // Drawn whole, and the wizard is still alive (the lazily loaded string-width did not throw).
  await t.waitFor('https://gitlab.例え.jp/👍é');
  await quit(t);
});

describe('type-ahead: keys typed before the next question is drawn reach it', () => {
  test.each([
    ['as separate keys', (t: Terminal) => (t.type('group/app'), t.keys('Enter'), t.type(TOKEN), t.keys('Enter'))],
    ['in one burst', (t: Terminal) => t.type(`group/app\r${TOKEN}\r`)],
  ])('the project, Enter, the token and Enter %s, at once', async (_how, send) => {
    const sb = testSandbox();
    const t = cliTerminal(sb, [], { size: { width: 160, height: 60 }, cwd: teamRepo(sb.dir, { project: undefined }) });
    await t.waitFor('Project to');
    // The token typed before its prompt was drawn.
    send(t);
    const done = await t.waitFor('EXIT=', 15_000);
    expect(done).toContain('EXIT=0');
    expect(done).toContain('alice (personal access token) can pull and push group/app');
  });
});

test("DEV=true in the environment (Ink's React DevTools switch) changes nothing", async () => {
  const sb = testSandbox();
  const t = cliTerminal(sb, [], { env: { DEV: 'true' } });
  await t.waitFor('Which GitLab?');
  expect(t.screen()).not.toContain('internal error');
  await quit(t);
});

/**
 * A sandbox whose config directory cannot be made: a file stands where it should be, as in a read-only home
 * (tests run as root, which permission bits do not stop).
 */
function unwritableConfig() {
  const sb = testSandbox();
  const blocker = path.join(sb.dir, 'not-a-directory');
  writeFileSync(blocker, '');
  return { sb, blocker, env: { XDG_CONFIG_HOME: blocker } };
}

test('a config directory that cannot be written: the login still lands, and the done screen says why nothing was remembered', async () => {
  const { sb, blocker, env } = unwritableConfig();
  const t = cliTerminal(sb, answered('pull'), { env, size: { width: 160, height: 50 } });
  await t.waitFor('Paste your personal access token');
  t.type(`${TOKEN}\r`);
  const done = await t.waitFor('EXIT=', 15_000);
  expect(done).toContain('EXIT=0');
  expect(done).toContain(`⚠ Your answers could not be remembered in ${blocker}/gitlab-registry-login/config.json (ENOTDIR)`);
  expect(existsSync(dockerConfigFile(sb))).toBe(true);
});

test('--forget where the config cannot be cleared: one line saying so, exit 2', async () => {
  const { sb, blocker, env } = unwritableConfig();
  const t = cliTerminal(sb, ['--forget'], { env, size: { width: 300, height: 20 } });
  const done = await t.waitFor('EXIT=');
  expect(done).toContain(`gitlab-registry-login: --forget: the remembered answers in ${blocker}/gitlab-registry-login/config.json cannot be cleared (ENOTDIR)`);
  expect(done).toContain('EXIT=2');
  expect(done).not.toContain('internal error');
});

/** The lines of `capture-pane -J` (soft-wrapped lines joined), trailing blanks trimmed: what a copy gives. */
const copied = (t: Terminal) =>
  t
    .joined()
    .split('\n')
    .map((l) => l.trimEnd());

describe.each([
  [80, 40],
  [40, 12],
])('at %i×%i columns and rows', (width, height) => {
  test('the token link and the next commands copy whole; Enter opens the page in the browser; the output ends with a line break', async () => {
    const sb = testSandbox();
    const opened = path.join(sb.log, 'opened');
    // A fake browser opener on PATH, and a display: Enter on the empty token prompt runs it with the page.
    putOnPath(sb, 'xdg-open', `#!/bin/sh\nprintf '%s\\n' "$@" > ${opened}\n`);
    const t = cliTerminal(sb, [], { env: { DISPLAY: ':99' }, size: { width, height }, cwd: teamRepo(sb.dir) });
    await t.waitFor('Paste your personal access token');
    const page = tokenPage(gl.url, 'personal-access-token', 'push', 'group/app')!;
    expect(page.length).toBeGreaterThan(width); // the terminal does wrap it
    await waitUntil(
      () => copied(t).includes(page),
      () => t.joined(),
    );
    t.keys('Enter');
    await t.waitFor('Opened in your browser');
    await waitUntil(
      () => existsSync(opened),
      () => t.screen(),
    );
    expect(readFileSync(opened, 'utf8')).toBe(`${page}\n`);
    t.type(`${TOKEN}\r`);
    await t.waitFor('EXIT=', 15_000);
    const lines = copied(t);
    const image = `${reg.registry}/group/app:latest`;
    for (const command of [`docker pull ${image}`, `docker build -t ${image} .`, `docker push ${image}`]) expect(lines, command).toContain(command);
    // The shell's next line starts on a line of its own, even when the last frame filled the terminal.
    expect(lines).toContain('EXIT=0');
    expect(t.joined()).not.toContain(TOKEN);
  });

  test('a failure: the menu and its question stay on screen; Quit leaves one closing line and docker untouched', async () => {
    const sb = testSandbox();
    const t = cliTerminal(sb, answered('push'), { size: { width, height } });
    await t.waitFor('Paste your');
    t.type('glpat-wrong-token-000\r');
    await t.waitForVisible((screen) => /❯ Enter the token again/.test(screen) && screen.includes('Quit'));
    t.keys('Up', 'Enter'); // Quit (the list wraps around)
    const end = await t.waitFor('EXIT=');
    const lines = copied(t);
    // A sentence, not a command: at 40 columns it may wrap at a space.
    expect(t.joined().replace(/\s+/g, ' ')).toContain("Not logged in; docker's config is unchanged. EXIT=1");
    expect(lines).toContain('EXIT=1');
    expect(existsSync(dockerConfigFile(sb))).toBe(false);
    expect(end).not.toContain('glpat-wrong-token-000');
  });

  test('last answers, token, Esc, e: the first question, not the token again; Esc comes back to the question', async () => {
    const sb = testSandbox();
    rememberAnswers(sb, gl.url, { registry: reg.registry, credentialType: 'job-token', access: 'pull', username: 'gitlab-ci-token', project: 'group/app' });
    const t = cliTerminal(sb, [], { env: { GITLAB_CI: 'true' }, size: { width, height } });
    await t.waitFor('Log in again with your last answers?');
    t.keys('Enter');
    await t.waitFor('Paste your ci/cd job token');
    t.keys('Escape');
    await t.waitForVisible((screen) => screen.includes('Log in again') && !screen.includes('Paste your'));
    t.type('e');
    await t.waitForVisible('Which GitLab?');
    t.keys('Escape');
    await t.waitForVisible('Log in again');
    // And the whole walk from there: the job token, Esc, a deploy token asks for its username.
    t.type('e');
    await t.waitFor('Which GitLab?');
    t.keys('Enter');
    await t.waitForVisible('Found it');
    t.keys('Enter');
    await t.waitForVisible(/❯ CI\/CD job token/);
    t.keys('Escape');
    await t.waitForVisible('Found it');
    t.keys('Enter');
    await t.waitForVisible(/❯ CI\/CD job token/);
    t.keys('Up', 'Up', 'Up', 'Enter'); // Deploy token
    await t.waitForVisible('What do you need to do?');
    t.keys('Enter');
    await t.waitForVisible('Project to check');
    t.keys('Enter');
    await t.waitFor('Paste your deploy token');
    t.type('gldt-some-deploy-token\r');
    // Asked: gitlab-ci-token, which the job token implied, was not kept.
    await t.waitForVisible(/^Username\s*$/m);
    await quit(t);
  });
});

test('at 40×12 the credential list shows a window that keeps the question and the selection on screen', async () => {
  const sb = testSandbox();
  const t = cliTerminal(sb, ['--registry', reg.registry], { size: { width: 40, height: 12 } });
  await t.waitForVisible('Which credential');
  expect(t.visible()).toMatch(/❯ Personal access token/);
  expect(t.visible()).toMatch(/↓ \d+ more/);
  t.keys('Down', 'Down', 'Down', 'Down', 'Down');
  await t.waitForVisible(/❯ CI_REGISTRY_USER/);
  const s = t.visible();
  expect(s).toContain('Which credential');
  expect(s).toMatch(/↑ \d+ more/);
  expect(s).toContain('Enter: choose');
  // A description wraps under its option, never at column 0.
  for (const line of s.split('\n')) if (/inside a GitLab|CI\/CD job only/.test(line)) expect(line).toMatch(/^ {4}\S/);
  await quit(t);
});

test('at 60 columns wrapped lines start at their paragraph’s edge, not with a stray space; descriptions wrap under themselves', async () => {
  const sb = testSandbox();
  const t = cliTerminal(sb, ['--registry', reg.registry], { size: { width: 60, height: 30 } });
  await t.waitForVisible('Enter: choose');
  const lines = t.visible().split('\n');
  expect(lines).toContain('Welcome! This logs docker in to a GitLab container registry:');
  for (const line of lines) expect(line, JSON.stringify(lines)).not.toMatch(/^ \S/);
  // "Deploy token  a server or another system that only needs the registry": the rest under the description.
  const i = lines.findIndex((l) => l.startsWith('  Deploy token  '));
  expect(lines[i + 1]).toMatch(/^ {16}\S/);
  await quit(t);
});

test('through a proxy that accepts CONNECT and never answers, the wizard goes on after --timeout and one Ctrl-C ends it', async () => {
  const proxy = await connectProxy('silent');
  onTestFinished(() => proxy.close());
  const t = cliTerminal(testSandbox(), ['--registry', 'registry.example.test', '--type', 'personal-access-token', '--timeout', '2'], {
    env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` },
    size: { width: 120, height: 40 },
  });
  // The registry's challenge (asked through the proxy) gives up at --timeout; the wizard then asks for the instance.
  await t.waitFor('Which GitLab?', 6_000);
  expect(proxy.connects).toContain('registry.example.test:443');
  t.keys('C-c');
  expect(await t.waitFor('EXIT=', 1_500)).toContain('EXIT=130');
});
