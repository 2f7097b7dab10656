/** Docker's and podman's credential config: where the logins live and what is there (read only; secrets never printed). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { homedir } from 'node:os';
import type { EngineName, Storage } from './engine.js';
import type { Runner } from './process.js';
import { findOnPath } from './which.js';

export interface EngineConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export type ConfigRead = { file: string; config?: EngineConfig; missing?: true } | { file: string; error: string; code?: string };

export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || homedir(), '.docker');
}

export function podmanAuthFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json');
  return path.join(env.HOME || homedir(), '.config', 'containers', 'auth.json');
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

export interface StoredLogin {
  username: string;
  secret: string;
  /** The config file, or `docker-credential-NAME`. */
  source: string;
}

/** The credential helper docker uses for a registry: its own in credHelpers, else credsStore. */
export function helperFor(config: EngineConfig | undefined, registry: string): string | undefined {
  const helper = config?.credHelpers?.[registry] ?? config?.credsStore;
  return typeof helper === 'string' && helper !== '' ? helper : undefined;
}

export function storageFor(engine: EngineName, registry: string, env: NodeJS.ProcessEnv = process.env): Storage {
  if (engine === 'podman') return { kind: 'file', file: podmanAuthFile(env) };
  const read = readEngineConfig('docker', env);
  // No config yet, or not JSON: docker writes the file.
  const helper = 'config' in read ? helperFor(read.config, registry) : undefined;
  return helper ? { kind: 'helper', file: read.file, helper } : { kind: 'file', file: read.file };
}

/** The login stored for a registry: from its credential helper, else from `auths`. */
export async function readStoredLogin(config: EngineConfig | undefined, file: string, registry: string, env: NodeJS.ProcessEnv, run: Runner): Promise<StoredLogin | undefined> {
  const helper = helperFor(config, registry);
  const helperFile = helper ? findOnPath(`docker-credential-${helper}`, env) : undefined;
  if (helper && helperFile) {
    const r = await run(helperFile, ['get'], { input: registry, env, timeoutMs: 5000 });
    try {
      const j = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
      if (r.exitCode === 0 && j.Username && j.Secret) return { username: j.Username, secret: j.Secret, source: `docker-credential-${helper}` };
    } catch {
      /* none stored */
    }
    return undefined;
  }
  const entry = config?.auths?.[registry] ?? config?.auths?.[`https://${registry}`];
  if (entry?.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) return { username: decoded.slice(0, i), secret: decoded.slice(i + 1), source: file };
  } else if (entry?.username && entry.password) return { username: entry.username, secret: entry.password, source: file };
  return undefined;
}
