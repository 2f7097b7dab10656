import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  impliedBy,
  memoryStore,
  openConfStore,
  rememberedAnswers,
  rememberedFor,
  rememberedForInstance,
  rememberedInstances,
  type Remembered,
} from '../../src/core/remembered.js';
import type { KnownRealm, RealmCache } from '../../src/core/realmcache.js';
import { answersToRemember, requestFrom } from '../../src/core/request.js';

// GitLab's realm is INSTANCE/jwt/auth (doc/administration/packages/container_registry.md, `auth: token: realm`).
const realms = (entries: Record<string, string>): RealmCache => {
  const m = new Map<string, KnownRealm>(Object.entries(entries).map(([r, realm]) => [r, { baseUrl: `https://${r}`, realm }]));
  return { get: (r) => m.get(r), set: (r, k) => void m.set(r, k), registries: () => [...m.keys()] };
};
const CACHE = realms({ 'registry.one.example': 'https://gitlab.one.example/jwt/auth', 'registry.two.example': 'https://gitlab.two.example/gitlab/jwt/auth' });

const registryAlone: Remembered = { registry: 'registry.one.example', credentialType: 'deploy-token', username: 'gitlab+deploy-token-1' };
const instanceAlone: Remembered = { gitlab: 'https://gitlab.two.example/gitlab', credentialType: 'personal-access-token', project: 'g/app' };

