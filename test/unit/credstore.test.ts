import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, lstatSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { askHelper, askStore, locateDockerStore, optOutOfHelper, storageFor, undoEdit, whereDockerKeeps } from '../../src/core/credstore.js';
import { podmanAuthFile } from '../../src/core/authconfig.js';
import { loginAfterVerify } from '../../src/core/login.js';
import type { Runner, RunResult } from '../../src/core/process.js';
import type { LookupHost } from '../../src/core/which.js';

const linux = (present: string[]): LookupHost => ({ platform: 'linux', isExecutable: (f) => present.includes(f) });
const ok = (r: Partial<RunResult> = {}): RunResult => ({ exitCode: 0, stdout: '', stderr: '', timedOut: false, notFound: false, ...r });

describe('whereDockerKeeps: the store docker uses for one registry (docker/cli GetCredentialsStore)', () => {
  const env = { PATH: '/bin' };
  const host = linux(['/bin/docker-credential-desktop', '/bin/docker-credential-pass']);
  test.each([
    ['no config', undefined, { kind: 'file', optOut: false }],
    ['credsStore', { credsStore: 'desktop' }, { kind: 'helper', helper: 'desktop', setBy: 'credsStore', binary: '/bin/docker-credential-desktop' }],
    [
      'its own credHelpers entry wins',
      { credsStore: 'desktop', credHelpers: { 'r.example.com': 'pass' } },
      { kind: 'helper', helper: 'pass', setBy: 'credHelpers["r.example.com"]' },
    ],
    ['"" is the file (the per-registry opt-out)', { credsStore: 'desktop', credHelpers: { 'r.example.com': '' } }, { kind: 'file', optOut: true }],
    ["another registry's helper does not apply", { credHelpers: { 'x.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' } }, { kind: 'file', optOut: false }],
    ['empty credsStore is the file', { credsStore: '' }, { kind: 'file', optOut: false }],
    ['a helper that is not installed has no binary', { credsStore: 'secretservice' }, { kind: 'helper', helper: 'secretservice' }],
  ])('%s', (_n, config, want) => {
    const w = whereDockerKeeps(config, '/h/.docker/config.json', 'r.example.com', env, host);
    expect(w).toMatchObject({ file: '/h/.docker/config.json', ...want });
    if (_n.includes('not installed')) expect('binary' in w && w.binary).toBeFalsy();
  });
});

describe("podman's auth file, in podman's lookup order", () => {
  const host = (uid: number, dirs: string[] = []) => ({ platform: 'linux' as const, uid, exists: (d: string) => dirs.includes(d) });
  test.each([
    ['REGISTRY_AUTH_FILE first', { REGISTRY_AUTH_FILE: '/a/auth.json', DOCKER_CONFIG: '/d', XDG_RUNTIME_DIR: '/x' }, host(1000), '/a/auth.json'],
    ['then DOCKER_CONFIG/config.json', { DOCKER_CONFIG: '/d', XDG_RUNTIME_DIR: '/x' }, host(1000), '/d/config.json'],
    ['then $XDG_RUNTIME_DIR/containers/auth.json', { XDG_RUNTIME_DIR: '/x' }, host(1000), '/x/containers/auth.json'],
    ['root without XDG_RUNTIME_DIR: /run/containers/0/auth.json', {}, host(0, ['/run/user/0']), '/run/containers/0/auth.json'],
    ['rootless without XDG_RUNTIME_DIR: podman sets /run/user/UID itself', {}, host(1000, ['/run/user/1000']), '/run/user/1000/containers/auth.json'],
    ['rootless without /run/user/UID: /run/containers/UID/auth.json', {}, host(1000), '/run/containers/1000/auth.json'],
  ])('%s', (_n, env, h, want) => {
    expect(podmanAuthFile(env, h)).toBe(want);
  });
});

