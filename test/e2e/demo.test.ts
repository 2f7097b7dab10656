/**
 * `npm run demo` (scripts/demo.ts) in a real terminal: it starts the registry and the token endpoint, prints the
 * demo tokens, opens the wizard with a temporary DOCKER_CONFIG; the printed values work for a command from
 * another terminal; a login through the wizard succeeds; and on exit everything stops and its files are gone.
 */
import { afterAll, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { ROOT, run } from '../helpers/cli.js';
import { startTerminal, type Terminal } from '../helpers/tmux.js';

const terms: Terminal[] = [];
afterAll(() => {
  for (const t of terms) t.kill();
});

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

function startDemo(): Terminal {
  const env = { PATH: process.env.PATH!, HOME: process.env.HOME!, TERM: 'xterm-256color', LANG: 'C.UTF-8', NO_COLOR: '1' };
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  const t = startTerminal(`cd ${ROOT} && env -i ${vars} ${process.execPath} scripts/run-ts.mjs scripts/demo.ts; echo "EXIT=$?"; sleep 10`, env, {
    width: 200,
    height: 80,
  });
  terms.push(t);
  return t;
}

function demoValues(screen: string) {
  const m = /export GITLAB=(\S+) REGISTRY=(\S+) TOKEN=(\S+) DOCKER_CONFIG=(\S+)/.exec(screen.replace(/\n(?=\S)/g, ' '));
  expect(m, screen).not.toBeNull();
  const [, gitlab, registry, token, dockerConfig] = m!;
  return {
    gitlab: gitlab!,
    registry: registry!,
    token: token!,
    dockerConfig: dockerConfig!,
    port: Number(registry!.split(':')[1]),
    dir: path.dirname(dockerConfig!),
  };
}

test('starts, works from another terminal, and Ctrl-C stops everything', async () => {
  const t = startDemo();
  const screen = await t.waitFor('Which credential do you have', 30_000);
  for (const s of ['glpat-demoAlicePushPull00', 'glpat-demoRitaPullOnly000', 'gldt-demoDeployPull000000', 'pull and push my-group/my-app'])
    expect(screen).toContain(s);
  const demo = demoValues(screen);
  expect(await listening(demo.port)).toBe(true);
  const r = await run(
    [
      'verify',
      '--registry',
      demo.registry,
      '--type',
      'personal-access-token',
      '--username',
      'alice',
      '--project',
      'my-group/my-app',
      '--access',
      'push',
      '--token-stdin',
      '--json',
    ],
    { input: demo.token },
  );
  expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, granted: ['pull', 'push'] });
  t.keys('C-c');
  const end = await t.waitFor('EXIT=', 15_000);
  expect(end).toContain('Demo stopped');
  expect(end).toContain('EXIT=130');
  expect(await listening(demo.port)).toBe(false);
  expect(existsSync(demo.dir)).toBe(false);
}, 60_000);

test('a login through the wizard succeeds into the temporary DOCKER_CONFIG, then the demo stops', async () => {
  const t = startDemo();
  const screen = await t.waitFor('Which credential do you have', 30_000);
  const demo = demoValues(screen);
  t.keys('Enter'); // personal access token
  await t.waitFor('What do you need to do?');
  t.keys('Down', 'Enter'); // pull and push
  await t.waitFor('Project to push to');
  t.type('my-group/my-app');
  t.keys('Enter');
  await t.waitFor('Paste your personal access token');
  t.type('glpat-demoAlicePushPull00');
  // No username for a personal access token: GitLab ignores it.
  t.keys('Enter');
  const end = await t.waitFor('EXIT=', 30_000);
  expect(end).toContain(`Logged in to ${demo.registry} with docker.`);
  expect(end).toContain(`Stored in ${demo.dockerConfig}/config.json`);
  expect(end).toContain('Demo stopped');
  expect(end).toContain('EXIT=0');
  expect(existsSync(demo.dir)).toBe(false);
}, 90_000);
