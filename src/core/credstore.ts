// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * Where the engine keeps a registry's login, and whether that store answers: docker's credential helper
 * (`credHelpers[REG]`, else `credsStore`; `""` means the config file) or the file itself; podman's auth file.
 * Asked before `docker login` (so a broken helper stops us before docker runs), by `doctor`, `logout` and `status`.
 */
import { chmodSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { podmanAuthFile, readEngineConfig, type EngineConfig } from './authconfig.js';
import type { EngineName, Storage } from './engine.js';
import { childEnv, programText as helperText, type Runner } from './process.js';
import { findOnPath, type LookupHost } from './which.js';
import path from 'node:path';

/** How long a helper may take to answer `list`/`get` when nobody is there to unlock a keyring. */
export const HELPER_LIMIT_MS = 3000;
/** In a terminal or the wizard, a helper may be waiting for the person (keychain "Allow", keyring unlock). */
export const INTERACTIVE_HELPER_LIMIT_MS = 120_000;

/** Where docker keeps the login for one registry. */
export type StoreWhere =
  | {
      kind: 'file';
      file: string;
      /** `credHelpers[REG]` is `""`: docker's own per-registry opt-out of a credsStore. */
      optOut: boolean;
    }
  | {
      kind: 'helper';
      file: string;
      /** The helper's name: the program is `docker-credential-NAME`. */
      helper: string;
      /** Which setting names it: `credsStore`, or `credHelpers["REG"]`. */
      setBy: string;
      /** The program found on PATH (PATHEXT-aware), if any. */
      binary?: string;
    };

/** The config file could not be read as docker reads it. */
export interface ConfigProblem {
  file: string;
  detail: string;
}

/** The store docker uses for `registry`, exactly as docker/cli's `GetCredentialsStore` picks it. */
export function whereDockerKeeps(config: EngineConfig | undefined, file: string, registry: string, env: NodeJS.ProcessEnv, host?: LookupHost): StoreWhere {
  const own = config?.credHelpers && Object.hasOwn(config.credHelpers, registry) ? config.credHelpers[registry] : undefined;
  const helper = own ?? config?.credsStore;
  if (typeof helper !== 'string' || helper === '') return { kind: 'file', file, optOut: own === '' };
  const binary = findOnPath(`docker-credential-${helper}`, env, host);
  return { kind: 'helper', file, helper, setBy: own !== undefined ? `credHelpers["${registry}"]` : 'credsStore', ...(binary ? { binary } : {}) };
}

/** docker's store for a registry, and the config it was read from. */
export interface DockerStore {
  where: StoreWhere;
  config?: EngineConfig;
}

/** Read docker's config and locate the store for `registry`; a config docker cannot read is a problem of its own. */
export function locateDockerStore(registry: string, env: NodeJS.ProcessEnv, host?: LookupHost): DockerStore | { problem: ConfigProblem } {
  const read = readEngineConfig('docker', env);
  if ('error' in read) return { problem: { file: read.file, detail: read.error } };
  return { where: whereDockerKeeps(read.config, read.file, registry, env, host), ...(read.config ? { config: read.config } : {}) };
}

/** docker/cli's `ContainsAuth` (cli/config/configfile/file.go): a credsStore, any credHelpers, or any auths. */
function containsAuth(c: EngineConfig | undefined): boolean {
  return Boolean(c?.credsStore) || Object.keys(c?.credHelpers ?? {}).length > 0 || Object.keys(c?.auths ?? {}).length > 0;
}

/**
 * Where the engine keeps a login it has just stored. podman: its auth file. docker: the store found before it
 * ran (`before`: its config is not read again), unless that config held no login setting at all: docker then
 * picks its platform's helper itself and writes it as credsStore (docker/cli cli/config/config.go
 * `LoadDefaultConfigFile`: `if !configFile.ContainsAuth() { … DetectDefaultStore … }`), so it is read again.
 */
export function storageFor(engine: EngineName, registry: string, env: NodeJS.ProcessEnv = process.env, before?: DockerStore): Storage {
  if (engine === 'podman') return { kind: 'file', file: podmanAuthFile(env) };
  const found = before && containsAuth(before.config) ? before : locateDockerStore(registry, env);
  // A config docker cannot read: docker wrote the file.
  if ('problem' in found) return { kind: 'file', file: found.problem.file };
  const { where } = found;
  return where.kind === 'helper' ? { kind: 'helper', file: where.file, helper: where.helper } : { kind: 'file', file: where.file };
}

export type HelperAnswer =
  | { state: 'ok'; stdout: string }
  | { state: 'not-found' }
  | { state: 'missing' }
  | { state: 'failed'; message: string }
  | { state: 'timeout'; limitMs: number };

/** "credentials not found in native keychain" (docker-credential-helpers' ErrCredentialsNotFound), and kin. */
const NOT_FOUND = /credentials not found|not found in native keychain|no credentials|could not find|does not exist|item not found/i;

/**
 * Ask a helper `list` or `get` (the server address on stdin; never a secret going in). The answer to `get` holds
 * the secret: callers keep it in memory only.
 */
export async function askHelper(
  where: Extract<StoreWhere, { kind: 'helper' }>,
  op: 'list' | 'get',
  registry: string,
  env: NodeJS.ProcessEnv,
  run: Runner,
  limitMs = HELPER_LIMIT_MS,
  secret = '',
): Promise<HelperAnswer> {
  if (!where.binary) return { state: 'missing' };
  // The helper's environment holds no variable carrying the token (CI_JOB_TOKEN, CI_REGISTRY_PASSWORD in a job).
  const r = await run(where.binary, [op], { input: op === 'get' ? registry : '', env: childEnv(env, secret), timeoutMs: limitMs });
  if (r.notFound) return { state: 'missing' };
  if (r.timedOut) return { state: 'timeout', limitMs };
  const said = helperText([r.stdout, r.stderr].filter(Boolean).join(' '));
  if (r.exitCode !== 0) {
    if (op === 'get' && NOT_FOUND.test(said)) return { state: 'not-found' };
    return { state: 'failed', message: said || `exit status ${r.exitCode ?? 'unknown'}` };
  }
  if (op === 'list') {
    try {
      const j = JSON.parse(r.stdout || '{}') as unknown;
      if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error('not a JSON object');
    } catch {
      return { state: 'failed', message: `answered \`list\` with something other than JSON: ${helperText(r.stdout, 120)}` };
    }
  }
  return { state: 'ok', stdout: r.stdout };
}

/** glab's helper (`glab auth configure-docker`) hands docker glab's own login and refuses `docker login`/`list`. */
export const isGlab = (helper: string) => helper === 'glab';

/** What the person can do about a helper, by helper. */
export function helperAdvice(helper: string): string {
  const name = `docker-credential-${helper}`;
  switch (helper) {
    case 'desktop':
      return `${name} comes with Docker Desktop: start Docker Desktop; under WSL turn on its WSL integration so ${name}.exe is on PATH.`;
    case 'secretservice':
      return `${name} needs a desktop keyring (GNOME Keyring, KWallet) over D-Bus: log in to a desktop session and unlock the keyring; on a headless machine use docker-credential-pass instead.`;
    case 'pass':
      return `${name} needs \`pass\` set up: \`gpg --generate-key\`, then \`pass init YOUR-GPG-KEY-ID\`.`;
    case 'osxkeychain':
      return 'Unlock the login keychain (Keychain Access, or `security unlock-keychain`).';
    case 'wincred':
      return 'Windows Credential Manager is not reachable from this session (SSH and service accounts have none): log in to the desktop.';
    case 'glab':
      return 'glab gives docker its own login: run `glab auth login` for this instance, and docker uses it (no `docker login` needed).';
    default:
      return `Check that ${name} works: \`${name} list\`.`;
  }
}

/** `docker-credential-NAME (credsStore in FILE)`: the helper and the setting that names it. */
export function describeHelper(where: Extract<StoreWhere, { kind: 'helper' }>): string {
  return `docker-credential-${where.helper} (${where.setBy} in ${where.file})`;
}

/** One line for what went wrong with a helper. */
export function describeAnswer(
  where: Extract<StoreWhere, { kind: 'helper' }>,
  a: Exclude<HelperAnswer, { state: 'ok' } | { state: 'not-found' }>,
  op: 'list' | 'get' | 'store',
): string {
  const name = `docker-credential-${where.helper}`;
  switch (a.state) {
    case 'missing':
      return `${name} is not on PATH`;
    case 'timeout':
      return `${name} did not answer \`${op}\` within ${Math.round(a.limitMs / 1000)} s and was stopped`;
    case 'failed':
      return `${name} failed: ${a.message}`;
  }
}

/** What `status`, `doctor`, `logout` and `renew` need: where REG's login is kept, and what that store says. */
export type StoreAnswer =
  | { state: 'logged-in'; where: StoreWhere | { kind: 'podman'; file: string }; username: string; /** In memory only. */ secret?: string; source: string }
  | { state: 'not-logged-in'; where: StoreWhere | { kind: 'podman'; file: string } }
  | { state: 'unreadable'; where?: StoreWhere | { kind: 'podman'; file: string }; message: string };

/** The login in a docker/podman config file's `auths`, if any. */
export function fromAuths(config: EngineConfig | undefined, registry: string): { username: string; secret: string } | undefined {
  const entry = config?.auths?.[registry] ?? config?.auths?.[`https://${registry}`];
  if (entry?.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) return { username: decoded.slice(0, i), secret: decoded.slice(i + 1) };
  } else if (entry?.username && entry.password) return { username: entry.username, secret: entry.password };
  return undefined;
}