describe('askHelper', () => {
  const where = { kind: 'helper' as const, file: '/c.json', helper: 'x', setBy: 'credsStore', binary: '/bin/docker-credential-x' };
  test('list: the action in argv, nothing secret in, the env passed on', async () => {
    const calls: Parameters<Runner>[] = [];
    const run: Runner = async (...a) => (calls.push(a), ok({ stdout: '{"https://index.docker.io/v1/":"bob"}' }));
    expect(await askHelper(where, 'list', 'r.example.com', { PATH: '/bin' }, run)).toMatchObject({ state: 'ok' });
    expect(calls[0]![1]).toEqual(['list']);
    expect(calls[0]![2]).toMatchObject({ input: '', timeoutMs: 3000 });
  });
  test.each([
    [
      'failing with the D-Bus text',
      ok({ exitCode: 1, stdout: 'Cannot autolaunch D-Bus without X11 $DISPLAY\n' }),
      { state: 'failed', message: 'Cannot autolaunch D-Bus without X11 $DISPLAY' },
    ],
    ['hanging', ok({ exitCode: undefined, timedOut: true }), { state: 'timeout', limitMs: 3000 }],
    ['gone', ok({ exitCode: undefined, notFound: true }), { state: 'missing' }],
    ['answering list with something else', ok({ stdout: 'hello' }), { state: 'failed' }],
    ['escape sequences in its words are stripped', ok({ exitCode: 1, stdout: '\u001b[31mred\u001b[0m\u0007 text' }), { state: 'failed', message: 'red text' }],
  ])('%s', async (_n, result, want) => {
    expect(await askHelper(where, 'list', 'r', {}, async () => result)).toMatchObject(want);
  });
  test('get: "credentials not found" is not-found, not a failure', async () => {
    expect(await askHelper(where, 'get', 'r', {}, async () => ok({ exitCode: 1, stdout: 'credentials not found in native keychain' }))).toEqual({
      state: 'not-found',
    });
  });
});

