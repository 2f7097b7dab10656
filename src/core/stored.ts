/** The engine's stored logins: where they live and what is there (read only; secrets never printed). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dockerConfigDir, findOnPath, podmanAuthFile, type EngineName, type Runner } from './engine.js';

export interface EngineConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export type ConfigRead = { file: string; config?: EngineConfig; missing?: true } | { file: string; error: string; code?: string };

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
    return { file, config: parsed as EngineConfig };
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

/** The login stored for a registry: from its credential helper, else from `auths`. */
export async function readStoredLogin(config: EngineConfig | undefined, file: string, registry: string, env: NodeJS.ProcessEnv, run: Runner): Promise<StoredLogin | undefined> {
  const helper = config?.credHelpers?.[registry] ?? config?.credsStore;
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
