import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runVerifyLogin } from '../../src/commands/verifylogin.js';
import { memoryStore } from '../../src/core/remembered.js';
import type { CredentialType } from '../../src/core/credentials.js';
import type { KnownRealm, RealmCache } from '../../src/core/realmcache.js';
import { fakeGitlabHttp, fakeRunner } from '../helpers/fakes.js';

const TOKEN = 'glcbt-jobjobjobjob0001';
const DEPLOY = 'gldt-deploydeploydep01';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'grl-verifylogin-'));
  writeFileSync(path.join(dir, 'docker'), '#!/bin/sh\n', { mode: 0o755 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A terminal: each question (a prompt ending in ": ") answered in turn. */
function terminal(...answers: string[]) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  const stdout = {
    isTTY: true,
    write: (s: string) => {
      const next = answers.shift();
      if (s.endsWith(': ') && next !== undefined) setImmediate(() => stdin.write(`${next}\r`));
      else if (next !== undefined) answers.unshift(next);
      return true;
    },
  };
  return { stdin, stdout, stderr: { write: () => true } };
}

const realmCache = (): RealmCache => {
  const m = new Map<string, KnownRealm>();
  return { get: (r) => m.get(r), set: (r, k) => void m.set(r, k) };
};

/** `login` with these flags in a terminal, the prompts answered in turn; resolves with what was remembered. */
async function loginAsked(flags: { type: CredentialType; username?: string }, ...answers: string[]) {
  const store = memoryStore();
  const t = terminal(...answers);
  const { exitCode } = await runVerifyLogin({
    mode: 'login',
    flags: { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', project: 'group/app', ...flags },
    io: { stdin: t.stdin, stdout: t.stdout, stderr: t.stderr, env: { PATH: dir, DOCKER_CONFIG: path.join(dir, 'nodocker') } },
    http: () => fakeGitlabHttp({ [TOKEN]: ['pull'], [DEPLOY]: ['pull'] }).client,
    runner: fakeRunner().runner,
    realmCache: realmCache(),
    cwd: dir,
    openStore: async () => store,
  });
  expect(exitCode).toBe(0);
  return store.saved;
}

const ANSWERED = { gitlab: 'https://gitlab.example.com', registry: 'registry.gitlab.example.com', access: 'pull', project: 'group/app' };

describe('login in a terminal remembers what was answered', () => {
  test.each(['job-token', 'ci-registry-password'] as const)(
    "%s: the type's own username (gitlab-ci-token) is computed when read, never remembered",
    async (type) => {
      expect(await loginAsked({ type }, TOKEN)).toEqual([{ ...ANSWERED, credentialType: type }]);
    },
  );
  test("a deploy token's username, typed at the prompt, is remembered", async () => {
    expect(await loginAsked({ type: 'deploy-token' }, 'gitlab+deploy-token-1', DEPLOY)).toEqual([
      { ...ANSWERED, credentialType: 'deploy-token', username: 'gitlab+deploy-token-1' },
    ]);
  });
});