describe('askStore (for status, doctor, logout, renew)', () => {
  test('docker file store: the login in auths, secret only for get', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-ask-'));
    try {
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'r.example.com': { auth: Buffer.from('alice:s3cret').toString('base64') } } }));
      const never: Runner = async () => {
        throw new Error('no helper should run');
      };
      const listed = await askStore({ engine: 'docker', registry: 'r.example.com', env: { DOCKER_CONFIG: dir }, op: 'list' }, never);
      expect(listed).toMatchObject({ state: 'logged-in', username: 'alice' });
      expect('secret' in listed).toBe(false);
      expect(await askStore({ engine: 'docker', registry: 'r.example.com', env: { DOCKER_CONFIG: dir } }, never)).toMatchObject({
        state: 'logged-in',
        username: 'alice',
        secret: 's3cret',
      });
      expect(await askStore({ engine: 'docker', registry: 'other', env: { DOCKER_CONFIG: dir } }, never)).toMatchObject({ state: 'not-logged-in' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('docker helper failing on get: unreadable, with its words (not "not logged in")', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-ask-'));
    try {
      writeFileSync(path.join(dir, 'config.json'), '{"credsStore":"x"}');
      writeFileSync(path.join(dir, 'docker-credential-x'), '', { mode: 0o755 });
      const r = await askStore({ engine: 'docker', registry: 'r', env: { DOCKER_CONFIG: dir, PATH: dir } }, async () =>
        ok({ exitCode: 1, stdout: 'The name org.freedesktop.secrets was not provided' }),
      );
      expect(r).toMatchObject({ state: 'unreadable', message: 'docker-credential-x failed: The name org.freedesktop.secrets was not provided' });
      const t = await askStore({ engine: 'docker', registry: 'r', env: { DOCKER_CONFIG: dir, PATH: dir } }, async () =>
        ok({ exitCode: undefined, timedOut: true }),
      );
      expect(t).toMatchObject({ state: 'unreadable', message: 'docker-credential-x did not answer `get` within 3 s and was stopped' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('podman: asks `podman login --get-login REG`', async () => {
    const calls: Array<readonly string[]> = [];
    const run: Runner = async (_f, a) => (calls.push(a), ok({ stdout: 'alice\n' }));
    expect(
      await askStore(
        { engine: 'podman', engineFile: '/usr/bin/podman', registry: 'r:5000', env: { REGISTRY_AUTH_FILE: '/nonexistent/a.json' }, op: 'list' },
        run,
      ),
    ).toMatchObject({ state: 'logged-in', username: 'alice', where: { kind: 'podman', file: '/nonexistent/a.json' } });
    expect(calls[0]).toEqual(['login', '--get-login', 'r:5000']);
    expect(
      await askStore({ engine: 'podman', engineFile: '/usr/bin/podman', registry: 'r', env: {} }, async () =>
        ok({ exitCode: 125, stderr: 'Error: not logged into r' }),
      ),
    ).toMatchObject({ state: 'not-logged-in' });
  });
});

describe('storageFor: where docker kept the login it just stored', () => {
  test("the store found before docker ran, its config not read again; a config with no login setting is read again (docker picks its platform's helper)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-storage-'));
    const env = { DOCKER_CONFIG: dir, PATH: dir };
    const file = path.join(dir, 'config.json');
    try {
      writeFileSync(file, '{"credsStore":"desktop","auths":{}}');
      const helper = locateDockerStore('r.example.com', env);
      // Read once, before the login: what the file says afterwards is not parsed again.
      writeFileSync(file, 'not json');
      expect('where' in helper && storageFor('docker', 'r.example.com', env, helper)).toEqual({ kind: 'helper', file, helper: 'desktop' });
      // No credsStore, credHelpers or auths: docker/cli's LoadDefaultConfigFile detects its default helper and writes it at the login.
      writeFileSync(file, '{}');
      const empty = locateDockerStore('r.example.com', env);
      writeFileSync(file, '{"auths":{"r.example.com":{}},"credsStore":"secretservice"}');
      expect('where' in empty && storageFor('docker', 'r.example.com', env, empty)).toEqual({ kind: 'helper', file, helper: 'secretservice' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('optOutOfHelper and undoEdit', () => {
  test('sets credHelpers[REG] = "" only, backs up first (0600), and undo restores every byte', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-edit-'));
    try {
      const file = path.join(dir, 'config.json');
      const original = '{\n  "credsStore": "desktop",\n  "credHelpers": {"gcr.io": "gcloud"},\n  "auths": {"x": {}}, "proxies": {"default": {}}\n}\n';
      writeFileSync(file, original, { mode: 0o644 });
      const edit = optOutOfHelper(file, 'r.example.com', new Date('2026-11-30T03:00:00Z'));
      if (!('before' in edit)) throw new Error(edit.detail);
      const now = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(now).toEqual({ credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud', 'r.example.com': '' }, auths: { x: {} }, proxies: { default: {} } });
      expect(edit.backup).toBe(path.join(dir, 'config.json.backup-2026-11-30T03-00-00-000Z'));
      expect(readFileSync(edit.backup, 'utf8')).toBe(original);
      expect(statSync(edit.backup).mode & 0o777).toBe(0o600);
      expect(statSync(file).mode & 0o777).toBe(0o644);
      undoEdit(edit);
      expect(readFileSync(file, 'utf8')).toBe(original);
      expect(readdirSync(dir)).toEqual(['config.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('a symlinked config (dotfiles) stays a symlink; the target is edited', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-edit-'));
    try {
      const target = path.join(dir, 'dotfiles-config.json');
      writeFileSync(target, '{"credsStore":"pass"}');
      const link = path.join(dir, 'config.json');
      symlinkSync(target, link);
      const edit = optOutOfHelper(link, 'r');
      expect('before' in edit).toBe(true);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ credsStore: 'pass', credHelpers: { r: '' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('a config that is not JSON is refused, untouched', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-edit-'));
    try {
      const file = path.join(dir, 'config.json');
      writeFileSync(file, '{nope');
      expect(optOutOfHelper(file, 'r')).toMatchObject({ detail: expect.stringMatching(/not valid JSON/) });
      expect(readdirSync(dir)).toEqual(['config.json']);
      expect(readFileSync(file, 'utf8')).toBe('{nope');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('interactive: a helper that waits for the person', () => {
  test('after 3 s the wait line names the helper; the limit is 2 minutes in a terminal, 3 s without', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-wait-'));
    try {
      writeFileSync(path.join(dir, 'config.json'), '{"credsStore":"osxkeychain"}');
      for (const f of ['docker', 'docker-credential-osxkeychain']) {
        writeFileSync(path.join(dir, f), '');
        chmodSync(path.join(dir, f), 0o755);
      }
      const limits: number[] = [];
      const lines: string[] = [];
      // The helper answers `list` after 3.2 s, as a person clicking "Allow" would.
      const run: Runner = async (file, args, o) => {
        limits.push(o.timeoutMs);
        if (file.endsWith('osxkeychain')) await new Promise((r) => setTimeout(r, 3200));
        return ok({ stdout: args[0] === 'list' ? '{}' : 'Login Succeeded' });
      };
      const req = { choice: 'docker' as const, username: 'u', token: 'glpat-x', env: { PATH: dir, DOCKER_CONFIG: dir }, timeoutMs: 15_000 };
      const r = await loginAfterVerify({ registry: 'r.example.com' }, { ...req, interactive: true, onWait: (l) => lines.push(l) }, run);
      expect(r.result).toMatchObject({ verdict: 'ok' });
      expect(lines).toEqual(['waiting for docker-credential-osxkeychain (it may be asking you to unlock your keyring)']);
      expect(limits).toEqual([120_000, 120_000]);
      limits.length = 0;
      const quick: Runner = async (_f, args, o) => (limits.push(o.timeoutMs), ok({ stdout: args[0] === 'list' ? '{}' : '' }));
      await loginAfterVerify({ registry: 'r.example.com' }, req, quick);
      expect(limits).toEqual([3000, 15_000]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 10_000);
});
