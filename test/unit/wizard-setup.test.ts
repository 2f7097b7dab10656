import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadInkUi, wizardSetup, type WizardFlags } from '../../src/ui/command.js';
import { memoryStore, type AnswerStore, type Remembered } from '../../src/core/remembered.js';
import { challenge, fakeHttp, stubHttp } from '../helpers/fakes.js';
import type { HttpClient } from '../../src/core/http.js';
import type { KnownRealm, RealmCache } from '../../src/core/realmcache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A checkout, with an origin remote and a team file when given. */
function checkout(opts: { remote?: string; team?: Record<string, string> } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-wizard-setup-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, '.git'));
  if (opts.remote) writeFileSync(path.join(dir, '.git', 'config'), `[remote "origin"]\n\turl = ${opts.remote}\n`);
  if (opts.team) writeFileSync(path.join(dir, '.gitlab-registry-login.json'), JSON.stringify(opts.team));
  return dir;
}

const MEM = {
  gitlab: 'https://gitlab.example.com',
  registry: 'registry.gitlab.example.com',
  credentialType: 'personal-access-token',
  access: 'push',
  username: 'alice',
  project: 'team/app',
} satisfies Remembered;

function setup(flags: WizardFlags, opts: { cwd?: string; store?: AnswerStore; http?: HttpClient; realms?: RealmCache } = {}) {
  const http = opts.http ?? stubHttp({}).client;
  return wizardSetup(flags, {
    env: {},
    cwd: opts.cwd ?? checkout(),
    store: async () => opts.store ?? memoryStore(),
    http: () => http,
    ...(opts.realms ? { realmCache: opts.realms } : {}),
  });
}

/** A realm cache that knows the registry of gitlab.example.com (a verification found it before). */
function knownRealms(): RealmCache {
  const m = new Map<string, KnownRealm>([[MEM.registry, { baseUrl: `https://${MEM.registry}`, realm: `${MEM.gitlab}/jwt/auth` }]]);
  return { get: (r) => m.get(r), set: (r, k) => void m.set(r, k), registries: () => [...m.keys()] };
}

