import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type WizardDeps, type WizardExit } from '../../src/ui/App.js';
import { memoryStore, rememberedInstances, type Remembered } from '../../src/core/remembered.js';
import { valuesOf } from '../../src/core/request.js';
import type { WizardAnswers, WizardInit } from '../../src/core/wizard.js';
import { HttpError, type HttpClient } from '../../src/core/http.js';
import type { Runner } from '../../src/core/process.js';
import { fakeGitlabHttp, fakeRunner, fakeHttp, dockerOnPath } from '../helpers/fakes.js';
import { KEY, listening, namingAccount, plain, tokenRecord, until, waitFor } from './helpers.js';
import { joinWrapped } from '../../src/ui/Verbatim.js';
import { tokenPage } from '../../src/core/links.js';

const GOOD = 'glpat-goodgoodgood0001';
const PULL_ONLY = 'glpat-pullonlypull0002';
const NO_SCOPE = 'glpat-noscopenoscope03';
const bin = dockerOnPath();
afterEach(() => cleanup());

function start(
  opts: {
    init?: WizardInit;
    http?: HttpClient;
    runner?: ReturnType<typeof fakeRunner>;
    remembered?: Remembered[];
    env?: NodeJS.ProcessEnv;
    firstRun?: boolean;
    saveFails?: boolean;
    open?: boolean;
    instanceSource?: 'git remote' | 'last time';
    sources?: WizardDeps['sources'];
  } = {},
) {
  // GitLab names the account the token belongs to (the issued token's `sub`): alice.
  const http = opts.http ?? namingAccount(fakeGitlabHttp({ [GOOD]: ['pull', 'push'], [PULL_ONLY]: ['pull'], [NO_SCOPE]: 403 }).client, 'alice');
  const runner = opts.runner ?? fakeRunner();
  const store = memoryStore(opts.remembered);
  if (opts.saveFails) {
    store.save = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
  }
  const exits: Array<{ code: number; after?: WizardExit | undefined }> = [];
  const doctorRuns: Array<{ answers: WizardAnswers; token: string }> = [];
  const opened: string[] = [];
  const deps: WizardDeps = {
    http,
    runner: runner.runner,
    env: opts.env ?? { PATH: bin.dir, DOCKER_CONFIG: path.join(bin.dir, 'nodocker') },
    store,
    engine: 'auto',
    trustRealm: false,
    timeoutMs: 5000,
    links: false,
    firstRun: opts.firstRun ?? false,
    troubleshoot: async (request, token) => {
      doctorRuns.push({ answers: valuesOf(request), token });
      return 'Registry\n  ✔ /v2/ challenge: Bearer realm=https://gitlab.example.com/jwt/auth\n  ✘ The given token: GitLab rejected the username and token\n\n1 failed\n';
    },
    ...(opts.open ? { open: (url: string) => void opened.push(url) } : {}),
    rememberedInstances: rememberedInstances(store),
    ...(opts.sources ? { sources: opts.sources } : {}),
    ...(opts.instanceSource ? { instanceSource: opts.instanceSource } : {}),
  };
  const r = render(<App deps={deps} init={opts.init ?? {}} onExit={(code, after) => exits.push({ code, after })} />);
  // Whitespace collapsed: what a person reads, whatever the terminal width wraps.
  const frame = () => plain(r.lastFrame()).replace(/\s+/g, ' ');
  const wait = (p: RegExp | string) => until(r.lastFrame, p);
  /**
   * Keys as a person types them, back to back: the app's key queue holds what follows an Enter until the next step
   * listens (src/ui/keyqueue.ts). A lone Esc is only an Esc once Ink has seen nothing follow it (a key right after
   * it would make one escape sequence), so the next key waits for the frame Esc brings.
   */
  const press = async (...keys: string[]) => {
    await listening(r.stdin);
    for (const k of keys) {
      const before = r.frames.length;
      r.stdin.write(k);
      if (k === KEY.esc) await waitFor(() => r.frames.length > before, 'the frame after Esc', r.lastFrame);
    }
  };
  /** Wait until the wizard has ended (onExit called). */
  const ended = () => waitFor(() => exits.length > 0, 'the wizard to exit', r.lastFrame);
  return { ...r, frame, wait, press, ended, exits, store, runner, doctorRuns, opened };
}

/** From the start to the token prompt (with what the credential needs above it) on a self-managed instance. */
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
  // Push can only be proved on a path: the project is then a required answer.
  await w.wait(access === 'push' ? 'Project to push to' : 'Project to check (optional)');
  await w.press('group/app', KEY.enter);
  // What the credential needs and the token prompt: one screen.
  await w.wait('Paste your personal access token');
  const needs = w.frame();
  expect(needs).toContain('What you need');
  expect(needs).toContain(access === 'push' ? 'read_registry + write_registry' : 'Scopes: read_registry');
  expect(needs).toContain(access === 'push' ? 'Developer' : 'Reporter');
  expect(needs).toContain('Admin Mode does not apply');
  // The URL is whole once the terminal gets it (see Verbatim.tsx).
  expect(joined(w).split('\n')).toContain(tokenPage('https://gitlab.example.com', 'personal-access-token', access));
  expect(tokenPage('https://gitlab.example.com', 'personal-access-token', access)).toContain(
    `/-/user_settings/personal_access_tokens?name=container+registry&scopes=${access === 'push' ? 'read_registry,write_registry' : 'read_registry'}`,
  );
}

/** The last frame as the terminal receives it (pieces of long lines joined), escape sequences removed. */
function joined(w: ReturnType<typeof start>): string {
  return plain(joinWrapped(w.lastFrame() ?? ''));
}