describe('remembered answers: only answers stored, what they imply computed when read', () => {
  test('a record is kept under its instance, else under its registry', () => {
    const store = memoryStore([registryAlone, instanceAlone]);
    expect(store.load('registry.one.example')).toEqual(registryAlone);
    expect(store.load('https://gitlab.two.example/gitlab')).toEqual(instanceAlone);
    expect(store.load()).toEqual(instanceAlone);
  });

  test('what a record implies: its instance or registry from the realm cache (nothing without it); pull and no project when none was said', () => {
    const said = { access: 'pull', project: '' } as const;
    expect(impliedBy(registryAlone, CACHE)).toEqual({ gitlab: 'https://gitlab.one.example', registry: 'registry.one.example', ...said });
    // An instance under a relative URL root: its realm is INSTANCE/jwt/auth, prefix kept.
    expect(impliedBy(instanceAlone, CACHE)).toEqual({
      gitlab: 'https://gitlab.two.example/gitlab',
      registry: 'registry.two.example',
      access: 'pull',
      project: 'g/app',
    });
    expect(impliedBy({ registry: 'registry.two.example' }, CACHE)).toMatchObject({ gitlab: 'https://gitlab.two.example/gitlab' });
    expect(impliedBy(registryAlone, undefined)).toEqual({ registry: 'registry.one.example', ...said });
    expect(impliedBy({ gitlab: 'https://gitlab.three.example', access: 'push' }, CACHE)).toEqual({
      gitlab: 'https://gitlab.three.example',
      access: 'push',
      project: '',
    });
  });

  test('two instances on one host (relative URL roots) are told apart; two registries of one instance name neither', () => {
    const cache = realms({ 'registry.a.example': 'https://host.example/a/jwt/auth', 'registry.b.example': 'https://host.example/b/jwt/auth' });
    const store = memoryStore([{ gitlab: 'https://host.example/a' }, { gitlab: 'https://host.example/b/' }]);
    expect(rememberedFor(store, 'registry.a.example', cache)).toEqual({ gitlab: 'https://host.example/a' });
    expect(rememberedFor(store, 'registry.b.example', cache)).toEqual({ gitlab: 'https://host.example/b/' });
    expect(rememberedForInstance(store, 'https://host.example/b', cache)).toEqual({ gitlab: 'https://host.example/b/' });
    expect(rememberedFor(memoryStore([{ gitlab: 'https://host.example' }]), 'registry.a.example', cache)).toBeUndefined();
    // HOST:5050 and registry.HOST both on one instance: which is meant is not known, so neither is offered.
    const two = realms({ 'registry.one.example': 'https://gitlab.one.example/jwt/auth', 'gitlab.one.example:5050': 'https://gitlab.one.example/jwt/auth' });
    expect(impliedBy({ gitlab: 'https://gitlab.one.example' }, two).registry).toBeUndefined();
  });

  test.each(['memory', 'conf'] as const)('%s store: a registry is found in the record used last for it, not the first saved', async (kind) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-order-'));
    try {
      const store = kind === 'memory' ? memoryStore() : await openConfStore({ cwd: dir });
      await store.save({ gitlab: 'https://gitlab.one.example', registry: 'registry.one.example', credentialType: 'deploy-token', project: 'old/app' });
      await store.save({ registry: 'registry.one.example', credentialType: 'personal-access-token', project: 'new/app' });
      await store.save({ gitlab: 'https://elsewhere.example' });
      expect(rememberedFor(store, 'registry.one.example')).toMatchObject({ project: 'new/app' });
      await store.save({ gitlab: 'https://gitlab.one.example', registry: 'registry.one.example', credentialType: 'deploy-token', project: 'newest/app' });
      await store.save({ gitlab: 'https://elsewhere.example' });
      expect(rememberedFor(store, 'registry.one.example')).toMatchObject({ project: 'newest/app' });
      expect(store.all().map((r) => r.gitlab ?? r.registry)).toEqual(['https://elsewhere.example', 'https://gitlab.one.example', 'registry.one.example']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('found by registry: the record naming it, else the instance whose realm it is on (status, renew, login)', () => {
    const store = memoryStore([registryAlone, instanceAlone]);
    expect(rememberedFor(store, 'registry.one.example', CACHE)).toEqual(registryAlone);
    expect(rememberedFor(store, 'registry.two.example', CACHE)).toEqual(instanceAlone);
    expect(rememberedFor(store, 'registry.two.example')).toBeUndefined();
    expect(rememberedFor(store, 'registry.other.example', CACHE)).toBeUndefined();
  });

  test('found by instance: the record naming it, else the registry whose realm is on it (the wizard, login)', () => {
    const store = memoryStore([registryAlone, instanceAlone]);
    expect(rememberedForInstance(store, 'https://gitlab.one.example', CACHE)).toEqual(registryAlone);
    expect(rememberedForInstance(store, 'https://gitlab.one.example')).toBeUndefined();
    expect(rememberedAnswers(store, { gitlab: 'https://gitlab.two.example/gitlab' }, CACHE)).toEqual(instanceAlone);
    expect(rememberedAnswers(store, { registry: 'registry.one.example', gitlab: 'https://gitlab.two.example/gitlab' }, CACHE)).toEqual(registryAlone);
    expect(rememberedAnswers(store, {}, CACHE)).toEqual(instanceAlone);
  });

  test('the instances listed under "Which GitLab?": named or implied, once each, the last used first', () => {
    const store = memoryStore([registryAlone, instanceAlone, { gitlab: 'https://gitlab.one.example' }]);
    expect(rememberedInstances(store, CACHE)).toEqual(['https://gitlab.one.example', 'https://gitlab.two.example/gitlab']);
    expect(rememberedInstances(memoryStore([registryAlone]))).toEqual([]);
  });

  test("what is remembered of a request: the person's answers, not the realm's, the CI job's or a type's own username", () => {
    const request = requestFrom(
      {
        gitlab: 'https://gitlab.one.example',
        registry: 'registry.one.example',
        credentialType: 'job-token',
        username: 'gitlab-ci-token',
        project: 'g/app',
        access: 'push',
      },
      { gitlab: 'realm', registry: 'flag', credentialType: 'remembered', username: 'flag', project: 'ci', access: 'team-file' },
    );
    expect(answersToRemember(request)).toEqual({ registry: 'registry.one.example', credentialType: 'job-token', access: 'push' });
    const deploy = requestFrom(
      { registry: 'r.example', credentialType: 'deploy-token', username: 'gitlab+deploy-token-1', project: 'g/app' },
      { project: 'git-remote' },
    );
    expect(answersToRemember(deploy)).toEqual({ registry: 'r.example', credentialType: 'deploy-token', username: 'gitlab+deploy-token-1' });
  });
});

test('a remembered file edited by hand (an instance that is no URL) matches nothing and throws nothing', () => {
  const store = memoryStore([{ gitlab: 'not a url' }, registryAlone]);
  expect(rememberedFor(store, 'registry.one.example', CACHE)).toEqual(registryAlone);
  expect(rememberedFor(store, 'registry.two.example', CACHE)).toBeUndefined();
  expect(rememberedForInstance(store, 'not a url', realms({}))).toEqual({ gitlab: 'not a url' });
  expect(rememberedForInstance(memoryStore([{ registry: 'registry.unknown.example' }]), 'not a url', realms({}))).toBeUndefined();
  expect(impliedBy({ gitlab: 'not a url' }, CACHE)).toEqual({ gitlab: 'not a url', access: 'pull', project: '' });
});
