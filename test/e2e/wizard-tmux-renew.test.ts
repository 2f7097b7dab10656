/**
 * The wizard's "renew it now" (#19) in a real terminal, against the test GitLab's POST
 * /personal_access_tokens/self/rotate (test/helpers/gitlab.ts, as GitLab answers it), the real registry and the
 * real docker CLI: asked first, then core/renew.ts's renewToken, the same function as `gitlab-registry-login renew`.
 */
import { expect, test } from 'vitest';
import { alice, cliTerminal, storedLogin, teamRepo, testSandbox, useStack } from '../helpers/e2e.js';
import type { Sandbox } from '../helpers/cli.js';

const RENEWABLE = 'glpat-TMUXrenew0000selfrot01';
const READER = 'glpat-TMUXreader00000norot02';
/** An expiring token of alice's, named laptop, with `scopes` besides read_registry and write_registry. */
const expiring = (token: string, scopes: string[]) =>
  alice(token, { name: 'laptop', scopes: ['read_registry', 'write_registry', ...scopes], expiresInDays: 5, createdDaysAgo: 85 });
const { gl, reg } = useStack({ users: [expiring(RENEWABLE, ['self_rotate']), expiring(READER, [])] });

/** The wizard in a checkout whose team file answers everything but the token. */
const wizard = (sb: Sandbox) =>
  cliTerminal(sb, [], {
    size: { width: 160, height: 60 },
    cwd: teamRepo(sb.dir, { instance: gl.url, registry: reg.registry, project: 'group/app', type: 'personal-access-token', access: 'push' }),
  });
const rotations = () => gl.requests.filter((r) => r.path === '/api/v4/personal_access_tokens/self/rotate').length;
const successorOf = (token: string) => gl.config.users!.find((u) => u.previous === token);

test('an expiring self_rotate token: r, the question, y: GitLab rotates it, docker holds the successor, neither token shown', async () => {
  const sb = testSandbox();
  const t = wizard(sb);
  await t.waitFor('Paste your personal access token');
  t.type(`${RENEWABLE}\r`);
  await t.waitFor('r: renew it now · Enter: finish', 15_000);
  expect(t.screen()).toContain(`renew it now: gitlab-registry-login renew --registry ${reg.registry}`);
  const before = rotations();
  t.type('r');
  await t.waitFor('Renew this token now?');
  expect(t.screen()).toContain('stops working');
  expect(rotations()).toBe(before);
  t.type('y');
  const done = await t.waitFor('EXIT=', 20_000);
  expect(done).toContain('EXIT=0');
  expect(done).toContain('Renewed the token "laptop"');
  expect(done).toContain('The old token stopped working everywhere at once');
  expect(rotations()).toBe(before + 1);
  const next = successorOf(RENEWABLE)!;
  expect(next).toBeDefined();
  // GitLab revoked the old token; docker holds the successor, which the real registry accepted through docker login.
  expect(gl.config.users!.find((u) => u.token === RENEWABLE)!.revoked).toBe(true);
  expect(storedLogin(sb, reg.registry)).toBe(`alice:${next.token}`);
  const seen = t.joined();
  expect(seen).not.toContain(RENEWABLE);
  expect(seen).not.toContain(next.token);
});

test('an expiring token without self_rotate or api: no key, the successor link, and the wizard ends by itself', async () => {
  const sb = testSandbox();
  const t = wizard(sb);
  await t.waitFor('Paste your personal access token');
  const before = rotations();
  t.type(`${READER}\r`);
  const done = await t.waitFor('EXIT=', 15_000);
  expect(done).toContain('EXIT=0');
  expect(done).toContain('create its successor');
  expect(done).not.toContain('r: renew it now');
  expect(rotations()).toBe(before);
});
