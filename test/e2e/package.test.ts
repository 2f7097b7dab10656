/**
 * The published package as `npx` gets it: pack the tarball, install it into an empty prefix, and run the
 * installed binary — --version, verify against the real registry, and the wizard's first frame.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { cliCommand, startTerminal } from '../helpers/tmux.js';
import { alice, ownedTerminal, testSandbox, useStack } from '../helpers/e2e.js';
import { spawn } from 'node:child_process';

const TOKEN = 'glpat-Package0000secret000';
const { reg } = useStack({ users: [alice(TOKEN, { scopes: ['read_registry'], projects: { 'group/app': 'reporter' } })] });
let dir: string, bin: string, tarball: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'grl-pack-'));
  const out = execFileSync('npm', ['pack', '--pack-destination', dir, '--ignore-scripts', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  tarball = path.join(dir, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
  const prefix = path.join(dir, 'prefix');
  execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--omit=dev', tarball], {
    stdio: 'ignore',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  bin = path.join(prefix, 'node_modules', '.bin', 'gitlab-registry-login');
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball is small, holds only what runs, and installs nothing else', () => {
  expect(statSync(tarball).size).toBeLessThan(1024 * 1024);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: object };
  expect(pkg.dependencies).toBeUndefined();
  const installed = readdirSync(path.join(dir, 'prefix', 'node_modules')).filter((n) => !n.startsWith('.'));
  expect(installed).toEqual(['gitlab-registry-login']);
  const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
  expect(files.every((f) => /^package\/(bin\/|dist\/|package\.json|README\.md|CHANGELOG\.md|LICENSE)/.test(f))).toBe(true);
});

test('--version and verify from the installed package', async () => {
  expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);
  const out = await new Promise<string>((resolve) => {
    const c = spawn(
      bin,
      ['verify', '--registry', reg.registry, '--type', 'personal-access-token', '--username', 'alice', '--project', 'group/app', '--token-stdin', '--json'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let s = '';
    c.stdout.on('data', (d: Buffer) => (s += d.toString()));
    c.on('close', () => resolve(s));
    c.stdin.end(TOKEN);
  });
  expect(JSON.parse(out)).toMatchObject({ ok: true, verdict: 'ok', granted: ['pull'] });
});

test('the installed wizard draws its first frame', async () => {
  const env = { ...testSandbox().env, TERM: 'xterm-256color' };
  const t = ownedTerminal(
    startTerminal(cliCommand(bin, { ...env, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` }, ['--registry', reg.registry], 'sleep 5'), env),
  );
  await t.waitFor('Which credential do you have');
  t.keys('C-c');
  expect(await t.waitFor('EXIT=')).toContain('EXIT=130');
});
