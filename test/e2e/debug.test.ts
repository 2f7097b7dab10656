/**
 * --debug and GITLAB_REGISTRY_LOGIN_DEBUG=1 through the built CLI: one line per request and per engine command on
 * stderr, secrets redacted (the audit of every path is test/e2e/secret-audit.test.ts), and an internal error
 * shows its stack, redacted too.
 */
import { expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../helpers/cli.js';
import { alice, answerFlags, fileSandbox, useStack } from '../helpers/e2e.js';

const TOKEN = 'glpat-Debug0000secret00000';
const { reg } = useStack({ users: [alice(TOKEN)] });
const sb = fileSandbox();

const args = () => [...answerFlags(reg.registry, { access: 'push' }), '--token-stdin'];
const noSecrets = (text: string) => {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(Buffer.from(`alice:${TOKEN}`).toString('base64'));
  expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
};

test('login --debug: each request with method, host, path, status and time; the engine command with its argv', async () => {
  const r = await run(['login', ...args(), '--debug'], { input: TOKEN, env: sb.env });
  expect(r.code).toBe(0);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('debug '));
  expect(lines[0]).toMatch(/^debug \+\d+ ms gitlab-registry-login \d+\.\d+\.\d+, Node v\d+/);
  expect(lines).toContainEqual(
    expect.stringMatching(new RegExp(`^debug \\+\\d+ ms http GET http://${reg.registry.replace(/\./g, '\\.')} /v2/ -> 401 in \\d+ ms$`)),
  );
  expect(lines).toContainEqual(
    expect.stringMatching(
      /^debug \+\d+ ms http GET (http:\/\/)?127\.0\.0\.1:\d+ \/jwt\/auth\?\S*scope=repository%3Agroup%2Fapp%3A\S* \(Authorization: \[redacted\]\) -> 200 in \d+ ms$/,
    ),
  );
  expect(lines).toContainEqual(
    expect.stringMatching(/^debug \+\d+ ms run \S*docker login --username alice --password-stdin \S+ \(stdin: \[redacted\]\) -> exit 0 in \d+ ms$/),
  );
  expect(lines.at(-1)).toMatch(/^debug \+\d+ ms exit 0$/);
  // stdout is untouched: the same result as without --debug.
  expect(r.stdout).toContain('Logged in');
  noSecrets(r.stdout + r.stderr);
});

test('GITLAB_REGISTRY_LOGIN_DEBUG=1 does the same; without either, not a line', async () => {
  const on = await run(['verify', ...args()], { input: TOKEN, env: { ...sb.env, GITLAB_REGISTRY_LOGIN_DEBUG: '1' } });
  expect(on.stderr).toMatch(/^debug \+\d+ ms http GET /m);
  noSecrets(on.stderr);
  const off = await run(['verify', ...args()], { input: TOKEN, env: sb.env });
  expect(off.stderr).not.toMatch(/^debug /m);
  const json = await run(['verify', ...args(), '--json', '--debug'], { input: TOKEN, env: sb.env });
  expect(JSON.parse(json.stdout)).toMatchObject({ ok: true }); // --json stays one object on stdout
});

test("--debug before the command works as after it (the program's own flag; it is not a wizard option)", async () => {
  const before = await run(['--debug', 'verify', ...args()], { input: TOKEN, env: sb.env });
  expect({ code: before.code, stderr: before.stderr }).toMatchObject({ code: 0, stderr: expect.stringMatching(/^debug \+\d+ ms http GET /m) });
  noSecrets(before.stderr);
  const version = await run(['--debug', '--version'], { env: sb.env });
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
});

test('an internal error shows its stack with --debug, redacted, and not without', async () => {
  // A fault injected from outside the product: JSON.stringify of the --json result throws, its message carrying a token.
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-fault-'));
  const preload = path.join(dir, 'fault.cjs');
  writeFileSync(
    preload,
    `const s = JSON.stringify; JSON.stringify = function (v, ...r) { if (v && v.schemaVersion) throw new Error('boom with ${TOKEN} inside'); return s.call(this, v, ...r); };\n`,
  );
  try {
    const env = { ...sb.env, NODE_OPTIONS: `--require ${preload}` };
    const plain = await run(['doctor', '--error', 'denied: access forbidden', '--json'], { env });
    expect(plain.code).toBe(70);
    expect(plain.stderr).toMatch(/^gitlab-registry-login: internal error: boom with glpat-\[redacted\] inside$/m);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debugged = await run(['doctor', '--error', 'denied: access forbidden', '--json', '--debug'], { env });
    expect(debugged.code).toBe(70);
    expect(debugged.stderr).toMatch(/^Error: boom with glpat-\[redacted\] inside\n\s+at /m);
    expect(debugged.stderr).toMatch(/^debug \+\d+ ms exit 70$/m);
    noSecrets(plain.stderr + debugged.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
