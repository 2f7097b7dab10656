import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  accessOf,
  fromSources,
  instanceHint,
  resolveRequest,
  usernameOf,
  withTypeFromUsername,
  type AnswerValues,
  type Layers,
  type LoginRequest,
  type Source,
} from '../../src/core/request.js';
import { commandRequest, requireComplete } from '../../src/commands/request.js';
import { InputError } from '../../src/core/errors.js';
import { renewRequest } from '../../src/commands/renew.js';
import { memoryStore } from '../../src/core/remembered.js';
import { realmsFile } from '../../src/core/paths.js';
import { fileRealmCache } from '../../src/core/realmcache.js';

const G = {
  flag: 'https://flag.example',
  ci: 'https://ci.example',
  team: 'https://team.example',
  mem: 'https://mem.example',
  remote: 'https://remote.example',
};

/** value@source per key, for compact table rows. */
const show = (r: LoginRequest) => Object.fromEntries(Object.entries(r).map(([k, a]) => [k, `${String(a.value)}@${a.source}`]));

describe('the one precedence rule: flags, CI variables, team file, remembered, git remote', () => {
  test.each<[string, Layers, Record<string, string>]>([
    [
      'flags win over everything',
      { flag: { registry: 'r.flag' }, ci: { registry: 'r.ci' }, 'team-file': { registry: 'r.team' }, remembered: { gitlab: G.mem, registry: 'r.mem' } },
      { registry: 'r.flag@flag', gitlab: `${G.mem}@remembered` },
    ],
    // The bug in #15: `login --ci` in a checkout whose team file names another registry logged in there, not to CI_REGISTRY.
    [
      'the CI job wins over the team file',
      { ci: { registry: 'r.ci', gitlab: G.ci }, 'team-file': { registry: 'r.team', gitlab: G.team, project: 'team/app' } },
      { registry: 'r.ci@ci', gitlab: `${G.ci}@ci`, project: 'team/app@team-file' },
    ],
    [
      'the team file wins over remembered answers',
      { 'team-file': { access: 'push' }, remembered: { gitlab: G.mem, access: 'pull', username: 'alice' } },
      { access: 'push@team-file', gitlab: `${G.mem}@remembered`, username: 'alice@remembered' },
    ],
    [
      'remembered answers win over the git remote',
      { remembered: { gitlab: G.remote, project: 'mem/proj' }, 'git-remote': { gitlab: G.remote, project: 'remote/proj' } },
      { gitlab: `${G.remote}@remembered`, project: 'mem/proj@remembered' },
    ],
    [
      'the git remote fills what nothing else said',
      { flag: { credentialType: 'deploy-token' }, 'git-remote': { gitlab: G.remote, project: 'remote/proj' } },
      { credentialType: 'deploy-token@flag', gitlab: `${G.remote}@git-remote`, project: 'remote/proj@git-remote' },
    ],
    [
      "a git remote's project only on its own instance",
      { flag: { gitlab: G.flag }, 'git-remote': { gitlab: G.remote, project: 'remote/proj' } },
      { gitlab: `${G.flag}@flag` },
    ],
    [
      "a git remote's project on an instance under a relative URL root (the remote names only its host)",
      { flag: { gitlab: `${G.remote}/gitlab` }, 'git-remote': { gitlab: G.remote, project: 'remote/proj' } },
      { gitlab: `${G.remote}/gitlab@flag`, project: 'remote/proj@git-remote' },
    ],
    [
      "the realm's instance: after the team file, before remembered answers",
      { flag: { registry: 'r.flag' }, realm: { gitlab: 'https://realm.example' }, remembered: { gitlab: G.mem }, 'git-remote': { gitlab: G.remote } },
      { registry: 'r.flag@flag', gitlab: 'https://realm.example@realm' },
    ],
    [
      'an instance named by the team file wins over the realm',
      { flag: { registry: 'r.flag' }, 'team-file': { gitlab: G.team }, realm: { gitlab: 'https://realm.example' } },
      { registry: 'r.flag@flag', gitlab: `${G.team}@team-file` },
    ],
    [
      'a username belongs to its type: remembered for another type than a higher source names, it does not apply',
      { flag: { credentialType: 'deploy-token' }, remembered: { gitlab: G.mem, credentialType: 'personal-access-token', username: 'alice', access: 'push' } },
      { credentialType: 'deploy-token@flag', gitlab: `${G.mem}@remembered`, access: 'push@remembered' },
    ],
    [
      "a username remembered without a type belongs to the one it implies: a deploy token's name is no project access token's",
      { 'team-file': { credentialType: 'project-access-token' }, remembered: { gitlab: G.mem, username: 'gitlab+deploy-token-7' } },
      { credentialType: 'project-access-token@team-file', gitlab: `${G.mem}@remembered` },
    ],
    [
      'a username remembered for the type a higher source names applies',
      { flag: { credentialType: 'deploy-token' }, remembered: { gitlab: G.mem, credentialType: 'deploy-token', username: 'gitlab+deploy-token-7' } },
      { credentialType: 'deploy-token@flag', gitlab: `${G.mem}@remembered`, username: 'gitlab+deploy-token-7@remembered' },
    ],
    ['no sources, no answers', {}, {}],
  ])('%s', (_name, layers, expected) => {
    expect(show(resolveRequest(layers))).toEqual(expected);
  });

  test('remembered answers are those of the instance the higher sources or the git remote name', () => {
    expect(instanceHint({ 'team-file': { gitlab: G.team }, 'git-remote': { gitlab: G.remote } })).toBe(G.team);
    expect(instanceHint({ realm: { gitlab: 'https://realm.example' }, 'git-remote': { gitlab: G.remote } })).toBe('https://realm.example');
    expect(instanceHint({ 'git-remote': { gitlab: G.remote } })).toBe(G.remote);
    expect(instanceHint({ flag: { registry: 'r' } })).toBeUndefined();
  });
});

