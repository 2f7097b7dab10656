// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** Docker's and podman's credential config: where the logins live and what is there (read only; secrets never printed). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { homedir } from 'node:os';
import type { EngineName } from './engine.js';

export interface EngineConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export type ConfigRead = { file: string; config?: EngineConfig; missing?: true } | { file: string; error: string; code?: string };

export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || homedir(), '.docker');
}

/** What podman's auth-file lookup depends on besides the environment (injected in tests). */
export interface PodmanHost {
  platform: NodeJS.Platform;
  uid: number | undefined;
  /** Whether a directory exists (rootless podman's own runtime directory when XDG_RUNTIME_DIR is unset). */
  exists(dir: string): boolean;
}
const realPodmanHost: PodmanHost = { platform: process.platform, uid: process.getuid?.(), exists: existsSync };

/**
 * The file `podman login` writes, in podman's own lookup order: REGISTRY_AUTH_FILE, then DOCKER_CONFIG/config.json
 * (containers/common pkg/auth `GetDefaultAuthFile`), then containers/image's default (pkg/docker/config
 * `getPathToAuthWithOS`): $XDG_RUNTIME_DIR/containers/auth.json, else /run/containers/UID/auth.json; on macOS and
 * Windows $HOME/.config/containers/auth.json. Rootless podman with XDG_RUNTIME_DIR unset first sets it itself
 * to /run/user/UID when that exists (podman's `util.GetRuntimeDir`).
 */
export function podmanAuthFile(env: NodeJS.ProcessEnv = process.env, host: PodmanHost = realPodmanHost): string {
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  if (env.DOCKER_CONFIG) return path.join(env.DOCKER_CONFIG, 'config.json');
  if (host.platform !== 'linux')
    return (host.platform === 'win32' ? path.win32 : path.posix).join(env.HOME || env.USERPROFILE || homedir(), '.config', 'containers', 'auth.json');
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json');
  const uid = host.uid ?? 0;
  if (uid !== 0 && host.exists(`/run/user/${uid}`)) return `/run/user/${uid}/containers/auth.json`;
  return `/run/containers/${uid}/auth.json`;
}

export function configFileOf(engine: EngineName, env: NodeJS.ProcessEnv): string {
  return engine === 'podman' ? podmanAuthFile(env) : path.join(dockerConfigDir(env), 'config.json');
}

/** Read and parse the engine's config/auth file. */
export function readEngineConfig(engine: EngineName, env: NodeJS.ProcessEnv): ConfigRead {
  const file = configFileOf(engine, env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file, missing: true };
    return { file, error: `cannot be read (${code})`, ...(code ? { code } : {}) };
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { file, error: 'is not valid JSON (not a JSON object)' };
    return { file, config: parsed };
  } catch (e) {
    return { file, error: `is not valid JSON (${(e as Error).message.split('\n')[0]})` };
  }
}