/**
 * Which helper or file holds REG's login for `engine`, and ask it (docker: the helper's `get`, or `list` when
 * only the username is wanted; podman: `podman login --get-login`), each bounded by `limitMs` (default 3 s).
 * With `op: 'get'` a found login carries its secret, in memory only.
 */
export async function askStore(
  req: {
    engine: EngineName;
    engineFile?: string;
    registry: string;
    env: NodeJS.ProcessEnv;
    op?: 'list' | 'get';
    limitMs?: number;
    host?: LookupHost;
    /** A token in memory: no child's environment may carry it. */ secret?: string;
  },
  run: Runner,
): Promise<StoreAnswer> {
  const op = req.op ?? 'get';
  const limitMs = req.limitMs ?? HELPER_LIMIT_MS;
  if (req.engine === 'podman') return askPodman(req.registry, req.env, run, limitMs, req.engineFile, op, req.secret ?? '');
  const located = locateDockerStore(req.registry, req.env, req.host);
  if ('problem' in located) return { state: 'unreadable', message: `${located.problem.file} ${located.problem.detail}` };
  const { where } = located;
  if (where.kind === 'file') {
    const found = fromAuths(located.config, req.registry);
    if (!found) return { state: 'not-logged-in', where };
    return { state: 'logged-in', where, username: found.username, ...(op === 'get' ? { secret: found.secret } : {}), source: where.file };
  }
  // glab's helper has no `list`: ask it `get`, and keep the secret only if it was asked for.
  const ask = isGlab(where.helper) ? 'get' : op;
  const a = await askHelper(where, ask, req.registry, req.env, run, limitMs, req.secret ?? '');
  if (a.state === 'not-found') return { state: 'not-logged-in', where };
  if (a.state !== 'ok') return { state: 'unreadable', where, message: describeAnswer(where, a, ask) };
  const source = `docker-credential-${where.helper}`;
  if (ask === 'list') {
    const list = JSON.parse(a.stdout || '{}') as Record<string, unknown>;
    const key = [req.registry, `https://${req.registry}`].find((k) => typeof list[k] === 'string');
    return key ? { state: 'logged-in', where, username: String(list[key]), source } : { state: 'not-logged-in', where };
  }
  try {
    const j = JSON.parse(a.stdout) as { Username?: unknown; Secret?: unknown };
    if (typeof j.Username === 'string' && typeof j.Secret === 'string' && j.Secret !== '') {
      return { state: 'logged-in', where, username: j.Username, ...(op === 'get' ? { secret: j.Secret } : {}), source };
    }
    return { state: 'not-logged-in', where };
  } catch {
    return { state: 'unreadable', where, message: `docker-credential-${where.helper} answered \`get\` with something other than JSON` };
  }
}

