import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type WizardDeps, type WizardExit } from '../../src/ui/App.js';
import { memoryStore, type Remembered } from '../../src/core/store.js';
import type { WizardInit } from '../../src/core/wizard.js';
import { HttpError, type HttpClient } from '../../src/core/http.js';
import { fakeGitlabHttp, fakeRunner, fakeHttp } from '../helpers/fakes.js';
import { KEY, plain, tick, until } from './helpers.js';

const GOOD = 'glpat-goodgoodgood0001';
const PULL_ONLY = 'glpat-pullonlypull0002';
const NO_SCOPE = 'glpat-noscopenoscope03';
let binDir: string;
beforeAll(() => {
  binDir = mkdtempSync(path.join(tmpdir(), 'grl-ui-'));
  writeFileSync(path.join(binDir, 'docker'), '#!/bin/sh\n', { mode: 0o755 });
});
afterAll(() => rmSync(binDir, { recursive: true, force: true }));
afterEach(() => cleanup());

function start(opts: { init?: WizardInit; http?: HttpClient; runner?: ReturnType<typeof fakeRunner>; remembered?: Remembered[]; env?: NodeJS.ProcessEnv; firstRun?: boolean; saveFails?: boolean } = {}) {
  const http = opts.http ?? fakeGitlabHttp({ [GOOD]: ['pull', 'push'], [PULL_ONLY]: ['pull'], [NO_SCOPE]: 403 }).client;
  const runner = opts.runner ?? fakeRunner();
  const store = memoryStore(opts.remembered);
  if (opts.saveFails) {
    store.save = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
  }
  const exits: Array<{ code: number; after?: WizardExit | undefined }> = [];
  const deps: WizardDeps = {
    http,
    runner: runner.runner,
    env: opts.env ?? { PATH: binDir, DOCKER_CONFIG: path.join(binDir, 'nodocker') },
    store,
    engine: 'auto',
    trustRealm: false,
    timeoutMs: 5000,
    links: false,
    firstRun: opts.firstRun ?? false,
  };
  const r = render(<App deps={deps} init={opts.init ?? {}} onExit={(code, after) => exits.push({ code, after })} />);
  // Whitespace collapsed: what a person reads, whatever the terminal width wraps.
  const frame = () => plain(r.lastFrame()).replace(/\s+/g, ' ');
  const wait = (p: RegExp | string) => until(r.lastFrame, p);
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await tick(k === KEY.esc ? 60 : 20);
    }
  };
  return { ...r, frame, wait, press, exits, store, runner };
}

/** From the start to the token prompt on a self-managed instance, asserting each step's screen. */
async function toToken(w: ReturnType<typeof start>, access: 'pull' | 'push' = 'push') {
  await w.wait('Which GitLab?');
  expect(w.frame()).toContain('gitlab.com');
  await w.press(KEY.down, KEY.enter);
  await w.wait("Your GitLab's URL");
  await w.press('gitlab.example.com', KEY.enter);
  await w.wait('Found it');
  expect(w.frame()).toContain('registry.gitlab.example.com');
  await w.press(KEY.enter);
  await w.wait('Which credential');
  expect(w.frame()).toContain('Deploy token a server or another system');
  expect(w.frame()).toContain('inside a GitLab CI/CD job only');
  await w.press(KEY.enter);
  await w.wait('What do you need to do?');
  await w.press(...(access === 'push' ? [KEY.down, KEY.enter] : [KEY.enter]));
  await w.wait('What you need');
  const needs = w.frame();
  expect(needs).toContain(access === 'push' ? 'read_registry + write_registry' : 'Scopes: read_registry');
  expect(needs).toContain(access === 'push' ? 'Developer' : 'Reporter');
  expect(needs).toContain('Admin Mode does not apply');
  // A URL wraps inside itself at the terminal's width: compare it with all white space removed.
  expect(needs.replace(/\s/g, '')).toContain(`https://gitlab.example.com/-/user_settings/personal_access_tokens?name=container+registry&scopes=${access === 'push' ? 'read_registry,write_registry' : 'read_registry'}`);
  await w.press(KEY.enter);
  await w.wait('Username');
  await w.press('alice', KEY.enter);
  await w.wait('Project to check');
  await w.press('group/app', KEY.enter);
  await w.wait('Paste your personal access token');
}

