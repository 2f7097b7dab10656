/**
 * Every command the README marks runnable (a fenced block opened with ```sh runnable, optionally `exit=N`) runs
 * as written against the real registry and the test GitLab, with the variables the README (and `npm run demo`)
 * tell a reader to set: GITLAB, REGISTRY, TOKEN (alice: pull and push on my-group/my-app) and DOCKER_CONFIG.
 * `npx gitlab-registry-login` runs the built CLI, as it will from the npm registry once published.
 */
import { expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';
import { alice, fileSandbox, putOnPath, useStack } from '../helpers/e2e.js';

const TOKEN = 'glpat-Readme000secret0000';

interface Block {
  line: number;
  code: string;
  exit: number;
}

/** The README's runnable blocks, in order. */
export function runnableBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```sh runnable(?: exit=(\d+))?\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re)) blocks.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[2]!, exit: Number(m[1] ?? 0) });
  return blocks;
}

const { gl, reg } = useStack({ users: [alice(TOKEN, { projects: { 'my-group/my-app': 'developer' } })] });
const sb = fileSandbox();
// `npx gitlab-registry-login ARGS`: the built CLI; anything else npx is asked is refused (no network in tests).
putOnPath(sb, 'gitlab-registry-login', `#!/bin/sh\nexec ${process.execPath} ${BIN} "$@"\n`);
putOnPath(
  sb,
  'npx',
  `#!/bin/sh\n[ "$1" = gitlab-registry-login ] || { echo "npx $1: not in this test" >&2; exit 127; }\nshift\nexec gitlab-registry-login "$@"\n`,
);

test('the extractor finds runnable blocks and their expected exit codes, and nothing else', () => {
  const md = '```sh\nnot this\n```\n```sh runnable\na\nb\n```\ntext\n```sh runnable exit=1\nc\n```\n```console\n$ no\n```\n';
  expect(runnableBlocks(md)).toEqual([
    { line: 4, code: 'a\nb\n', exit: 0 },
    { line: 9, code: 'c\n', exit: 1 },
  ]);
});

/** bash, asynchronously: the test GitLab answers from this process. */
function bash(code: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn('bash', ['-eo', 'pipefail', '-c', code], { cwd: sb.home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => c.kill('SIGKILL'), 60_000);
    c.on('close', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr })));
  });
}

test('every runnable command in the README works as written', async () => {
  const blocks = runnableBlocks(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  const env = { ...sb.env, GITLAB: gl.url, REGISTRY: reg.registry, TOKEN, NO_COLOR: '1' };
  for (const b of blocks) {
    const r = await bash(b.code, env);
    expect(r.status, `README.md line ${b.line}:\n${b.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(b.exit);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  }
}, 120_000);
