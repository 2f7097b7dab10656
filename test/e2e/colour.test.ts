/**
 * Colour by the conventions, in the built CLI: FORCE_COLOR (1/2/3 on, 0 off) wins over terminal detection for
 * the commands and the wizard alike; NO_COLOR turns colour off only when it is not empty.
 */
import { expect, test } from 'vitest';
import { run } from '../helpers/cli.js';
import { cliTerminal, fileSandbox } from '../helpers/e2e.js';

const SGR = /\u001b\[[0-9;]*[1-9][0-9;]*m/; // a colour or attribute (not a plain reset)
const EXPLAIN = ['doctor', '--error', "'denied: access forbidden'"];
const sb = fileSandbox({ docker: 'none' });
const inTerminal = (env: NodeJS.ProcessEnv, args: string[]) => cliTerminal(sb, args, { env, after: 'sleep 5' });

test.each([
  [{}, false],
  [{ FORCE_COLOR: '1' }, true],
  [{ FORCE_COLOR: '3' }, true],
  [{ FORCE_COLOR: '1', NO_COLOR: '1' }, true],
  [{ FORCE_COLOR: '0' }, false],
])('a command piped (a CI log), %o: colour %s', async (extra, coloured) => {
  const r = await run(['doctor', '--error', 'denied: access forbidden'], { env: { ...sb.env, ...extra } });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Cause:');
  expect(SGR.test(r.stdout)).toBe(coloured);
});

test.each([
  [{}, true],
  [{ NO_COLOR: '' }, true],
  [{ NO_COLOR: '1' }, false],
  [{ FORCE_COLOR: '0' }, false],
  [{ TERM: 'dumb' }, false],
])('a command in a terminal, %o: colour %s', async (extra, coloured) => {
  const t = inTerminal(extra, EXPLAIN);
  await t.waitFor('EXIT=0');
  expect(SGR.test(t.rawScreen())).toBe(coloured);
});

test.each([
  [{}, true],
  [{ NO_COLOR: '' }, true],
  [{ NO_COLOR: '1' }, false],
  [{ FORCE_COLOR: '0' }, false],
  [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true],
])('the wizard, %o: colour %s', async (extra, coloured) => {
  const t = inTerminal(extra, []);
  await t.waitFor('Which GitLab?');
  expect(SGR.test(t.rawScreen())).toBe(coloured);
  t.keys('C-c');
  await t.waitFor('EXIT=130');
});