describe('derived values are computed when read', () => {
  const req = (layers: Layers) => resolveRequest(layers);
  test.each<[string, Layers, string | undefined, Source | undefined]>([
    ["a job token's username is gitlab-ci-token", { flag: { credentialType: 'job-token' } }, 'gitlab-ci-token', 'flag'],
    [
      'a username remembered for another type does not stick to a job token',
      { flag: { credentialType: 'job-token' }, remembered: { gitlab: G.mem, username: 'alice' } },
      'gitlab-ci-token',
      'flag',
    ],
    ['a username given as a flag is taken as said', { flag: { credentialType: 'job-token', username: 'x' } }, 'x', 'flag'],
    ['a personal token has no username of its own', { flag: { credentialType: 'personal-access-token' } }, undefined, undefined],
    [
      'a personal token keeps a remembered username',
      { flag: { credentialType: 'personal-access-token' }, remembered: { gitlab: G.mem, username: 'alice' } },
      'alice',
      'remembered',
    ],
  ])('%s', (_name, layers, value, source) => {
    const u = usernameOf(req(layers));
    expect(u?.value).toBe(value);
    expect(u?.source).toBe(source);
  });
  test.each<[string, Layers, string | undefined]>([
    ["docker's `-u gitlab-ci-token`: a job token", { flag: { username: 'gitlab-ci-token' } }, 'job-token@flag'],
    ["a deploy token's own username: a deploy token", { remembered: { gitlab: G.mem, username: 'gitlab+deploy-token-7' } }, 'deploy-token@remembered'],
    // A password, as docker takes it: assumed, so never remembered (answersToRemember).
    ['any other username: a password, for GitLab an access token', { flag: { username: 'alice' } }, 'personal-access-token@assumed'],
    [
      'a type from any source wins over the assumption',
      { flag: { username: 'alice' }, remembered: { credentialType: 'project-access-token' } },
      'project-access-token@remembered',
    ],
    // `login REG -u gitlab+deploy-token-1` after a personal access token was remembered for REG: the deploy token's.
    [
      "a username that says its type outranks a lower source's type",
      { flag: { username: 'gitlab+deploy-token-1' }, remembered: { credentialType: 'personal-access-token' } },
      'deploy-token@flag',
    ],
    ["a higher source's type outranks it", { flag: { credentialType: 'deploy-token' }, 'team-file': { username: 'gitlab-ci-token' } }, 'deploy-token@flag'],
    [
      'a username that does not apply says nothing',
      { flag: { username: 'alice' }, remembered: { username: 'gitlab-ci-token' } },
      'personal-access-token@assumed',
    ],
    [
      "the team file's type is below a flag username's",
      { flag: { username: 'gitlab-ci-token' }, 'team-file': { credentialType: 'deploy-token' } },
      'job-token@flag',
    ],
    ['no username, no type', { flag: { registry: 'r' } }, undefined],
  ])('the type a username implies, at its rank: %s', (_name, layers, expected) => {
    const t = withTypeFromUsername(req(layers)).credentialType;
    expect(t ? `${t.value}@${t.source}` : undefined).toBe(expected);
  });
  test('the derived username is never an answer of a source', () => {
    expect(fromSources(req({ flag: { credentialType: 'job-token' } }), ['flag'])).toEqual({ credentialType: 'job-token' });
  });
  test('access is pull unless a source says push', () => {
    expect(accessOf(req({}))).toBe('pull');
    expect(accessOf(req({ 'team-file': { access: 'push' } }))).toBe('push');
  });
});

