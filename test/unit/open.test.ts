import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { browserOpener } from '../../src/ui/open.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'grl-open-'));
  // A fake opener that takes its time: the wizard must not wait for it.
  for (const name of ['xdg-open', 'open'])
    writeFileSync(path.join(dir, name), `#!/bin/sh\nsleep 2\nprintf '%s\\n' "$@" > "${dir}/opened-by-${name}"\n`, { mode: 0o755 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each<[string, NodeJS.ProcessEnv, NodeJS.Platform, boolean]>([
  ['Linux with a display', { DISPLAY: ':0' }, 'linux', true],
  ['Linux with Wayland', { WAYLAND_DISPLAY: 'wayland-0' }, 'linux', true],
  ['Linux without a display (a console, or SSH)', { SSH_CONNECTION: '10.0.0.1 5 10.0.0.2 22' }, 'linux', false],
  ['macOS', {}, 'darwin', true],
  ['macOS over SSH without a display', { SSH_TTY: '/dev/pts/1' }, 'darwin', false],
])('%s: offered %s', (_name, env, platform, offered) => {
  expect(browserOpener({ PATH: dir, ...env }, platform) !== undefined).toBe(offered);
});

test('no opener on PATH: not offered', () => {
  expect(browserOpener({ PATH: path.join(dir, 'none'), DISPLAY: ':0' }, 'linux')).toBeUndefined();
});

test('opening never waits for the opener, and gives it the URL only', async () => {
  const open = browserOpener({ PATH: dir, DISPLAY: ':0' }, 'linux')!;
  const t0 = Date.now();
  open('https://gitlab.example.com/-/user_settings/personal_access_tokens?name=x&scopes=read_registry');
  expect(Date.now() - t0).toBeLessThan(500);
  const file = path.join(dir, 'opened-by-xdg-open');
  const deadline = Date.now() + 10_000;
  while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(readFileSync(file, 'utf8')).toBe('https://gitlab.example.com/-/user_settings/personal_access_tokens?name=x&scopes=read_registry\n');
});
