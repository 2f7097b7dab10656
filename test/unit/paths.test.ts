import { describe, expect, test } from 'vitest';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cacheDir, compileCacheDir, configDir, configFile, privateDir, realmsFile } from '../../src/core/paths.js';
import { openConfStore, remember } from '../../src/core/remembered.js';
import { fileRealmCache } from '../../src/core/realmcache.js';

describe('one place for paths, by OS convention (as gh)', () => {
  test.each([
    ['linux', { HOME: '/home/a' }, '/home/a/.config/gitlab-registry-login', '/home/a/.cache/gitlab-registry-login'],
    ['linux', { HOME: '/home/a', XDG_CONFIG_HOME: '/x/conf', XDG_CACHE_HOME: '/x/cache' }, '/x/conf/gitlab-registry-login', '/x/cache/gitlab-registry-login'],
    ['darwin', { HOME: '/Users/a' }, '/Users/a/.config/gitlab-registry-login', '/Users/a/.cache/gitlab-registry-login'],
    ['darwin', { HOME: '/Users/a', XDG_CONFIG_HOME: '/Users/a/xdg' }, '/Users/a/xdg/gitlab-registry-login', '/Users/a/.cache/gitlab-registry-login'],
    [
      'win32',
      { USERPROFILE: 'C:\\Users\\a', APPDATA: 'C:\\Users\\a\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' },
      'C:\\Users\\a\\AppData\\Roaming\\gitlab-registry-login',
      'C:\\Users\\a\\AppData\\Local\\gitlab-registry-login',
    ],
    ['win32', { USERPROFILE: 'C:\\Users\\a' }, 'C:\\Users\\a\\.config\\gitlab-registry-login', 'C:\\Users\\a\\.cache\\gitlab-registry-login'],
  ] as Array<[NodeJS.Platform, NodeJS.ProcessEnv, string, string]>)('%s %o', (platform, env, config, cache) => {
    expect(configDir(env, platform)).toBe(config);
    expect(cacheDir(env, platform)).toBe(cache);
    expect(path.dirname(configFile(env, platform)) === config || path.win32.dirname(configFile(env, platform)) === config).toBe(true);
    expect(realmsFile(env, platform).endsWith('realms.json')).toBe(true);
  });
});

describe('the files on disk', () => {
  const sandbox = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-paths-'));
    return {
      dir,
      env: { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'conf'), XDG_CACHE_HOME: path.join(dir, 'cache') },
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  };
  const mode = (p: string) => statSync(p).mode & 0o777;

  test('config and cache directories are 0700, their files 0600; an old 0755 config directory is tightened', async () => {
    const sb = sandbox();
    try {
      const store = await openConfStore({ env: sb.env });
      expect(store.path).toBe(configFile(sb.env));
      await store.save({ gitlab: 'https://gitlab.example.com' });
      expect(mode(configDir(sb.env))).toBe(0o700);
      expect(mode(store.path)).toBe(0o600);
      chmodSync(configDir(sb.env), 0o755);
      await store.save({ gitlab: 'https://gitlab.example.com', username: 'a' });
      expect(mode(configDir(sb.env))).toBe(0o700);
      fileRealmCache(sb.env).set('r.example.com', { baseUrl: 'https://r.example.com', realm: 'https://gitlab.example.com/jwt/auth' });
      expect(mode(cacheDir(sb.env))).toBe(0o700);
      expect(mode(realmsFile(sb.env))).toBe(0o600);
    } finally {
      sb.cleanup();
    }
  });

  test('a corrupt config: reads as empty, the next save replaces it, forget removes it', async () => {
    const sb = sandbox();
    try {
      mkdirSync(configDir(sb.env), { recursive: true });
      writeFileSync(configFile(sb.env), '{not json');
      const store = await openConfStore({ env: sb.env });
      expect(store.load()).toBeUndefined();
      await store.forget();
      expect(existsSync(configFile(sb.env))).toBe(false);
      writeFileSync(configFile(sb.env), '{not json');
      const again = await openConfStore({ env: sb.env });
      await again.save({ gitlab: 'https://gitlab.example.com' });
      expect(JSON.parse(readFileSync(configFile(sb.env), 'utf8'))).toMatchObject({ last: 'https://gitlab.example.com' });
    } finally {
      sb.cleanup();
    }
  });

  test('a config directory other users can write to, or that belongs to another user: its answers are neither read nor written', async () => {
    const sb = sandbox();
    try {
      const dir = configDir(sb.env);
      mkdirSync(dir, { recursive: true });
      const planted = `${JSON.stringify({ last: 'https://evil.example', instances: { 'https://evil.example': { gitlab: 'https://evil.example', registry: 'evil.example' } } })}\n`;
      writeFileSync(configFile(sb.env), planted);
      const cases: Array<() => void> = [() => chmodSync(dir, 0o777)];
      // Another user's directory (root may hand it to nobody).
      if (process.getuid?.() === 0) cases.push(() => (chmodSync(dir, 0o700), chownSync(dir, 65534, 65534)));
      for (const make of cases) {
        make();
        const store = await openConfStore({ env: sb.env });
        expect(store.load()).toBeUndefined();
        const problem = await remember(store, { gitlab: 'https://gitlab.example.com' });
        expect(problem).toMatch(/writable by other users or belongs to another user/);
        expect(readFileSync(configFile(sb.env), 'utf8')).toBe(planted);
        chownSync(dir, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
        chmodSync(dir, 0o700);
      }
      // Once it is the user's own again, the answers are read.
      expect((await openConfStore({ env: sb.env })).load()?.gitlab).toBe('https://evil.example');
    } finally {
      sb.cleanup();
    }
  });
});

describe('the compile cache directory (src/launch.ts)', () => {
  test.each([
    [{ XDG_CACHE_HOME: '/x/cache', HOME: '/home/a' }, 'linux', '/x/cache/gitlab-registry-login/compile-cache'],
    [{ HOME: '/home/a' }, 'linux', '/home/a/.cache/gitlab-registry-login/compile-cache'],
    [{ HOME: '/Users/a' }, 'darwin', '/Users/a/.cache/gitlab-registry-login/compile-cache'],
    [{ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32', 'C:\\Users\\a\\AppData\\Local\\gitlab-registry-login\\compile-cache'],
    [{ XDG_CACHE_HOME: 'relative/cache', HOME: '/home/a' }, 'linux', undefined],
    [{ HOME: '/home/a', NODE_DISABLE_COMPILE_CACHE: '1' }, 'linux', undefined],
  ] as const)('%j on %s: %s', (env, platform, want) => {
    expect(compileCacheDir(env, platform)).toBe(want);
  });
});

describe('privateDir', () => {
  test('makes every missing level 0700, and leaves an existing parent as it was', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'grl-pd-'));
    try {
      chmodSync(base, 0o755);
      const dir = path.join(base, 'a', 'b', 'c');
      privateDir(dir);
      privateDir(dir); // again: nothing to make
      for (const d of [path.join(base, 'a'), path.join(base, 'a', 'b'), dir]) expect(statSync(d).mode & 0o777).toBe(0o700);
      expect(statSync(base).mode & 0o777).toBe(0o755);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('under /proc it fails at once (a recursive mkdir there never returns on Node 22 and 24)', () => {
    expect(() => privateDir('/proc/grl-no-such-dir/cache')).toThrow(/ENOENT/);
  });
});
