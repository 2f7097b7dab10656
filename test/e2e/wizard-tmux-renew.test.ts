/**
 * The wizard's "renew it now" (#19) in a real terminal, against the test GitLab's POST
 * /personal_access_tokens/self/rotate (test/helpers/gitlab.ts, as GitLab answers it), the real registry and the
 * real docker CLI: asked first, then core/renew.ts's renewToken, the same function as `gitlab-registry-login renew`.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeCert, type KeyPair } from '../helpers/pki.js';
import { startGitlab, type FakeGitlab, type UserToken } from '../helpers/gitlab.js';
import { startRegistry, type RealRegistry } from '../helpers/registry.js';
import { BIN, sandbox } from '../helpers/cli.js';
import { cliCommand, startTerminal, type Terminal } from '../helpers/tmux.js';

const RENEWABLE = 'glpat-TMUXrenew0000selfrot01';
const READER = 'glpat-TMUXreader00000norot02';
let pki: KeyPair, gl: FakeGitlab, reg: RealRegistry;
const terms: Terminal[] = [];

const user = (token: string, scopes: string[]): UserToken => ({
  kind: 'personal',
  username: 'alice',
  token,
  name: 'laptop',
  scopes: ['read_registry', 'write_registry', ...scopes],
  projects: { 'group/app': 'developer' },
  expiresInDays: 5,
  createdDaysAgo: 85,
});

beforeAll(async () => {
  pki = makeCert();
  gl = await startGitlab(pki, { users: [user(RENEWABLE, ['self_rotate']), user(READER, [])] });
  reg = await startRegistry({ realm: gl.realm, certFile: pki.certFile });
});
afterAll(async () => {
  for (const t of terms) t.kill();
  await reg?.stop();
  await gl?.close();
  pki?.cleanup();
});

/** A checkout whose team file answers everything but the token. */
function teamRepo(dir: string): string {
  const repo = path.join(dir, 'repo');
  mkdirSync(path.join(repo, '.git'), { recursive: true });
  writeFileSync(
    path.join(repo, '.gitlab-registry-login.json'),
    JSON.stringify({ instance: gl.url, registry: reg.registry, project: 'group/app', type: 'personal-access-token', access: 'push' }),
  );
  return repo;
}
const rotations = () => gl.requests.filter((r) => r.path === '/api/v4/personal_access_tokens/self/rotate').length;
const successorOf = (token: string) => gl.config.users!.find((u) => u.previous === token);

test('an expiring self_rotate token: r, the question, y: GitLab rotates it, docker holds the successor, neither token shown', async () => {
  const sb = sandbox();
  const env = { ...sb.env, TERM: 'xterm-256color' };
  try {
    const t = startTerminal(cliCommand(`${process.execPath} ${BIN}`, env, []), env, { width: 160, height: 60 }, teamRepo(sb.dir));
    terms.push(t);
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
    const cfg = JSON.parse(readFileSync(path.join(sb.dockerConfig, 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(cfg.auths[reg.registry]!.auth, 'base64').toString()).toBe(`alice:${next.token}`);
    const seen = t.joined();
    expect(seen).not.toContain(RENEWABLE);
    expect(seen).not.toContain(next.token);
  } finally {
    sb.cleanup();
  }
});

test('an expiring token without self_rotate or api: no key, the successor link, and the wizard ends by itself', async () => {
  const sb = sandbox();
  const env = { ...sb.env, TERM: 'xterm-256color' };
  try {
    const t = startTerminal(cliCommand(`${process.execPath} ${BIN}`, env, []), env, { width: 160, height: 60 }, teamRepo(sb.dir));
    terms.push(t);
    await t.waitFor('Paste your personal access token');
    const before = rotations();
    t.type(`${READER}\r`);
    const done = await t.waitFor('EXIT=', 15_000);
    expect(done).toContain('EXIT=0');
    expect(done).toContain('create its successor');
    expect(done).not.toContain('r: renew it now');
    expect(rotations()).toBe(before);
  } finally {
    sb.cleanup();
  }
});