/** podman: ask podman itself whether it holds a login (`podman login --get-login REG`); the file from its lookup order. */
async function askPodman(
  registry: string,
  env: NodeJS.ProcessEnv,
  run: Runner,
  limitMs: number,
  engineFile: string | undefined,
  op: 'list' | 'get',
  hide: string,
): Promise<StoreAnswer> {
  const file = podmanAuthFile(env);
  const where = { kind: 'podman' as const, file };
  const podman = engineFile ?? findOnPath('podman', env);
  if (!podman) return { state: 'unreadable', where, message: 'podman is not on PATH' };
  const r = await run(podman, ['login', '--get-login', registry], { input: '', env: childEnv(env, hide), timeoutMs: Math.max(limitMs, 10_000) });
  if (r.timedOut)
    return {
      state: 'unreadable',
      where,
      message: `\`podman login --get-login ${registry}\` did not answer within ${Math.round(Math.max(limitMs, 10_000) / 1000)} s`,
    };
  const said = helperText(`${r.stdout} ${r.stderr}`);
  if (r.exitCode !== 0) {
    if (/not logged in/i.test(said)) return { state: 'not-logged-in', where };
    return { state: 'unreadable', where, message: `podman login --get-login failed: ${said}` };
  }
  const username = r.stdout.trim().split('\n')[0] ?? '';
  let secret: string | undefined;
  if (op === 'get') {
    const read = readEngineConfig('podman', env);
    secret = 'config' in read ? fromAuths(read.config, registry)?.secret : undefined;
  }
  return { state: 'logged-in', where, username, ...(secret ? { secret } : {}), source: file };
}

