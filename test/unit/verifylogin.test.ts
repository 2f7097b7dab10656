import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { runVerifyLogin } from '../../src/commands/verifylogin.js';
import { memoryStore } from '../../src/core/remembered.js';
import type { CredentialType } from '../../src/core/credentials.js';
import type { KnownRealm, RealmCache } from '../../src/core/realmcache.js';
import { fakeGitlabHttp, fakeRunner, dockerOnPath } from '../helpers/fakes.js';
import { namingAccount } from '../ui/helpers.js';

const TOKEN = 'glcbt-jobjobjobjob0001';
const DEPLOY = 'gldt-deploydeploydep01';
const bin = dockerOnPath();

/** A terminal: each question (a prompt ending in ": ") answered in turn; one more question ends the input. */
function terminal(...answers: string[]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  const stdout = {
    isTTY: true,
    write: (s: string) => {
      const next = answers.shift();
      if (s.endsWith(': ') && next !== undefined) setImmediate(() => stdin.write(`${next}\r`));
      // A question no answer was given for: the person leaves (the test fails at once, not at its timeout).
      else if (s.endsWith(': ')) setImmediate(() => stdin.end());
      else if (next !== undefined) answers.unshift(next);
      return true;
    },
  };
  return { stdin, stdout, stderr: { write: () => true } };
}

const realmCache = (): RealmCache => {
  const m = new Map<string, KnownRealm>();
  return { get: (r) => m.get(r), set: (r, k) => void m.set(r, k), registries: () => [...m.keys()] };
};

const GITLAB = 'https://gitlab.example.com';
const REGISTRY = 'registry.gitlab.example.com';
const PAT = 'glpat-personalpersonal01';

/**
 * `login` with these flags in a terminal, the prompts answered in turn; resolves with what was remembered. The store
 * and realm cache may be shared with an earlier run; GitLab names the account of a personal access token: alice.
 */
async function loginAsked(
  flags: { type?: CredentialType; username?: string; gitlab?: string; registry?: string; project?: string; access?: 'pull' | 'push' },
  answers: string[],
  shared: { store?: ReturnType<typeof memoryStore>; realms?: RealmCache; prompts?: string[] } = {},
) {
  const store = shared.store ?? memoryStore();
  const t = terminal(...answers);
  const write = t.stdout.write;
  t.stdout.write = (s: string) => {
    shared.prompts?.push(s);
    return write(s);
  };
  const { exitCode } = await runVerifyLogin({
    mode: 'login',
    flags,
    io: { stdin: t.stdin, stdout: t.stdout, stderr: t.stderr, env: { PATH: bin.dir, DOCKER_CONFIG: path.join(bin.dir, 'nodocker') } },
    http: () => namingAccount(fakeGitlabHttp({ [TOKEN]: ['pull'], [DEPLOY]: ['pull'], [PAT]: ['pull', 'push'] }).client, 'alice'),
    runner: fakeRunner().runner,
    realmCache: shared.realms ?? realmCache(),
    cwd: bin.dir,
    openStore: async () => store,
  });
  expect(exitCode).toBe(0);
  return store.saved;
}

const GIVEN = { gitlab: GITLAB, registry: REGISTRY, project: 'group/app' };

describe('login in a terminal remembers what was answered', () => {
  test.each(['job-token', 'ci-registry-password'] as const)(
    "%s: the type's own username (gitlab-ci-token) is computed when read, never remembered",
    async (type) => {
      expect(await loginAsked({ ...GIVEN, type }, [TOKEN])).toEqual([{ ...GIVEN, credentialType: type }]);
    },
  );
  test("a deploy token's username, typed at the prompt, is remembered", async () => {
    expect(await loginAsked({ ...GIVEN, type: 'deploy-token' }, ['gitlab+deploy-token-1', DEPLOY])).toEqual([
      { ...GIVEN, credentialType: 'deploy-token', username: 'gitlab+deploy-token-1' },
    ]);
  });
  test('access that was said is remembered; the pull assumed when nothing said it is not', async () => {
    expect(await loginAsked({ ...GIVEN, type: 'deploy-token', access: 'pull' }, ['gitlab+deploy-token-1', DEPLOY])).toEqual([
      { ...GIVEN, access: 'pull', credentialType: 'deploy-token', username: 'gitlab+deploy-token-1' },
    ]);
  });
});

describe('login in a terminal never remembers what the verification found (computed when read)', () => {
  test('`login REGISTRY`: the instance its realm names is not remembered, nor the type assumed, nor the account GitLab names', async () => {
    // docker's habit: the registry alone; the type is the personal access token docker assumes (a password): not an
    // answer, so a later `login REGISTRY -u gitlab+deploy-token-1` is a deploy token's, as the username says.
    const store = memoryStore();
    expect(await loginAsked({ registry: REGISTRY }, [PAT], { store })).toEqual([{ registry: REGISTRY }]);
    const saved = await loginAsked({ registry: REGISTRY, username: 'gitlab+deploy-token-1' }, [DEPLOY], { store });
    expect(saved.at(-1)).toEqual({ registry: REGISTRY, credentialType: 'deploy-token', username: 'gitlab+deploy-token-1' });
  });
  test('`login --gitlab URL`: the registry discovered for it is not remembered', async () => {
    expect(await loginAsked({ gitlab: GITLAB, type: 'personal-access-token' }, [PAT])).toEqual([{ gitlab: GITLAB, credentialType: 'personal-access-token' }]);
  });
  test('the next `login` offers the registry found for the remembered instance, read from the realm cache', async () => {
    const store = memoryStore();
    const realms = realmCache();
    await loginAsked({ gitlab: GITLAB, type: 'personal-access-token' }, [PAT], { store, realms });
    const prompts: string[] = [];
    // Enter takes the registry offered: it becomes the person's answer, and is remembered as one.
    const saved = await loginAsked({}, ['', PAT], { store, realms, prompts });
    expect(prompts.join('')).toContain(`Registry [${REGISTRY}]`);
    expect(saved.at(-1)).toEqual({ gitlab: GITLAB, registry: REGISTRY, credentialType: 'personal-access-token' });
  });
  test('the next `login` of a registry given alone finds its answers again', async () => {
    const store = memoryStore();
    await loginAsked({ registry: REGISTRY, type: 'deploy-token' }, ['gitlab+deploy-token-1', DEPLOY], { store });
    const prompts: string[] = [];
    await loginAsked({}, ['', DEPLOY], { store, prompts });
    expect(prompts.join('')).toContain(`Registry [${REGISTRY}]`);
    expect(prompts.join('')).toContain('Remembered from the wizard: deploy token, username gitlab+deploy-token-1');
    expect(prompts.join('')).not.toContain('Username');
  });
});