/**
 * Paste the token; with `username`, answer the username asked after it (a deploy token's name exists only then).
 * Personal, project and group access tokens are asked none: GitLab ignores it.
 */
async function paste(w: ReturnType<typeof start>, token: string, username?: string) {
  await w.press(token, KEY.enter);
  if (username === undefined) return;
  await w.wait(/Username/);
  await w.press(username, KEY.enter);
}

/** Whether any frame so far asked the username (its question's title on a line of its own). */
const askedUsername = (w: ReturnType<typeof start>) => w.frames.some((f) => /^Username$/m.test(plain(f)));

const FIXED = {
  gitlab: 'https://gitlab.example.com',
  registry: 'registry.gitlab.example.com',
  credentialType: 'personal-access-token',
  username: 'alice',
  project: 'group/app',
  access: 'pull',
} as const;

describe('whole wizard runs', () => {
  test('success: every step, then verification, engine login, done screen and exit 0', async () => {
    const w = start({ firstRun: true });
    expect(w.frame()).toContain('Welcome!');
    await toToken(w);
    await paste(w, GOOD);
    await w.wait('Logged in to registry.gitlab.example.com with docker');
    const done = w.frame();
    expect(done).toMatch(/✔ Registry registry\.gitlab\.example\.com \d+ ms/);
    expect(done).toMatch(/✔ Push group\/app/);
    expect(done).toContain('alice (personal access token) can pull and push group/app');
    // The account GitLab named; this GitLab has no token record to read (404), said as such.
    expect(done).toContain('Account: alice');
    expect(done).toContain('Token: expiry unknown: this GitLab has no personal_access_tokens/self API');
    // One command per line, each whole: no `&&` chain, no piece on a line of its own.
    const lines = joined(w).split('\n');
    expect(lines).toContain('docker pull registry.gitlab.example.com/group/app:latest');
    expect(lines).toContain('docker build -t registry.gitlab.example.com/group/app:latest .');
    expect(lines).toContain('docker push registry.gitlab.example.com/group/app:latest');
    expect(lines).toContain('gitlab-registry-login status');
    expect(done).not.toContain('&&');
    // docker printed no "stored unencrypted" warning (the fake runner says only "Login Succeeded"): none is explained.
    expect(done).not.toContain('stored unencrypted');
    expect(done).not.toContain(GOOD);
    await w.ended();
    expect(w.exits).toEqual([{ code: 0, after: undefined }]);
    expect(w.runner.calls).toHaveLength(1);
    // No username was asked (GitLab ignores it for an access token): docker gets the account GitLab named.
    expect(askedUsername(w)).toBe(false);
    expect(w.runner.calls[0]!.args).toEqual(['login', '--username', 'alice', '--password-stdin', 'registry.gitlab.example.com']);
    expect(w.runner.calls[0]!.input).toBe(`${GOOD}\n`);
    // Only what was answered is remembered: no username.
    expect(w.store.saved).toEqual([
      {
        gitlab: 'https://gitlab.example.com',
        registry: 'registry.gitlab.example.com',
        credentialType: 'personal-access-token',
        access: 'push',
        project: 'group/app',
      },
    ]);
  });

  test('only answers are remembered: not the instance the realm named, nor what CI variables gave', async () => {
    // `--registry R` alone: the instance is the one R's realm names (never asked); the type and project came from
    // the team file and CI; the access is a flag. The CI job's project is read again in each job, not remembered.
    const sources = { gitlab: 'realm', registry: 'flag', credentialType: 'team-file', project: 'ci', access: 'flag' } as const;
    const { username: _, ...fixed } = FIXED;
    const w = start({ init: { fixed }, sources });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.store.saved).toEqual([{ registry: 'registry.gitlab.example.com', credentialType: 'personal-access-token', access: 'pull' }]);
  });

  test("docker's stored-unencrypted warning is explained when docker printed it", async () => {
    const runner = fakeRunner({ stdout: 'Login Succeeded', stderr: 'WARNING! Your password will be stored unencrypted in /root/.docker/config.json.' });
    const w = start({ runner, init: { fixed: FIXED } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.frame()).toContain('"stored unencrypted" warning means');
    expect(joined(w).split('\n')).toContain('https://docs.docker.com/reference/cli/docker/login/#credential-stores');
  });

  test.each([
    ['invalid-credentials', 'glpat-unknown-token-xx', 'GitLab rejected the username and token', 'two-factor'],
    ['no-registry-scope', NO_SCOPE, 'has no registry access', 'read_registry and write_registry'],
    ['insufficient-access', PULL_ONLY, 'did not grant push', 'write_registry'],
  ])('%s: the message and fix, choices, and no engine run', async (_v, token, message, fix) => {
    const w = start();
    await toToken(w);
    await paste(w, token);
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
    await paste(w, 'glpat-unknown-token-xx');
    await w.wait('Enter the token again');
    // As the terminal receives it (a link's pieces joined, Verbatim.tsx): a link stands whole at the left edge, on
    // lines of its own; every line of text is indented under the message.
    const lines = plain(joinWrapped(w.lastFrame() ?? '')).split('\n');
    const from = lines.findIndex((l) => l.startsWith('✘ GitLab rejected'));
    const to = lines.findIndex((l) => l.includes('Enter the token again'));
    const block = lines.slice(from + 1, to).filter((l) => l.trim() !== '');
    const text = block.filter((l) => !/^https?:\/\/\S+$/.test(l));
    expect(text.length).toBeGreaterThan(1); // the message and its fix do wrap at this width
    for (const l of text) expect(l, JSON.stringify(lines.slice(from, to))).toMatch(/^ {2}\S/);
  });

  test('re-enter the token after a failure, then succeed', async () => {
    const w = start();
    await toToken(w);
    await paste(w, 'glpat-wrong');
    await w.wait('Enter the token again');
    await w.press(KEY.enter);
    await w.wait('Paste your personal access token');
    expect(w.frame()).not.toContain('GitLab rejected');
    await w.press(GOOD, KEY.enter);
    // The username was answered: not asked again.
    await w.wait('Logged in');
  });

  test('change the type or access after a failure: back to the type, answers offered as defaults', async () => {
    const w = start();
    await toToken(w);
    await paste(w, PULL_ONLY);
    await w.wait('Enter the token again');
    await w.press(KEY.down, KEY.down, KEY.enter); // after "Log in for pull only" and "Enter the token again"
    await w.wait('Which credential');
    expect(w.frame()).toContain('❯ Personal access token');
    await w.press(KEY.enter);
    await w.wait('What do you need to do?');
    expect(w.frame()).toContain('❯ Pull and push images');
    await w.press(KEY.up, KEY.enter);
    await w.wait('Paste your');
    await w.press(PULL_ONLY, KEY.enter);
    // A personal access token again: still no username to ask.
    await w.wait('Logged in');
    expect(askedUsername(w)).toBe(false);
  });

  test('login-failed: the engine error is explained', async () => {
    const runner = fakeRunner({
      exitCode: 1,
      stdout: '',
      stderr: 'Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`',
    });
    const w = start({ runner });
    await toToken(w);
    await paste(w, GOOD);
    await w.wait('Troubleshoot');
    // The token was verified: asking for it again would not fix the engine.
    expect(w.frame()).not.toContain('Enter the token again');
    expect(w.frame()).toContain('docker login failed');
    expect(w.frame()).toContain('keyring');
    expect(w.frame()).toContain('credsStore');
  });

  test('store-failed: "store this login in the file" or "show me how to fix the helper", never the token again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-ui-store-'));
    try {
      const config = path.join(dir, 'config.json');
      writeFileSync(config, '{"credsStore":"broken","auths":{"other.example.com":{"auth":"Ym9iOmtlcHQ="}}}');
      const runner = fakeRunner();
      const w = start({ runner, env: { PATH: bin.dir, DOCKER_CONFIG: dir }, init: { fixed: FIXED } });
      await w.wait('Paste your');
      await w.press(GOOD, KEY.enter);
      await w.wait('Store this login in the file');
      const menu = w.frame();
      expect(menu).toContain('docker-credential-broken (credsStore in');
      expect(menu).toContain('Show me how to fix the helper');
      expect(menu).not.toContain('Enter the token again');
      expect(runner.calls).toEqual([]); // docker never ran
      await w.press(KEY.down, KEY.enter);
      await w.wait('How to fix docker-credential-broken');
      await w.press(KEY.up, KEY.enter);
      await w.wait('stored base64 (not encrypted)');
      expect(w.frame()).toContain('credsStore and your other logins are unchanged');
      expect(runner.calls.map((c) => c.args[0])).toEqual(['login']);
      expect(runner.calls[0]!.input).toBe(`${GOOD}\n`);
      const now = JSON.parse(readFileSync(config, 'utf8')) as { credsStore: string; credHelpers: Record<string, string>; auths: object };
      expect(now).toMatchObject({
        credsStore: 'broken',
        credHelpers: { 'registry.gitlab.example.com': '' },
        auths: { 'other.example.com': { auth: 'Ym9iOmtlcHQ=' } },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('engine-missing', async () => {
    const w = start({ env: { PATH: path.join(bin.dir, 'none') } });
    await toToken(w);
    await paste(w, GOOD);
    await w.wait('Troubleshoot');
    expect(w.frame()).not.toContain('Enter the token again');
    expect(w.frame()).toContain('Neither docker nor podman is on PATH');
  });

  test('untrusted-realm: the token is not sent', async () => {
    const { client: http, seen } = fakeHttp((url) =>
      url.host === 'registry.other.example' ? { status: 401, wwwAuthenticate: ['Bearer realm="https://collector.example.net/jwt/auth"'] } : { status: 404 },
    );
    const w = start({ http, init: { fixed: { ...FIXED, registry: 'registry.other.example' } } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('not the GitLab instance gitlab.example.com; the token was not sent');
    expect(seen.filter((s) => s.headers.authorization)).toEqual([]);
  });

  test('unreachable: the registry does not answer', async () => {
    const http = fakeHttp(() => new HttpError('timeout', 'https://registry.gitlab.example.com did not answer within 5 s')).client;
    const w = start({ http, init: { fixed: FIXED } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('did not answer within 5 s');
    expect(w.frame()).toContain('raise --timeout');
  });

  test('prefilled flags are not asked again', async () => {
    const w = start({
      init: {
        fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'job-token', project: 'group/app' },
        inCi: true,
      },
    });
    await w.wait('What do you need to do?');
    await w.press(KEY.enter);
    await w.wait('Paste your ci/cd job token');
    expect(w.frame()).toContain('A job token can pull from its own project');
    // Username (gitlab-ci-token, implied by the type) and project were given: verification after the token.
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.runner.calls[0]!.args).toContain('gitlab-ci-token');
  });

  // #15: what a type implies (its username, gitlab-ci-token) is computed when read, never remembered as if typed.
  test.each([
    ['job-token', 4],
    ['ci-registry-password', 5],
  ] as const)('a %s run remembers the type, never the username it implies', async (type, downs) => {
    const w = start({ init: { inCi: true } });
    await w.wait('Which GitLab?');
    await w.press(KEY.down, KEY.enter);
    await w.wait("Your GitLab's URL");
    await w.press('gitlab.example.com', KEY.enter);
    await w.wait('Found it');
    await w.press(KEY.enter);
    await w.wait('Which credential');
    await w.press(...Array<string>(downs).fill(KEY.down), KEY.enter);
    await w.wait('What do you need to do?');
    await w.press(KEY.enter);
    await w.wait('Project to check (optional)');
    await w.press('group/app', KEY.enter);
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    // Used: docker gets the username the type implies; never asked.
    expect(askedUsername(w)).toBe(false);
    expect(w.runner.calls[0]!.args).toEqual(['login', '--username', 'gitlab-ci-token', '--password-stdin', 'registry.gitlab.example.com']);
    expect(w.store.saved).toHaveLength(1);
    expect(w.store.saved).toEqual([
      { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: type, access: 'pull', project: 'group/app' },
    ]);
  });

  test('a CI-only credential outside CI shows the .gitlab-ci.yml job, each line whole; Esc goes back, Enter closes', async () => {
    const w = start({ init: { fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com' } } });
    await w.wait('Which credential');
    await w.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter);
    await w.wait('exists only inside a GitLab CI/CD job');
    const lines = joined(w).split('\n');
    expect(lines).toContain('    - echo "$CI_REGISTRY_PASSWORD" | docker login "$CI_REGISTRY" -u "$CI_REGISTRY_USER" --password-stdin');
    expect(lines).toContain('gitlab-registry-login snippet --type ci-registry-password');
    expect(w.frame()).toContain('Enter or q: close · Esc: choose another credential · Ctrl-C: quit');
    await w.press(KEY.esc);
    await w.wait('Which credential');
    await w.press(KEY.enter);
    await w.wait('exists only inside');
    await w.press('q');
    await w.ended();
    expect(w.exits).toEqual([{ code: 0, after: undefined }]);
  });

  test('remembered answers: one Enter to the token prompt', async () => {
    const remembered: Remembered = {
      gitlab: 'https://gitlab.example.com',
      registry: 'registry.gitlab.example.com',
      credentialType: 'personal-access-token',
      access: 'push',
      // Remembered by an earlier version that asked it.
      username: 'old-name',
      project: 'group/app',
    };
    const w = start({ remembered: [remembered], init: { defaults: remembered, offerConfirm: true } });
    await w.wait('Log in again with your last answers?');
    // The remembered username is not shown nor sent: GitLab ignores it for a personal access token.
    expect(w.frame()).toContain(' Personal access token · pull and push · registry.gitlab.example.com · group/app');
    expect(w.frame()).not.toContain('old-name');
    // The first screen: nothing to go back to, and the footer does not pretend there is.
    expect(w.frame()).toContain('Enter: yes, ask for the token · e: change the answers · Ctrl-C: quit');
    await w.press(KEY.enter);
    await w.wait('Paste your personal access token');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    // Not sent either (no "GitLab ignores the username" remark): docker gets the account GitLab named.
    expect(w.frame()).not.toContain('old-name');
    expect(w.runner.calls[0]!.args).toEqual(['login', '--username', 'alice', '--password-stdin', 'registry.gitlab.example.com']);
  });

  test('remembered answers can be edited: e walks the steps with them as defaults', async () => {
    const remembered: Remembered = {
      gitlab: 'https://gitlab.example.com',
      registry: 'registry.gitlab.example.com',
      credentialType: 'deploy-token',
      access: 'pull',
      username: 'gitlab+deploy-token-1',
      project: 'group/app',
    };
    const w = start({ remembered: [remembered], init: { defaults: remembered, offerConfirm: true } });
    await w.wait('Log in again');
    await w.press('e');
    await w.wait('Which GitLab?');
    expect(w.frame()).toContain('❯ https://gitlab.example.com');
  });

  test('keys typed the instant a step appears are not lost (a password manager does that)', async () => {
    const w = start({ init: { fixed: FIXED } });
    await w.wait('Paste your');
    // No pause at all between the prompt appearing and the burst.
    for (const ch of GOOD) w.stdin.write(ch);
    w.stdin.write(KEY.enter);
    await w.wait('Logged in');
    expect(w.runner.calls[0]!.input).toBe(`${GOOD}\n`);
  });

  test('answers typed ahead in one chunk reach the questions after the one they end', async () => {
    const w = start({
      init: {
        fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'personal-access-token', access: 'push' },
      },
    });
    await w.wait('Project to push to');
    // The project and the token with their Enters: one read.
    w.stdin.write(`group/app\r${GOOD}\r`);
    await w.wait('Logged in');
    expect(w.store.saved[0]).toMatchObject({ project: 'group/app' });
    expect(w.store.saved[0]!.username).toBeUndefined();
  });

  test('answers that cannot be remembered (read-only config) do not stop the login: a warning on the done screen', async () => {
    const w = start({ saveFails: true });
    await toToken(w);
    await paste(w, GOOD);
    await w.wait('Logged in');
    expect(w.frame()).toContain('⚠ Your answers could not be remembered in');
    expect(w.frame()).toContain('(EACCES); the next run asks again.');
    await w.ended();
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
    await paste(w, GOOD);
    await w.ended();
    expect(w.exits).toEqual([{ code: 70, after: undefined }]);
  });

  test('Ctrl-C exits 130 at any step', async () => {
    const w = start();
    await w.wait('Which GitLab?');
    await w.press(KEY.ctrlC);
    await w.ended();
    expect(w.exits).toEqual([{ code: 130, after: undefined }]);
  });

  test('a token whose prefix does not fit the type warns and goes on', async () => {
    const w = start({ init: { fixed: { ...FIXED, credentialType: 'deploy-token', username: 'gitlab+deploy-token-1' } } });
    await w.wait('Paste your deploy token');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.frame()).toContain('Deploy tokens usually start with "gldt-". It looks like a personal access token.');
  });
});

describe("the done screen: the account and the token's expiry", () => {
  const withRecord = (days: number) =>
    namingAccount(fakeGitlabHttp({ [GOOD]: ['pull', 'push'] }).client, 'alice', {
      [GOOD]: tokenRecord('container registry', ['read_registry', 'write_registry'], days),
    });
  const dayIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  test('a token with a month left: its name, scopes and "expires DATE (31 days)", no warning', async () => {
    const w = start({ http: withRecord(31), init: { fixed: { ...FIXED, username: undefined as never } } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.frame()).toContain('Account: alice');
    expect(w.frame()).toContain(`Token "container registry": scopes read_registry, write_registry; expires ${dayIn(31)} (31 days)`);
    expect(w.frame()).not.toContain('⚠');
  });

  test('a token within 14 days: a warning and the page that creates its successor (same name and scopes), whole', async () => {
    const w = start({ http: withRecord(5), init: { fixed: { ...FIXED, username: undefined as never } } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.frame()).toContain(`expires ${dayIn(5)} (5 days)`);
    expect(w.frame()).toContain(`⚠ The personal access token "container registry" expires in 5 days (${dayIn(5)}): create its successor`);
    expect(joined(w).split('\n')).toContain(
      'https://gitlab.example.com/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry,write_registry',
    );
  });

  test('a username given for an access token that is not its account: one line saying GitLab ignored it', async () => {
    const w = start({ init: { fixed: { ...FIXED, username: 'nobody' } } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
    expect(w.frame()).toContain('GitLab ignores the username for a personal access token: this one belongs to alice, not "nobody"');
    expect(w.runner.calls[0]!.args).toContain('alice');
  });
});

describe('renewal offered where the token is chosen', () => {
  test('Tab on the token screen adds self_rotate to the link (GitLab 17.9+), says what it is for, and Tab again takes it back', async () => {
    const w = start({ init: { fixed: { ...FIXED, access: 'push', username: undefined as never } } });
    await w.wait('Paste your personal access token');
    expect(w.frame()).toContain('Renewal: Tab adds self_rotate, so gitlab-registry-login can renew this token before it expires (GitLab 17.9 or later');
    expect(w.frame()).toContain('Tab: renewal on');
    await w.press('\t');
    await w.wait('Renewal: on');
    expect(w.frame()).toContain('read_registry + write_registry + self_rotate');
    expect(w.frame()).toContain('Use the token only for this login: a renewal revokes it, so anything else using it stops working.');
    const renewable = tokenPage('https://gitlab.example.com', 'personal-access-token', 'push', 'group/app', { selfRotate: true })!;
    expect(renewable).toContain('scopes=read_registry,write_registry,self_rotate');
    expect(joined(w).split('\n')).toContain(renewable);
    await w.press('\t');
    await w.wait('Renewal: Tab adds');
    expect(joined(w).split('\n')).toContain(tokenPage('https://gitlab.example.com', 'personal-access-token', 'push', 'group/app'));
    // Tab never reached the token input: the token still checks.
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
  });

  test('a deploy token is not offered renewal (no self_rotate scope)', async () => {
    const w = start({ init: { fixed: { ...FIXED, credentialType: 'deploy-token', username: 'gitlab+deploy-token-1' } } });
    await w.wait('Paste your deploy token');
    expect(w.frame()).not.toContain('Renewal');
    expect(w.frame()).not.toContain('Tab');
  });
});

describe('renew it now: one key on the done screen for an expiring token that may rotate itself', () => {
  const NEXT = 'glpat-successor00000009';
  const renewable = (scopes: string[]) => {
    const records = { [GOOD]: tokenRecord('laptop', ['read_registry', ...scopes], 5) };
    return namingAccount(fakeGitlabHttp({ [GOOD]: ['pull', 'push'], [NEXT]: ['pull', 'push'] }).client, 'alice', records, { [GOOD]: NEXT });
  };
  const FIX = { ...FIXED, access: 'pull' as const, username: undefined as never };

  test('r asks first (other places stop working), y renews through core/renew.ts: docker gets the successor, exit 0', async () => {
    const http = renewable(['self_rotate']);
    const w = start({ http, init: { fixed: FIX } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('r: renew it now · Enter: finish');
    expect(w.frame()).toContain('expires in 5 days');
    expect(w.frame()).toContain('renew it now: gitlab-registry-login renew --registry registry.gitlab.example.com');
    // It waits for the person.
    expect(w.exits).toEqual([]);
    await w.press('r');
    await w.wait('Renew this token now?');
    expect(w.frame()).toContain('anything else that uses this token (CI/CD variables, other machines, scripts) stops working');
    // n: not now, and nothing was rotated.
    await w.press('n');
    await w.wait('r: renew it now');
    expect(w.frame()).not.toContain('Renew this token now?');
    expect(http.rotated).toEqual([]);
    await w.press('r');
    await w.wait('y: renew it now · n: not now');
    await w.press('y');
    await w.wait('Renewed the token "laptop"');
    await w.ended();
    expect(w.exits).toEqual([{ code: 0, after: undefined }]);
    expect(http.rotated).toEqual([GOOD]);
    expect(w.frame()).toContain('The old token stopped working everywhere at once');
    // docker logged in twice: with the token, then with its successor (on stdin); neither shown.
    expect(w.runner.calls.map((c) => c.input)).toEqual([`${GOOD}\n`, `${NEXT}\n`]);
    expect(w.frame()).not.toContain(GOOD);
    expect(w.frame()).not.toContain(NEXT);
  });

  /**
   * renew's last resort (core/renew.ts RenewDeps.offerSuccessor): docker takes the token, then refuses its successor
   * (the engine's store fails after the rotation, twice), so the successor exists only in memory.
   */
  const storeFailsAfterRotation = (): ReturnType<typeof fakeRunner> => {
    const calls: ReturnType<typeof fakeRunner>['calls'] = [];
    const runner: Runner = async (file, args, options) => {
      calls.push({ file, args, input: options.input, env: options.env });
      const refused = options.input === `${NEXT}\n`;
      return {
        exitCode: refused ? 1 : 0,
        stdout: refused ? '' : 'Login Succeeded',
        stderr: refused ? 'Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`' : '',
        timedOut: false,
        notFound: false,
      };
    };
    return { calls, runner };
  };
  const toOffer = async () => {
    const http = renewable(['self_rotate']);
    const w = start({ http, runner: storeFailsAfterRotation(), init: { fixed: FIX } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('r: renew it now');
    await w.press('r');
    await w.wait('y: renew it now');
    await w.press('y');
    await w.wait('Show the new token once so you can keep it');
    expect(w.frame()).toContain('Every place to store the new token failed, and the old token is already revoked.');
    expect(w.frame()).toContain('y: show it once · n or Enter: do not show it');
    expect(http.rotated).toEqual([GOOD]);
    return w;
  };
  const framesWith = (w: { frames: string[] }, s: string) => w.frames.map((f, i) => (plain(f).includes(s) ? i : -1)).filter((i) => i >= 0);

  for (const key of ['n', KEY.esc, KEY.enter]) {
    test(`every store fails after the rotation: asked whether to see the new token; ${JSON.stringify(key)} → never shown, old token revoked`, async () => {
      const w = await toOffer();
      await w.press(key);
      await w.wait('could not be stored');
      await w.ended();
      expect(framesWith(w, NEXT)).toEqual([]);
      expect(w.frame()).toContain('GitLab rotated the token: the old one is already revoked');
      expect(w.frame()).toContain('The new token is gone when this program ends');
      expect(w.exits).toEqual([{ code: 1, after: undefined }]);
      // docker was given the successor (twice: the store, then again), on stdin only.
      expect(w.runner.calls.map((c) => c.input)).toEqual([`${GOOD}\n`, `${NEXT}\n`, `${NEXT}\n`]);
    });
  }

  test('every store fails after the rotation: y shows the new token in exactly the frames until Enter, then it is gone', async () => {
    const w = await toOffer();
    const beforeY = w.frames.length;
    await w.press('y');
    await w.wait('Copy it now');
    expect(w.frame()).toContain(NEXT);
    expect(w.frame()).toContain('Enter: done (the token leaves the screen)');
    // It stays until Enter, whatever else is typed.
    await w.press('n');
    const beforeEnter = w.frames.length;
    expect(w.frame()).toContain(NEXT);
    await w.press(KEY.enter);
    await w.wait('could not be stored');
    await w.ended();
    const shown = framesWith(w, NEXT);
    expect(shown.length).toBeGreaterThan(0);
    // Contiguous, after y, before Enter; never in a frame after it.
    expect(shown[0]).toBeGreaterThanOrEqual(beforeY);
    expect(shown.at(-1)!).toBeLessThan(beforeEnter);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => shown[0]! + i));
    expect(w.frames.slice(shown.at(-1)! + 1).some((f) => plain(f).includes(NEXT))).toBe(false);
    expect(w.frame()).not.toContain(NEXT);
    expect(w.frame()).toContain('GitLab rotated the token: the old one is already revoked');
    expect(w.frame()).toContain('Log in with the token you were shown');
    expect(w.exits).toEqual([{ code: 1, after: undefined }]);
    // Not remembered: no answer holds it.
    expect(JSON.stringify([w.store.saved, w.store.load()])).not.toContain(NEXT);
    expect(w.store.saved.length).toBeGreaterThan(0);
  });

  test('Ctrl-C while the new token is shown: it leaves the screen first, then exit 130 (the last frame stays in the scrollback)', async () => {
    const w = await toOffer();
    await w.press('y');
    await w.wait('Copy it now');
    await w.press(KEY.ctrlC);
    await w.ended();
    expect(w.exits).toEqual([{ code: 130, after: undefined }]);
    expect(w.frame()).not.toContain(NEXT);
    expect(plain(w.frames.at(-1))).not.toContain(NEXT);
  });

  test('Enter finishes without renewing', async () => {
    const http = renewable(['api']);
    const w = start({ http, init: { fixed: FIX } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('r: renew it now');
    await w.press(KEY.enter);
    await w.ended();
    expect(w.exits).toEqual([{ code: 0, after: undefined }]);
    expect(http.rotated).toEqual([]);
    expect(w.runner.calls).toHaveLength(1);
  });

  test('without self_rotate or api: no key, the successor link instead, and the wizard ends by itself', async () => {
    const http = renewable([]);
    const w = start({ http, init: { fixed: FIX } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('create its successor');
    await w.ended();
    expect(w.frame()).not.toContain('renew it now');
    expect(http.rotated).toEqual([]);
  });
});

describe('push needs a project', () => {
  test('"Pull and push" makes the project a required answer, the git remote\'s offered; pull leaves it optional', async () => {
    const w = start({
      init: {
        fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'personal-access-token' },
        defaults: { project: 'group/app' },
      },
    });
    await w.wait('What do you need to do?');
    await w.press(KEY.down, KEY.enter);
    await w.wait('Project to push to');
    expect(w.frame()).toContain('push can only be proved on a path');
    expect(w.frame()).toContain('› group/app');
    // Emptied: not accepted, and why.
    await w.press('\u0015', KEY.enter);
    await w.wait('a project is needed to check push');
    expect(w.frame()).not.toContain('Paste your');
    await w.press('group/app', KEY.enter);
    await w.wait('Paste your personal access token');
    // Back to the access: pull makes it optional again, and empty is accepted.
    await w.press(KEY.esc, KEY.esc);
    await w.wait('What do you need to do?');
    await w.press(KEY.up, KEY.enter);
    await w.wait('Project to check (optional)');
    await w.press('\u0015', KEY.enter);
    await w.wait('Paste your personal access token');
  });

  test('remembered push answers without a project: the project is asked after "one Enter"', async () => {
    const remembered: Remembered = {
      gitlab: 'https://gitlab.example.com',
      registry: 'registry.gitlab.example.com',
      credentialType: 'personal-access-token',
      access: 'push',
      project: '',
    };
    const w = start({ remembered: [remembered], init: { defaults: remembered, offerConfirm: true } });
    await w.wait('Log in again');
    await w.press(KEY.enter);
    await w.wait('Project to push to');
  });
});

describe('the failure menu offers the action its fix names', () => {
  const DEPLOY = 'gldt-deploydeploy0004';

  test('unreachable registry: "Change the registry" first; the new one is checked with the same token', async () => {
    const w = start({ init: { fixed: { ...FIXED, registry: 'registry.nowhere.example' } } });
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('❯ Change the registry');
    await w.press(KEY.enter);
    await w.wait('Container registry');
    await w.press('\u0015', 'registry.gitlab.example.com', KEY.enter);
    await w.wait('Logged in');
    expect(w.runner.calls[0]!.args.at(-1)).toBe('registry.gitlab.example.com');
  });

  test('a deploy token with the wrong username: "Change the username", then the same token again', async () => {
    const http = fakeHttp((url, headers) => {
      const basic = Buffer.from((headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (url.pathname === '/jwt/auth')
        return basic.startsWith('gitlab+deploy-token-7:')
          ? { status: 200, body: JSON.stringify({ token: 'x.eyJhY2Nlc3MiOltdfQ.s' }) }
          : { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"HTTP Basic: Access denied."}]}' };
      if (url.pathname === '/v2/' && !headers.authorization)
        return { status: 401, wwwAuthenticate: ['Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry"'] };
      return { status: 200, body: '{}' };
    }).client;
    const w = start({
      http,
      init: {
        fixed: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', credentialType: 'deploy-token', access: 'pull', project: '' },
      },
    });
    await w.wait('Paste your deploy token');
    await paste(w, DEPLOY, 'alice');
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('A deploy token works only with its own username');
    expect(w.frame()).toContain('❯ Change the username now alice');
    await w.press(KEY.enter);
    await w.wait('Username');
    await w.press('\u0015', 'gitlab+deploy-token-7', KEY.enter);
    await w.wait('Logged in');
    expect(w.runner.calls[0]!.args).toContain('gitlab+deploy-token-7');
    expect(w.runner.calls[0]!.input).toBe(`${DEPLOY}\n`);
  });

  test('a gldt- token pasted as a personal access token: one key switches to Deploy token', async () => {
    const w = start({
      http: fakeGitlabHttp({ [GOOD]: ['pull', 'push'] }).client,
      init: { fixed: { ...FIXED, credentialType: 'personal-access-token', username: undefined as never } },
    });
    await w.wait('Paste your personal access token');
    await paste(w, DEPLOY);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('❯ Switch to Deploy token');
    await w.press('1');
    // The username answered for a personal access token does not fit a deploy token: asked, then the same token.
    await w.wait('Username');
    expect(w.frame()).toContain("the deploy token's own username");
  });

  test('a read-only token asked for push: "Log in for pull only" with the same token, and the create-token link again', async () => {
    const w = start({ init: { fixed: { ...FIXED, access: 'push' } } });
    await w.wait('Paste your');
    await w.press(PULL_ONLY, KEY.enter);
    await w.wait('Enter the token again');
    expect(w.frame()).toContain('❯ Log in for pull only');
    expect(joined(w).split('\n')).toContain(tokenPage('https://gitlab.example.com', 'personal-access-token', 'push'));
    await w.press(KEY.enter);
    await w.wait('Logged in');
    expect(w.runner.calls[0]!.input).toBe(`${PULL_ONLY}\n`);
    expect(w.frame()).toContain('can pull group/app');
  });

  test('Troubleshoot runs doctor with the answers and the token in memory, shows its report and comes back to the menu', async () => {
    const w = start({ init: { fixed: FIXED } });
    await w.wait('Paste your');
    await w.press('glpat-wrong', KEY.enter);
    await w.wait('Troubleshoot');
    await w.press(KEY.down, KEY.down, KEY.enter);
    await w.wait('1 failed');
    expect(w.frame()).toContain('✘ The given token: GitLab rejected the username and token');
    expect(w.frame()).toContain('Enter the token again');
    expect(w.exits).toEqual([]);
    expect(w.doctorRuns).toEqual([{ answers: { ...FIXED }, token: 'glpat-wrong' }]);
    expect(w.frame()).not.toContain('glpat-wrong');
    // Still the menu: the token again, then success.
    await w.press(KEY.up, KEY.up, KEY.enter);
    await w.wait('Paste your');
    await w.press(GOOD, KEY.enter);
    await w.wait('Logged in');
  });

  test('Quit prints one closing line and exits with the verdict code', async () => {
    const w = start({ init: { fixed: FIXED } });
    await w.wait('Paste your');
    await w.press('glpat-wrong', KEY.enter);
    await w.wait('Quit');
    await w.press(KEY.up, KEY.enter);
    await w.wait("Not logged in; docker's config is unchanged.");
    await w.ended();
    expect(w.exits).toEqual([{ code: 1, after: { quit: true } }]);
    expect(w.runner.calls).toHaveLength(0);
  });
});

describe('the token page', () => {
  test('Enter on the empty token prompt opens the page in the browser, and the prompt stays', async () => {
    const w = start({ open: true, init: { fixed: { ...FIXED, username: undefined as never } } });
    await w.wait('Paste your');
    expect(w.frame()).toContain('Create it here (Enter opens it in your browser):');
    await w.press(KEY.enter);
    await w.wait('Opened in your browser');
    expect(w.opened).toEqual([tokenPage('https://gitlab.example.com', 'personal-access-token', 'pull')]);
    await paste(w, GOOD);
    await w.wait('Logged in');
  });

  test('no opener (over SSH without a display): the link only, and Enter on an empty prompt says the token is empty', async () => {
    const w = start({ init: { fixed: FIXED } });
    await w.wait('Paste your');
    expect(w.frame()).not.toContain('browser');
    await w.press(KEY.enter);
    await w.wait('the token is empty');
  });

  test('the Admin Mode note only where it applies: personal access tokens', async () => {
    const w = start({ init: { fixed: { ...FIXED, credentialType: 'deploy-token', username: 'gitlab+deploy-token-1' } } });
    await w.wait('Paste your deploy token');
    expect(w.frame()).not.toContain('Admin Mode');
  });
});

describe('checked early', () => {
  test('a typed registry is probed (anonymous /v2/) when entered; Enter again keeps it anyway', async () => {
    const { client: http, seen } = fakeHttp((url, headers) =>
      url.host === 'registry.gitlab.example.com' && !headers.authorization
        ? { status: 401, wwwAuthenticate: ['Bearer realm="https://gitlab.example.com/jwt/auth"'] }
        : url.host === 'registry.typo.example'
          ? new HttpError('dns', 'registry.typo.example: no such host')
          : { status: 404 },
    );
    const w = start({ http, init: { fixed: { gitlab: 'https://gitlab.example.com' }, defaults: { registry: 'registry.gitlab.example.com' } } });
    await w.wait('Container registry');
    await w.press('\u0015', 'registry.typo.example', KEY.enter);
    await w.wait('Enter to keep it anyway');
    expect(w.frame()).toContain('no such host');
    expect(seen.map((s) => s.url)).toContain('https://registry.typo.example/v2/');
    expect(seen.every((s) => !s.headers.authorization)).toBe(true);
    // Corrected: checked, and on.
    await w.press('\u0015', 'https://registry.gitlab.example.com/group/app', KEY.enter);
    await w.wait('Which credential');
    await w.press(KEY.enter);
    await w.wait('What do you need to do?');
    await w.press(KEY.enter);
    await w.wait('Project to check');
    // The image path's project is offered.
    expect(w.frame()).toContain('› group/app');
  });

  test('a project page typed as the GitLab is split into the instance and the project', async () => {
    const w = start();
    await w.wait('Which GitLab?');
    await w.press(KEY.down, KEY.enter);
    await w.wait("Your GitLab's URL");
    await w.press('https://gitlab.example.com/Group/App/-/tree/main', KEY.enter);
    await w.wait('Found it');
    await w.press(KEY.enter, KEY.enter, KEY.enter);
    await w.wait('Project to check');
    expect(w.frame()).toContain('› group/app');
  });

  test('a made-up instance: discovery says it failed, and why', async () => {
    const http = fakeHttp(() => new HttpError('dns', 'getaddrinfo ENOTFOUND registry.made-up.example')).client;
    const w = start({ http });
    await w.wait('Which GitLab?');
    await w.press(KEY.down, KEY.enter);
    await w.wait("Your GitLab's URL");
    await w.press('made-up.example', KEY.enter);
    await w.wait('No registry found');
    expect(w.frame()).toContain('No registry found for made-up.example (tried registry.made-up.example and made-up.example:5050)');
    expect(w.frame()).toContain('ENOTFOUND');
  });
});

test('remembered instances are listed under "Which GitLab?", and the offered one says where it comes from', async () => {
  const a = { gitlab: 'https://gitlab.one.example', registry: 'registry.one.example' } satisfies Remembered;
  const b = { gitlab: 'https://gitlab.two.example', registry: 'registry.two.example' } satisfies Remembered;
  const w = start({ remembered: [a, b], instanceSource: 'last time', init: { defaults: { gitlab: b.gitlab } } });
  await w.wait('Which GitLab?');
  expect(w.frame()).toContain('❯ https://gitlab.two.example from last time https://gitlab.one.example used before gitlab.com');
  await w.press(KEY.down, KEY.enter);
  await w.wait('Container registry');
  expect(w.frame()).not.toContain('from last time');
});