/** A change to docker's config that can be undone byte for byte. */
export interface ConfigEdit {
  file: string;
  /** The exact bytes before the change. */
  before: Buffer;
  /** A copy of `before`, kept for the person (removed again when the change is undone). */
  backup: string;
}

/**
 * `--insecure-storage`: keep this one registry's login in the file, as docker itself allows with
 * `credHelpers[REG] = ""` (docker/cli `getConfiguredCredentialStore`: an entry that exists wins over credsStore,
 * and "" is the file store). The config is backed up first; credsStore and every other entry stay as they were.
 */
export function optOutOfHelper(file: string, registry: string, now = new Date()): ConfigEdit | ConfigProblem {
  let before: Buffer;
  let real: string;
  let mode: number;
  try {
    real = realpathSync(file);
    before = readFileSync(real);
    mode = statSync(real).mode & 0o777;
  } catch (e) {
    return { file, detail: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  let config: EngineConfig & Record<string, unknown>;
  try {
    const parsed = JSON.parse(before.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    config = parsed as EngineConfig & Record<string, unknown>;
  } catch (e) {
    return { file, detail: `is not valid JSON (${(e as Error).message.split('\n')[0]})` };
  }
  const helpers = config.credHelpers && typeof config.credHelpers === 'object' ? config.credHelpers : {};
  config.credHelpers = { ...helpers, [registry]: '' };
  const backup = `${file}.backup-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    writeFileSync(backup, before, { mode: 0o600, flag: 'wx' });
    // docker writes its config with tab indentation (docker/cli configfile `SaveToWriter`).
    writeAtomic(real, Buffer.from(JSON.stringify(config, null, '\t')), mode);
  } catch (e) {
    rmSync(backup, { force: true });
    return { file, detail: `cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  return { file, before, backup };
}

/** Put the config back exactly as it was, and drop the backup that is no longer needed. */
export function undoEdit(edit: ConfigEdit): void {
  const real = realpathSync(edit.file);
  writeAtomic(real, edit.before, statSync(real).mode & 0o777);
  rmSync(edit.backup, { force: true });
}

/** Write through a temporary file in the same folder and rename, so a crash never leaves half a config. */
function writeAtomic(file: string, data: Buffer, mode: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data, { mode, flag: 'w' });
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