describe('the wizard setup: what is given is never asked, what is remembered is offered', () => {
  test('a first run with nothing given asks everything', async () => {
    const s = await setup({});
    expect(s.firstRun).toBe(true);
    expect(s.init).toMatchObject({ fixed: {}, defaults: {}, offerConfirm: false, inCi: false });
  });

  test("--registry alone: the instance is the realm's, never asked, and no trust anchor", async () => {
    const { client } = stubHttp({ 'https://registry.example.com/v2/': challenge('https://gitlab.example.com/jwt/auth') });
    const s = await setup({ registry: 'registry.example.com' }, { http: client });
    expect(s.init.fixed).toEqual({ registry: 'registry.example.com', gitlab: 'https://gitlab.example.com' });
    expect(s.request.gitlab?.source).toBe('realm');
  });

  test('what remembered answers imply is computed when read from the realm cache, and offered', async () => {
    const { gitlab: _g, ...registryAlone } = MEM;
    const { registry: _r, ...instanceAlone } = MEM;
    // `login REGISTRY` remembered the registry alone: its instance is the one its realm is on, offered and listed.
    const a = await setup({}, { store: memoryStore([registryAlone]), realms: knownRealms() });
    expect(a.init.defaults).toMatchObject({ gitlab: MEM.gitlab, registry: MEM.registry });
    expect(a.init.offerConfirm).toBe(true);
    expect(a.rememberedInstances).toEqual([MEM.gitlab]);
    expect(a.instanceSource).toBe('last time');
    // `login --gitlab URL` remembered the instance alone: the registry found for it is offered (no discovery needed).
    const b = await setup({}, { store: memoryStore([instanceAlone]), realms: knownRealms() });
    expect(b.init.defaults).toMatchObject({ gitlab: MEM.gitlab, registry: MEM.registry });
    // Without the realm cache nothing is made up: the instance is asked, the registry discovered.
    const c = await setup({}, { store: memoryStore([registryAlone]) });
    expect(c.init.defaults?.gitlab).toBeUndefined();
    expect(c.instanceSource).toBeUndefined();
    expect(c.rememberedInstances).toEqual([]);
    // Given the registry: the answers remembered for it apply.
    const { client } = stubHttp({ [`https://${MEM.registry}/v2/`]: challenge(`${MEM.gitlab}/jwt/auth`) });
    const d = await setup({ registry: MEM.registry }, { store: memoryStore([registryAlone]), http: client });
    expect(d.init.defaults).toMatchObject({ credentialType: MEM.credentialType, project: MEM.project });
  });

  test('after `login` at a prompt (no access or project said), the wizard offers what that login did: pull, no project, in one Enter', async () => {
    const s = await setup({}, { store: memoryStore([{ gitlab: MEM.gitlab, registry: MEM.registry, credentialType: 'personal-access-token' }]) });
    expect(s.init.defaults).toMatchObject({ access: 'pull', project: '' });
    expect(s.init.offerConfirm).toBe(true);
  });

  test('what is only implied is nothing of last time\'s to confirm: with everything else given, no "one Enter"', async () => {
    const s = await setup(
      { gitlab: MEM.gitlab, registry: MEM.registry, type: 'personal-access-token', project: 'team/app' },
      { store: memoryStore([{ gitlab: MEM.gitlab, registry: MEM.registry, credentialType: 'personal-access-token' }]) },
    );
    expect(s.init.defaults).toMatchObject({ access: 'pull' });
    expect(s.init.offerConfirm).toBe(false);
  });

  test.each(['not a url', 'https://harbor.example.com/service/token'])(
    '--registry alone whose realm is no GitLab token endpoint (%s): no instance from it',
    async (realm) => {
      const { client } = stubHttp({ 'https://registry.example.com/v2/': challenge(realm) });
      const s = await setup({ registry: 'registry.example.com' }, { http: client });
      expect(s.init.fixed).toEqual({ registry: 'registry.example.com' });
    },
  );

  test("--registry alone on an instance under a relative URL root: the realm's instance keeps its prefix", async () => {
    const { client } = stubHttp({ 'https://registry.example.com/v2/': challenge('https://example.com/gitlab/jwt/auth') });
    const s = await setup({ registry: 'registry.example.com' }, { http: client });
    expect(s.init.fixed).toMatchObject({ gitlab: 'https://example.com/gitlab' });
  });

  test('remembered answers of the instance are offered, with "one Enter" to take them', async () => {
    const s = await setup({}, { store: memoryStore([MEM]) });
    expect(s.firstRun).toBe(false);
    expect(s.init.defaults).toEqual({
      gitlab: MEM.gitlab,
      registry: MEM.registry,
      credentialType: MEM.credentialType,
      access: MEM.access,
      username: MEM.username,
      project: MEM.project,
    });
    expect(s.init.offerConfirm).toBe(true);
  });

  test('an access token remembered without a username (never asked: GitLab ignores it) still gets "one Enter"', async () => {
    const { username: _u, ...withoutName } = MEM;
    expect((await setup({}, { store: memoryStore([withoutName]) })).init.offerConfirm).toBe(true);
    // A deploy token's username is asked: without it there is something to ask.
    expect((await setup({}, { store: memoryStore([{ ...withoutName, credentialType: 'deploy-token' }]) })).init.offerConfirm).toBe(false);
  });

  test.each(['job-token', 'ci-registry-password'] as const)(
    '%s remembered without its username (gitlab-ci-token, computed when read) still gets "one Enter"',
    async (credentialType) => {
      const { username: _u, ...withoutName } = MEM;
      const s = await setup({}, { store: memoryStore([{ ...withoutName, credentialType }]) });
      expect(s.init.offerConfirm).toBe(true);
      expect(s.init.defaults?.username).toBeUndefined();
    },
  );

  // #15: the wizard and `login` read the remembered answers by the one rule (core/request.ts resolveRequest).
  test('--type deploy-token: a username remembered for a personal access token is neither offered nor "one Enter"', async () => {
    const s = await setup({ type: 'deploy-token' }, { store: memoryStore([MEM]) });
    expect(s.init.fixed).toEqual({ credentialType: 'deploy-token' });
    expect(s.init.defaults).toEqual({ gitlab: MEM.gitlab, registry: MEM.registry, access: MEM.access, project: MEM.project });
    expect(s.request.username).toBeUndefined();
    // The deploy token's username is still to be asked: nothing to confirm.
    expect(s.init.offerConfirm).toBe(false);
  });

  test("every asked answer given as flags, an access token's username only remembered: nothing to confirm (it is never asked)", async () => {
    const s = await setup(
      { gitlab: MEM.gitlab, registry: MEM.registry, type: 'personal-access-token', access: 'push', project: 'team/app' },
      { store: memoryStore([MEM]) },
    );
    expect(s.init.offerConfirm).toBe(false);
  });

  test('remembered push without a project is not "one Enter" from the token: push needs a project', async () => {
    expect((await setup({}, { store: memoryStore([{ ...MEM, project: '' }]) })).init.offerConfirm).toBe(false);
    expect((await setup({}, { store: memoryStore([{ ...MEM, access: 'pull', project: '' }]) })).init.offerConfirm).toBe(true);
  });

  test('everything given as flags: nothing to confirm', async () => {
    const s = await setup(
      { gitlab: MEM.gitlab, registry: MEM.registry, type: 'personal-access-token', access: 'push', username: 'bob', project: 'team/app' },
      { store: memoryStore([MEM]) },
    );
    expect(s.init.offerConfirm).toBe(false);
    expect(s.init.fixed).toMatchObject({ username: 'bob' });
  });

  test("a checkout's git remote offers its instance and project; the team file's answers are never asked", async () => {
    const cwd = checkout({ remote: 'git@gitlab.example.com:Team/Service.git', team: { access: 'push' } });
    const s = await setup({}, { cwd });
    expect(s.init.defaults).toEqual({ gitlab: 'https://gitlab.example.com', project: 'team/service' });
    expect(s.init.fixed).toEqual({ access: 'push' });
  });

  test('--forget clears the remembered answers before anything is read', async () => {
    const store = memoryStore([MEM]);
    const s = await setup({ forget: true }, { store });
    expect(s.firstRun).toBe(true);
    expect(s.init.defaults).toEqual({});
  });

  test('a bad flag is refused before any request', async () => {
    const { client, seen } = fakeHttp(() => ({ status: 500 }));
    await expect(setup({ registry: 'https://x' }, { http: client })).rejects.toThrow(/without a scheme/);
    expect(seen).toEqual([]);
  });
});

test("Ink's environment workarounds are undone once the UI is loaded", async () => {
  const env: NodeJS.ProcessEnv = { CI: 'true', CONTINUOUS_INTEGRATION: '1', NO_COLOR: '1' };
  const fetchBefore = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  const loading = loadInkUi(env);
  expect(env.CI).toBeUndefined();
  expect(env.FORCE_COLOR).toBe('0');
  expect(globalThis.fetch).toBeUndefined();
  await loading;
  expect(env).toEqual({ CI: 'true', CONTINUOUS_INTEGRATION: '1', NO_COLOR: '1' });
  expect(Object.getOwnPropertyDescriptor(globalThis, 'fetch')).toEqual(fetchBefore);
});
