/**
 * The compile cache (src/launch.ts): on Node 22.1+ the compiled bundle is kept in the tool's cache directory; where
 * that directory cannot be made, or others can write to it, or on Node 20, the CLI runs as it would without one.
 * Besides this Node, the official builds that scripts/nodes.sh fetched (GRL_TEST_NODES, or its cache) run too.
 */
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { BIN } from '../helpers/cli.js';

function nodes(): string[] {
  const cache = path.join(userInfo().homedir, '.cache', 'gitlab-registry-login-node');
  const fetched = existsSync(cache)
    ? readdirSync(cache)
        .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
        .map((v) => path.join(cache, v, 'bin', 'node'))
    : [];
  const all = [process.execPath, ...(process.env.GRL_TEST_NODES ?? '').split(',').filter(Boolean), ...fetched].filter((n) => existsSync(n));
  return [...new Map(all.map((n) => [spawnSync(n, ['--version'], { encoding: 'utf8' }).stdout.trim(), n])).values()];
}

const hasCompileCache = (node: string) =>
  spawnSync(node, ['-p', "typeof require('node:module').enableCompileCache"], { encoding: 'utf8' }).stdout.trim() === 'function';

function version(node: string, env: NodeJS.ProcessEnv) {
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  return spawnSync(node, [BIN, '--version'], { env: { ...base, ...env }, encoding: 'utf8', timeout: 15_000 });
}

test.each(nodes())('%s: the compiled bundle is cached in the tool cache directory, and read back', (node) => {
  const home = mkdtempSync(path.join(tmpdir(), 'grl-cc-'));
  try {
    const dir = path.join(home, 'cache', 'gitlab-registry-login', 'compile-cache');
    const first = version(node, { HOME: home, XDG_CACHE_HOME: path.join(home, 'cache') });
    expect(first.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(first.stderr).toBe('');
    if (!hasCompileCache(node)) {
      expect(existsSync(dir)).toBe(false); // Node 20: nothing made
      return;
    }
    const [sub] = readdirSync(dir);
    expect(readdirSync(path.join(dir, sub!)).length).toBeGreaterThan(0);
    const again = spawnSync(node, [BIN, '--version'], {
      env: { PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
      encoding: 'utf8',
    });
    expect(again.stderr).toMatch(/cache for (ESM )?file:\/\/\S+\/dist\/chunks\/cli-\w+\.js was accepted/);
    // HOME alone: ~/.cache, as the realm cache
    const homeOnly = version(node, { HOME: home });
    expect(homeOnly.status).toBe(0);
    expect(existsSync(path.join(home, '.cache', 'gitlab-registry-login', 'compile-cache'))).toBe(true);
    // NODE_DISABLE_COMPILE_CACHE: none
    const off = mkdtempSync(path.join(tmpdir(), 'grl-cc-off-'));
    expect(version(node, { HOME: off, NODE_DISABLE_COMPILE_CACHE: '1' }).status).toBe(0);
    expect(existsSync(path.join(off, '.cache', 'gitlab-registry-login', 'compile-cache'))).toBe(false);
    rmSync(off, { recursive: true, force: true });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test.each(nodes())('%s: a cache directory that cannot be made changes nothing (a file, /proc, no HOME, a relative path)', (node) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-cc-bad-'));
  try {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    // /proc/…: a recursive mkdir there never returns on Node 22 and 24; the launcher makes one level at a time.
    for (const env of [
      { XDG_CACHE_HOME: file },
      { XDG_CACHE_HOME: '/proc/grl-no-such-dir' },
      { HOME: '/proc/grl-no-such-dir' },
      {},
      { XDG_CACHE_HOME: 'relative/cache' },
    ]) {
      const r = spawnSync(node, [BIN, '--version'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 15_000, cwd: dir });
      expect({ env, status: r.status, stderr: r.stderr, out: r.stdout.trim() }).toEqual({
        env,
        status: 0,
        stderr: '',
        out: expect.stringMatching(/^\d+\.\d+\.\d+/),
      });
    }
    expect(readdirSync(dir)).toEqual(['a-file']); // the relative path was ignored, not made under the working directory
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.each(nodes())('%s: a cache directory others can write to is not used (compiled code there could be planted)', (node) => {
  if (!hasCompileCache(node)) return;
  const home = mkdtempSync(path.join(tmpdir(), 'grl-cc-shared-'));
  try {
    const cache = path.join(home, 'cache');
    mkdirSync(path.join(cache, 'gitlab-registry-login', 'compile-cache'), { recursive: true });
    chmodSync(path.join(cache, 'gitlab-registry-login', 'compile-cache'), 0o777);
    const r = version(node, { HOME: home, XDG_CACHE_HOME: cache, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.stderr).not.toMatch(/COMPILE_CACHE|cache for/i);
    expect(readdirSync(path.join(cache, 'gitlab-registry-login', 'compile-cache'))).toEqual([]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