describe('commandRequest: argv, CI variables and the team file into one request', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const checkout = (team?: AnswerValues & { instance?: string; type?: string }) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-request-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, '.git'));
    if (team) writeFileSync(path.join(dir, '.gitlab-registry-login.json'), JSON.stringify(team));
    return dir;
  };
  const CI = {
    CI_REGISTRY: 'registry.ci.example',
    CI_REGISTRY_USER: 'gitlab-ci-token',
    CI_REGISTRY_PASSWORD: 'ci-secret',
    CI_SERVER_URL: 'https://ci.example',
    CI_PROJECT_PATH: 'ci/app',
  };

  test('login --ci in a checkout whose team file names another registry uses CI_REGISTRY', () => {
    const dir = checkout({
      instance: 'https://team.example',
      registry: 'registry.team.example',
      project: 'team/app',
      type: 'personal-access-token',
      access: 'push',
    });
    const { request, token } = commandRequest({ ci: true }, CI, dir);
    expect(show(request)).toEqual({
      registry: 'registry.ci.example@ci',
      gitlab: 'https://ci.example@ci',
      credentialType: 'ci-registry-password@ci',
      username: 'gitlab-ci-token@ci',
      project: 'ci/app@ci',
      access: 'push@team-file',
    });
    expect(token).toBe('ci-secret');
  });
  test('flags win over the CI variables and the team file', () => {
    const dir = checkout({ registry: 'registry.team.example' });
    const { request } = commandRequest({ ci: true, registry: 'registry.flag.example', project: 'flag/app' }, CI, dir);
    expect(request.registry).toEqual({ value: 'registry.flag.example', source: 'flag' });
    expect(request.project).toEqual({ value: 'flag/app', source: 'flag' });
  });
  test('without --ci the job variables are not read; the team file answers under the flags', () => {
    const dir = checkout({ registry: 'registry.team.example', type: 'deploy-token' });
    const { request, token } = commandRequest({ username: 'gitlab+deploy-token-1' }, CI, dir);
    expect(show(request)).toEqual({
      registry: 'registry.team.example@team-file',
      // The flag's deploy-token username says the type itself, at the flag's rank.
      credentialType: 'deploy-token@flag',
      username: 'gitlab+deploy-token-1@flag',
    });
    expect(token).toBeUndefined();
  });
  test('a bad CI variable is named', () => {
    expect(() => commandRequest({ ci: true }, { ...CI, CI_REGISTRY: 'https://x' }, checkout())).toThrow(
      expect.objectContaining({ flag: 'CI_REGISTRY' }) as Error,
    );
  });
  test('renew: the remembered answers by the same rule as login: a remembered username implies the type, a flag wins over them', () => {
    const dir = checkout();
    const REG = 'registry.mem.example';
    // A deploy token remembered by its username alone: its type is computed from it (a deploy token, which renew refuses before asking anything).
    const deploy = memoryStore([{ gitlab: G.mem, registry: REG, username: 'gitlab+deploy-token-7', project: 'mem/app' }]);
    expect(show(renewRequest({}, {}, deploy, undefined, dir).request)).toEqual({
      gitlab: `${G.mem}@remembered`,
      registry: `${REG}@remembered`,
      credentialType: 'deploy-token@remembered',
      username: 'gitlab+deploy-token-7@remembered',
      project: 'mem/app@remembered',
    });
    // --type over the remembered type; the username remembered for the other type does not come with it.
    const remembered = memoryStore([{ gitlab: G.mem, registry: REG, credentialType: 'deploy-token', username: 'gitlab+deploy-token-7', access: 'push' }]);
    expect(show(renewRequest({ registry: REG, type: 'project-access-token' }, {}, remembered, undefined, dir).request)).toEqual({
      gitlab: `${G.mem}@remembered`,
      registry: `${REG}@flag`,
      credentialType: 'project-access-token@flag',
      access: 'push@remembered',
    });
    expect(() => renewRequest({}, {}, memoryStore(), undefined, dir)).toThrow(expect.objectContaining({ flag: '--registry' }) as Error);
  });
  test('renew: an instance remembered alone renews at the registry found for it before (computed when read from the realm cache)', () => {
    const dir = checkout();
    const REG = 'registry.mem.example';
    const env = { XDG_CACHE_HOME: path.join(dir, 'cache') };
    mkdirSync(path.join(env.XDG_CACHE_HOME, 'gitlab-registry-login'), { recursive: true, mode: 0o700 });
    writeFileSync(realmsFile(env), JSON.stringify({ [REG]: { baseUrl: `https://${REG}`, realm: `${G.mem}/jwt/auth` } }), { mode: 0o600 });
    const store = memoryStore([{ gitlab: G.mem, credentialType: 'personal-access-token' }]);
    expect(show(renewRequest({}, env, store, fileRealmCache(env), dir).request)).toEqual({
      gitlab: `${G.mem}@remembered`,
      registry: `${REG}@realm`,
      credentialType: 'personal-access-token@remembered',
    });
    // Without it, nothing is made up: the registry is asked for.
    expect(() => renewRequest({}, { XDG_CACHE_HOME: path.join(dir, 'none') }, store, fileRealmCache({ XDG_CACHE_HOME: path.join(dir, 'none') }), dir)).toThrow(
      expect.objectContaining({ flag: '--registry' }) as Error,
    );
  });
  test('requireComplete names what is missing; a job token needs no --username', () => {
    const dir = checkout();
    expect(() => requireComplete(commandRequest({ registry: 'r.example', type: 'job-token' }, {}, dir).request, { tokenStdin: true })).not.toThrow();
    expect(() => requireComplete(commandRequest({ registry: 'r.example', type: 'deploy-token' }, {}, dir).request, { tokenStdin: true })).toThrow(/--username/);
    expect(() => requireComplete(commandRequest({}, {}, dir).request, {})).toThrow(InputError);
  });
});
