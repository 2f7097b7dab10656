/** The remembered answers on disk, through the built CLI (modes and paths: test/unit/paths.test.ts). */
import { afterAll, expect, test } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, sandbox } from '../helpers/cli.js';
import { cliCommand, startTerminal, type Terminal } from '../helpers/tmux.js';

const terms: Terminal[] = [];
afterAll(() => {
  for (const t of terms) t.kill();
});

test('--forget clears a corrupt config file and the wizard starts', async () => {
  const sb = sandbox({ docker: 'none' });
  try {
    const dir = path.join(sb.env.XDG_CONFIG_HOME!, 'gitlab-registry-login');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'config.json'), '{"last": "https://gitlab.example.com", "instances": {');
    const env = { ...sb.env, TERM: 'xterm-256color', NO_COLOR: '1' };
    const t = startTerminal(cliCommand(`${process.execPath} ${BIN}`, env, ['--forget']), env);
    terms.push(t);
    await t.waitFor('Which GitLab?');
    expect(existsSync(path.join(dir, 'config.json'))).toBe(false);
    t.keys('C-c');
    expect(await t.waitFor('EXIT=')).toContain('EXIT=130');
  } finally {
    sb.cleanup();
  }
});
