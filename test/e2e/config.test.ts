/** The remembered answers on disk, through the built CLI (modes and paths: test/unit/paths.test.ts). */
import { expect, test } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliTerminal, testSandbox } from '../helpers/e2e.js';

test('--forget clears a corrupt config file and the wizard starts', async () => {
  const sb = testSandbox({ docker: 'none' });
  const dir = path.join(sb.env.XDG_CONFIG_HOME!, 'gitlab-registry-login');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), '{"last": "https://gitlab.example.com", "instances": {');
  const t = cliTerminal(sb, ['--forget'], { env: { NO_COLOR: '1' } });
  await t.waitFor('Which GitLab?');
  expect(existsSync(path.join(dir, 'config.json'))).toBe(false);
  t.keys('C-c');
  expect(await t.waitFor('EXIT=')).toContain('EXIT=130');
});