describe('whole wizard runs', () => {
  test('success: every step, then verification, engine login, done screen and exit 0', async () => {
    const w = start({ firstRun: true });
    expect(w.frame()).toContain('Welcome!');
    await toToken(w);
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in to registry.gitlab.example.com with docker');
    const done = w.frame();
    expect(done).toMatch(/✔ Registry registry\.gitlab\.example\.com \d+ ms/);
    expect(done).toMatch(/✔ Push group\/app/);
    expect(done).toContain('alice can pull and push group/app');
    expect(done).toContain('docker build -t registry.gitlab.example.com/group/app:latest . && docker push registry.gitlab.example.com/group/app:latest');
    expect(done).toContain('stored unencrypted');
    expect(done).not.toContain(GOOD);
    await tick(50);
    expect(w.exits).toEqual([{ code: 0, after: undefined }]);
    expect(w.runner.calls).toHaveLength(1);
    expect(w.runner.calls[0]!.args).toEqual(['login', '--username', 'alice', '--password-stdin', 'registry.gitlab.example.com']);
    expect(w.runner.calls[0]!.input).toBe(`${GOOD}\n`);
    expect(w.store.saved).toEqual([{ gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'personal-access-token', access: 'push', username: 'alice', project: 'group/app' }]);
  });

  test.each([
    ['invalid-credentials', 'glpat-unknown-token-xx', 'GitLab rejected the username and token', 'two-factor'],
    ['no-registry-scope', NO_SCOPE, 'has no registry access', 'read_registry and write_registry'],
    ['insufficient-access', PULL_ONLY, 'did not grant push', 'write_registry'],
  ])('%s: the message and fix, choices, and no engine run', async (_v, token, message, fix) => {
    const w = start();
    await toToken(w);
    await w.press(token, KEY.enter);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain(message);
    expect(w.frame()).toContain(fix);
    expect(w.frame()).toContain('Troubleshoot');
    expect(w.frame()).not.toContain(token);
    expect(w.runner.calls).toHaveLength(0);
    expect(w.store.saved).toHaveLength(0);
  });

  test('long messages wrap under their own text, not under the mark or at the left edge', async () => {
    const w = start();
    await toToken(w);
    await w.press('glpat-unknown-token-xx', KEY.enter);
    await w.wait('Enter the token again');
    const lines = plain(w.lastFrame()).split('\n');
    const from = lines.findIndex((l) => l.startsWith('✘ GitLab rejected'));
    const to = lines.findIndex((l) => l.includes('Enter the token again'));
    const block = lines.slice(from + 1, to).filter((l) => l.trim() !== '');
    expect(block.length).toBeGreaterThan(1); // the message and its fix do wrap at this width
    for (const l of block) expect(l, JSON.stringify(lines.slice(from, to))).toMatch(/^ {2}\S/);
  });

  test('re-enter the token after a failure, then succeed', async () => {
    const w = start();
    await toToken(w);
    await w.press('glpat-wrong', KEY.enter);
    await w.wait('Enter the token again');
    await w.press(KEY.enter);
    await w.wait('Paste your personal access token');
    expect(w.frame()).not.toContain('GitLab rejected');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
  });

  test('change the type or access after a failure: back to the type, answers offered as defaults', async () => {
    const w = start();
    await toToken(w);
    await w.press(PULL_ONLY, KEY.enter);
    await w.wait('Enter the token again');
    await w.press(KEY.down, KEY.enter);
    await w.wait('Which credential');
    expect(w.frame()).toContain('❯ Personal access token');
    await w.press(KEY.enter);
    await w.wait('What do you need to do?');
    expect(w.frame()).toContain('❯ Pull and push images');
    await w.press(KEY.up, KEY.enter);
    await w.wait('What you need');
    await w.press(KEY.enter);
    // The username depends on the type, so it is asked again, with the last answer offered.
    await w.wait('Username');
    expect(w.frame()).toContain('› alice');
    await w.press(KEY.enter);
    await w.wait('Paste your');
    await w.press(PULL_ONLY, KEY.enter);
    await w.wait('Logged in');
  });

  test('troubleshoot: exits with the verdict code and hands the answers and the in-memory token to doctor', async () => {
    const w = start();
    await toToken(w);
    await w.press('glpat-wrong', KEY.enter);
    await w.wait('Enter the token again');
    await w.press(KEY.down, KEY.down, KEY.enter);
    await tick(50);
    expect(w.exits[0]!.code).toBe(1);
    expect(w.exits[0]!.after).toEqual({
      troubleshoot: { answers: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'personal-access-token', access: 'push', username: 'alice', project: 'group/app' }, token: 'glpat-wrong' },
    });
    expect(w.frame()).not.toContain('glpat-wrong');
  });

  test('login-failed: the engine error is explained', async () => {
    const runner = fakeRunner({ exitCode: 1, stdout: '', stderr: 'Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`' });
    const w = start({ runner });
    await toToken(w);
    await w.press(GOOD, KEY.enter);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('docker login failed');
    expect(w.frame()).toContain('keyring');
    expect(w.frame()).toContain('credsStore');
  });

  test('engine-missing', async () => {
    const w = start({ env: { PATH: path.join(binDir, 'none') } });
    await toToken(w);
    await w.press(GOOD, KEY.enter);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('Neither docker nor podman is on PATH');
  });

  test('untrusted-realm: the token is not sent', async () => {
    const { client: http, seen } = fakeHttp((url) => (url.host === 'registry.other.example' ? { status: 401, wwwAuthenticate: ['Bearer realm="https://collector.example.net/jwt/auth"'] } : { status: 404 }));
    const w = start({ http, init: { fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.other.example', credentialType: 'personal-access-token', username: 'alice', project: 'group/app', access: 'pull' } } });
    await w.wait('What you need');
    await w.press(KEY.enter);
    await w.press(GOOD, KEY.enter);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('not the GitLab instance gitlab.example.com; the token was not sent');
    expect(seen.filter((s) => s.headers.authorization)).toEqual([]);
  });

  test('unreachable: the registry does not answer', async () => {
    const http = fakeHttp(() => new HttpError('timeout', 'https://registry.gitlab.example.com did not answer within 5 s')).client;
    const w = start({ http, init: { fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'personal-access-token', username: 'alice', project: 'group/app', access: 'pull' } } });
    await w.wait('What you need');
    await w.press(KEY.enter);
    await w.press(GOOD, KEY.enter);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('did not answer within 5 s');
    expect(w.frame()).toContain('raise --timeout');
  });

  test('Esc goes back a step, keeping the answer as the default', async () => {
    const w = start();
    await w.wait('Which GitLab?');
    await w.press(KEY.down, KEY.enter);
    await w.wait("Your GitLab's URL");
    await w.press('gitlab.example.com', KEY.enter);
    await w.wait('Found it');
    await w.press(KEY.enter);
    await w.wait('Which credential');
    await w.press(KEY.down, KEY.enter); // deploy token
    await w.wait('What do you need to do?');
    await w.press(KEY.esc);
    await w.wait('Which credential');
    expect(w.frame()).toContain('❯ Deploy token');
    await w.press(KEY.esc);
    await w.wait('Container registry');
    expect(w.frame()).toContain('registry.gitlab.example.com');
    await w.press(KEY.enter);
    await w.wait('Which credential');
    await w.press(KEY.enter);
    await w.wait('What do you need to do?');
    await w.press(KEY.enter);
    await w.wait('What you need');
    expect(w.frame()).toContain("the deploy token's own username");
    await w.press(KEY.enter);
    await w.wait('Username');
    expect(w.frame()).toContain('gitlab+deploy-token-42');
  });

  test('prefilled flags are not asked again', async () => {
    const w = start({ init: { fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'job-token', project: 'group/app' }, inCi: true } });
    await w.wait('What do you need to do?');
    await w.press(KEY.enter);
    await w.wait('What you need');
    expect(w.frame()).toContain('A job token can pull from its own project');
    await w.press(KEY.enter);
    // Username (gitlab-ci-token) and project were given: straight to the token.
    await w.wait('Paste your ci/cd job token');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.runner.calls[0]!.args).toContain('gitlab-ci-token');
  });

  test('a CI-only credential outside CI shows the .gitlab-ci.yml line instead of asking for a token', async () => {
    const w = start({ init: { fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com' } } });
    await w.wait('Which credential');
    await w.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter);
    await w.wait('exists only inside a GitLab CI/CD job');
    expect(w.frame()).toContain('echo "$CI_REGISTRY_PASSWORD" | docker login "$CI_REGISTRY" -u "$CI_REGISTRY_USER" --password-stdin');
    await w.press(KEY.esc);
    await w.wait('Which credential');
  });

  test('remembered answers: one Enter to the token prompt', async () => {
    const remembered: Remembered = { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'personal-access-token', access: 'push', username: 'alice', project: 'group/app' };
    const w = start({ remembered: [remembered], init: { defaults: remembered, offerConfirm: true } });
    await w.wait('Log in again with your last answers?');
    expect(w.frame()).toContain('alice · Personal access token · pull and push · registry.gitlab.example.com · group/app');
    await w.press(KEY.enter);
    await w.wait('Paste your personal access token');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
  });

  test('remembered answers can be edited: e walks the steps with them as defaults', async () => {
    const remembered: Remembered = { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'deploy-token', access: 'pull', username: 'gitlab+deploy-token-1', project: 'group/app' };
    const w = start({ remembered: [remembered], init: { defaults: remembered, offerConfirm: true } });
    await w.wait('Log in again');
    await w.press('e');
    await w.wait('Which GitLab?');
    expect(w.frame()).toContain('❯ https://gitlab.example.com');
  });

  test('keys typed the instant a step appears are not lost (a password manager does that)', async () => {
    const w = start({ init: { fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'personal-access-token', username: 'alice', project: 'group/app', access: 'pull' } } });
    await w.wait('What you need');
    w.stdin.write(KEY.enter);
    await w.wait('Paste your');
    // No pause at all between the prompt appearing and the burst.
    for (const ch of GOOD) w.stdin.write(ch);
    w.stdin.write(KEY.enter);
    await w.wait('Logged in');
    expect(w.runner.calls[0]!.input).toBe(`${GOOD}\n`);
  });

  test('answers typed ahead in one chunk reach the questions after the one they end', async () => {
    const w = start({ init: { fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'personal-access-token', access: 'push' } } });
    await w.wait('What you need');
    // Enter for "What you need", then the username and the project with their Enters: one read.
    w.stdin.write('\ralice\rgroup/app\r');
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.store.saved[0]).toMatchObject({ username: 'alice', project: 'group/app' });
  });

  test('answers that cannot be remembered (read-only config) do not stop the login: a warning on the done screen', async () => {
    const w = start({ saveFails: true });
    await toToken(w);
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.frame()).toContain('⚠ Your answers could not be remembered in');
    expect(w.frame()).toContain('(EACCES); the next run asks again.');
    await tick(50);
    expect(w.exits).toEqual([{ code: 0, after: undefined }]);
  });

  test('a bug in a core call ends the wizard with exit 70 instead of a spinner forever', async () => {
    const runner = fakeRunner();
    const broken = {
      calls: runner.calls,
      runner: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    } as unknown as ReturnType<typeof fakeRunner>;
    const w = start({ runner: broken });
    await toToken(w);
    await w.press(GOOD, KEY.enter);
    for (let i = 0; i < 100 && w.exits.length === 0; i++) await tick(20);
    expect(w.exits).toEqual([{ code: 70, after: undefined }]);
  });

  test('Ctrl-C exits 130 at any step', async () => {
    const w = start();
    await w.wait('Which GitLab?');
    await w.press(KEY.ctrlC);
    await tick(30);
    expect(w.exits).toEqual([{ code: 130, after: undefined }]);
  });

  test('a token whose prefix does not fit the type warns and goes on', async () => {
    const w = start({ init: { fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'deploy-token', username: 'gitlab+deploy-token-1', project: 'group/app', access: 'pull' } } });
    await w.wait('What you need');
    await w.press(KEY.enter);
    await w.wait('Paste your deploy token');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.frame()).toContain('Deploy tokens usually start with "gldt-". It looks like a personal access token.');
  });
});
