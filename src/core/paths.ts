// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * Where this tool keeps its files, in one place, by each OS's convention as gh does it
 * (cli/go-gh pkg/config/config.go: ConfigDir, DataDir):
 *   config  $XDG_CONFIG_HOME/gitlab-registry-login, else on Windows %APPDATA%\gitlab-registry-login,
 *           else ~/.config/gitlab-registry-login (Linux and macOS alike, as gh's ~/.config/gh)
 *   cache   $XDG_CACHE_HOME/gitlab-registry-login, else on Windows %LOCALAPPDATA%\gitlab-registry-login,
 *           else ~/.cache/gitlab-registry-login
 * Both directories are made 0700 (what they hold is the user's alone; the files in them are 0600).
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const APP_DIR = 'gitlab-registry-login';

type Platform = NodeJS.Platform;

function home(env: NodeJS.ProcessEnv, platform: Platform): string {
  return (platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
}

/** A path module for the platform asked about, so a Windows layout can be computed (and tested) anywhere. */
const join = (platform: Platform) => (platform === 'win32' ? path.win32 : path.posix).join.bind(null);

export function configDir(env: NodeJS.ProcessEnv = process.env, platform: Platform = process.platform): string {
  const j = join(platform);
  if (env.XDG_CONFIG_HOME) return j(env.XDG_CONFIG_HOME, APP_DIR);
  if (platform === 'win32' && env.APPDATA) return j(env.APPDATA, APP_DIR);
  return j(home(env, platform), '.config', APP_DIR);
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env, platform: Platform = process.platform): string {
  const j = join(platform);
  if (env.XDG_CACHE_HOME) return j(env.XDG_CACHE_HOME, APP_DIR);
  if (platform === 'win32' && env.LOCALAPPDATA) return j(env.LOCALAPPDATA, APP_DIR);
  return j(home(env, platform), '.cache', APP_DIR);
}

/** The remembered answers. */
export const configFile = (env: NodeJS.ProcessEnv = process.env, platform: Platform = process.platform) =>
  join(platform)(configDir(env, platform), 'config.json');
/** The remembered realms (a cache). */
export const realmsFile = (env: NodeJS.ProcessEnv = process.env, platform: Platform = process.platform) =>
  join(platform)(cacheDir(env, platform), 'realms.json');

/**
 * Where Node 22.1+ keeps the compiled bundle (`module.enableCompileCache`), beside the realm cache: later runs skip
 * parsing and compiling it (README, Performance). None (undefined) when it is off (NODE_DISABLE_COMPILE_CACHE, as
 * Node names it), when the cache directory is not absolute (XDG: a relative path is to be ignored), or when others
 * can write to it: compiled code read from a directory someone else can write to would run as this user's code.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const base = cacheDir(env, platform);
  const p = platform === 'win32' ? path.win32 : path.posix;
  return p.isAbsolute(base) ? join(platform)(base, 'compile-cache') : undefined;
}

/**
 * A directory or file other users can write to (or that belongs to someone else but root) is no place for trust:
 * what it holds may have been planted, so the tool neither reads nor writes its files there.
 */
export function writableByOthers(p: string): boolean {
  let st;
  try {
    st = statSync(p, { throwIfNoEntry: false });
  } catch {
    return false; // not there (a file where a directory would be): nothing to read, and making it fails as it should
  }
  if (!st || process.platform === 'win32') return false;
  const uid = process.getuid?.();
  return (st.mode & 0o022) !== 0 || (uid !== undefined && st.uid !== uid && st.uid !== 0);
}

/**
 * Make `dir` (and any missing parent) with mode 0700, and bring an existing one of ours (made 0755 by an
 * earlier version) down to 0700. Throws what mkdir throws. One level at a time: on Node 22 and 24 a recursive
 * mkdir never returns where mkdir answers ENOENT (a directory under /proc, e.g. XDG_CACHE_HOME=/proc/x).
 */
export function privateDir(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  if (process.platform !== 'win32' && (statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
