// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * `status`: every registry login the engines hold, and for each that answers like GitLab, a re-test of the stored
 * credential through the one flow (core/session.ts). docker: config.json's `auths`, what the `credsStore` helper
 * `list`s and the registries of `credHelpers` (as docker/cli's configfile `GetAllCredentials` gathers them);
 * podman: its auth file (core/authconfig.ts `podmanAuthFile`). Each store is asked within 3 s (core/credstore.ts),
 * each re-test is bounded by the run's timeout, and the logins are tested concurrently.
 */
import { configFileOf, readEngineConfig, podmanAuthFile, type EngineConfig } from './authconfig.js';
import {
  askHelper,
  askStore,
  describeAnswer,
  helperAdvice,
  HELPER_LIMIT_MS,
  locateDockerStore,
  whereDockerKeeps,
  type StoreAnswer,
  type StoreWhere,
} from './credstore.js';
import { kindName, typeForStored, type CredentialType } from './credentials.js';
import type { EngineChoice, EngineName } from './engine.js';
import { parseRegistry, type RegistryAddress } from './hosts.js';
import { budget, type HttpClient } from './http.js';
import type { Runner } from './process.js';
import { fetchChallenge, type RegistryChallenge } from './registry.js';
import type { LoginRequest } from './request.js';
import { verifyOnChallenge } from './session.js';
import type { Remembered } from './remembered.js';
import { expiryWarning, type TokenInfo } from './tokeninfo.js';
import type { Result } from './verdict.js';
import { findOnPath, type LookupHost } from './which.js';
import { sanitise } from './sanitise.js';

/** Where a login's secret lives, as status reports it. */
export type LoginStorage = { kind: 'file'; file: string; encrypted: false } | { kind: 'helper'; helper: string; setBy: string; file: string };

/** One stored login, and what its re-test found. */
export interface LoginStatus {
  /** The registry as docker names it (host[:port]); the config's own key when it is not one. */
  registry: string;
  engine: EngineName;
  /** The username stored with the engine (null when the store could not be read). */
  username: string | null;
  storage: LoginStorage | null;
  /**
   * `ok`: the stored credential works; `failed`: it does not, or its store cannot be read (a GitLab registry);
   * `not-checked`: the registry does not answer like GitLab (or could not be reached and is not known to be one).
   */
  state: 'ok' | 'failed' | 'not-checked';
  /** The GitLab instance the registry's realm names, when it answers like GitLab. */
  gitlab: string | null;
  /** Who GitLab says the credential belongs to. */
  account: string | null;
  credentialType: CredentialType | null;
  /** The project pull was re-tested on (remembered for this registry), or null: the credential alone. */
  project: string | null;
  /** The verification's verdict (`store-failed` when the helper could not be asked); null when not checked. */
  verdict: string | null;
  message: string;
  fix: string | null;
  /** A personal/project/group access token's record from GitLab (see verify's `token`), else null. */
  token: TokenInfo | null;
  warnings: string[];
}

export interface StatusReport {
  ok: boolean;
  logins: LoginStatus[];
  /** Warnings about the whole setup (DOCKER_AUTH_CONFIG set). */
  warnings: string[];
  /** Stores that could not be listed (a config that is not JSON, a credsStore whose `list` fails). */
  problems: string[];
}

export interface StatusInput {
  /** Only this registry (host[:port]). */
  registry?: string;
  engine: EngineChoice;
  timeoutMs: number;
  trustRealm?: boolean;
}

export interface StatusDeps {
  http: HttpClient;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  /** The remembered answers for a registry (core/remembered.ts `rememberedFor`). */
  remembered?: (registry: string) => Remembered | undefined;
  host?: LookupHost;
  now?: () => number;
}

/** A login found in a store's listing: the key as the store spells it, and the registry it names. */
export interface ListedLogin {
  engine: EngineName;
  key: string;
  registry: string;
}

/**
 * The registry a config key names, as docker's `ConvertToHostname` reads it: the scheme and any path dropped
 * (`https://index.docker.io/v1/` is `index.docker.io`). podman's per-repository keys (`host/namespace`) name their host.
 */
export function registryOfKey(key: string): string {
  return key
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
}

/**
 * GitLab's registry challenge names GitLab's JWT endpoint as its realm: `GITLAB/jwt/auth` (config/routes.rb
 * `get 'jwt/auth' => 'jwt#auth'`; the registry's `auth.token.realm`, doc/administration/packages/container_registry.md).
 */
export function answersLikeGitlab(c: Pick<RegistryChallenge, 'realm'>): boolean {
  try {
    return /\/jwt\/auth$/.test(new URL(c.realm).pathname);
  } catch {
    return false;
  }
}

/** The registries DOCKER_AUTH_CONFIG holds logins for (its `auths` keys), or undefined when it is unset or not JSON. */
export function envAuthRegistries(env: NodeJS.ProcessEnv): string[] | undefined {
  const raw = env.DOCKER_AUTH_CONFIG;
  if (!raw) return undefined;
  try {
    const j = JSON.parse(raw) as { auths?: unknown };
    return j && typeof j.auths === 'object' && j.auths !== null ? Object.keys(j.auths).map(registryOfKey) : [];
  } catch {
    return [];
  }
}

/**
 * The warning about the whole setup: docker/cli (cli/command/registry/warning.go `maybePrintEnvAuthWarning`)
 * prints "DOCKER_AUTH_CONFIG is set and takes precedence" whenever the variable is set: its logins are used
 * before the config file's (cli/config/configfile `GetCredentialsStore`, the memory store over the file one).
 */
export function setupWarnings(env: NodeJS.ProcessEnv, engines: EngineName[]): string[] {
  const regs = envAuthRegistries(env);
  if (regs === undefined || !engines.includes('docker')) return [];
  const which = regs.length ? ` (it holds logins for ${regs.map((r) => sanitise(r, 80)).join(', ')})` : '';
  return [
    `DOCKER_AUTH_CONFIG is set and takes precedence over the config file${which}: docker uses its logins, not the ones stored below. Unset DOCKER_AUTH_CONFIG to restore docker's own behaviour.`,
  ];
}

/**
 * The warnings of one login, from one place (status prints them; a "renew it now" hint is one more line here):
 * the secret kept unencrypted, a token that expires within 14 days, a login DOCKER_AUTH_CONFIG overrides.
 */
export function loginWarnings(
  l: Pick<LoginStatus, 'registry' | 'engine' | 'storage' | 'token' | 'gitlab' | 'credentialType' | 'project'>,
  env: NodeJS.ProcessEnv,
): string[] {
  const out: string[] = [];
  // docker's own words after such a login (docker/cli cli/command/registry/login.go `unencryptedWarning`).
  if (l.storage?.kind === 'file')
    out.push(
      `Your credentials are stored unencrypted in ${l.storage.file}: configure a credential helper to keep them in your keyring (https://docs.docker.com/go/credential-store/).`,
    );
  const expiring =
    l.token && l.credentialType ? expiryWarning(l.token, l.gitlab ?? undefined, l.credentialType, l.project ?? undefined, l.registry) : undefined;
  if (expiring) out.push(expiring);
  if (l.engine === 'docker' && envAuthRegistries(env)?.includes(l.registry))
    out.push(`DOCKER_AUTH_CONFIG holds a login for ${l.registry} too: docker uses that one, not this.`);
  return out;
}

/** What an engine's store lists: docker's config (and its helpers' `list`), or podman's auth file. */
async function listDocker(
  env: NodeJS.ProcessEnv,
  run: Runner,
  host: LookupHost | undefined,
  problems: string[],
): Promise<{ keys: string[]; failedHelpers: Map<string, string> }> {
  const failedHelpers = new Map<string, string>();
  const read = readEngineConfig('docker', env);
  if ('error' in read) {
    problems.push(`${read.file} ${read.error}: docker cannot read its logins either.`);
    return { keys: [], failedHelpers };
  }
  const config: EngineConfig | undefined = read.config;
  const keys = [...Object.keys(config?.auths ?? {})];
  // The default store's listing (docker's nativeStore.GetAll): credsStore's `list`.
  const where = whereDockerKeeps(config, read.file, '', env, host);
  if (where.kind === 'helper') {
    const a = await askHelper(where, 'list', '', env, run, HELPER_LIMIT_MS);
    if (a.state === 'ok') keys.push(...Object.keys(JSON.parse(a.stdout || '{}') as object));
    else if (a.state !== 'not-found') {
      const said = describeAnswer(where, a, 'list');
      failedHelpers.set(where.helper, said);
      problems.push(`${said} (credsStore in ${read.file}): the logins it keeps cannot be listed.`);
    }
  }
  // Registry-specific helpers (docker asks each for its own registry); "" means the file.
  for (const [reg, helper] of Object.entries(config?.credHelpers ?? {})) if (typeof helper === 'string' && helper !== '') keys.push(reg);
  return { keys, failedHelpers };
}

function listPodman(env: NodeJS.ProcessEnv, problems: string[]): string[] {
  const read = readEngineConfig('podman', env);
  if ('error' in read) {
    problems.push(`${read.file} ${read.error}: podman cannot read its logins either.`);
    return [];
  }
  return Object.keys(read.config?.auths ?? {});
}

/**
 * The engines status reads: the one asked for, else docker's config and (when podman is here and keeps another
 * file) podman's; with podman among them, its program, looked up on PATH once for the whole run.
 */
export function enginesFor(choice: EngineChoice, env: NodeJS.ProcessEnv, host?: LookupHost): { engines: EngineName[]; podman?: string } {
  if (choice === 'docker') return { engines: ['docker'] };
  const podman = findOnPath('podman', env, host);
  const found = podman ? { podman } : {};
  if (choice === 'podman') return { engines: ['podman'], ...found };
  const podmanOwnFile = podmanAuthFile(env) !== configFileOf('docker', env);
  return podman && podmanOwnFile ? { engines: ['docker', 'podman'], ...found } : { engines: ['docker'] };
}

function storageOf(where: StoreWhere | { kind: 'podman'; file: string } | undefined): LoginStorage | null {
  if (!where) return null;
  if (where.kind === 'helper') return { kind: 'helper', helper: where.helper, setBy: where.setBy, file: where.file };
  return { kind: 'file', file: where.file, encrypted: false };
}

/** Every login the engines hold (one per engine and registry), then each one's status, concurrently. */
export async function runStatus(input: StatusInput, deps: StatusDeps): Promise<StatusReport> {
  const env = deps.env;
  const { engines, podman } = enginesFor(input.engine, env, deps.host);
  const problems: string[] = [];
  const listed: ListedLogin[] = [];
  const failedHelpers = new Map<string, string>();
  for (const engine of engines) {
    let keys: string[];
    if (engine === 'docker') {
      const d = await listDocker(env, deps.runner, deps.host, problems);
      keys = d.keys;
      for (const [k, v] of d.failedHelpers) failedHelpers.set(k, v);
    } else keys = listPodman(env, problems);
    const seen = new Set<string>();
    for (const key of keys) {
      const registry = registryOfKey(key);
      if (!registry || seen.has(registry) || (input.registry && registry !== input.registry)) continue;
      seen.add(registry);
      listed.push({ engine, key, registry });
    }
  }
  const results = await Promise.all(listed.map((l) => statusOf(l, input, deps, failedHelpers, podman)));
  const logins = results.filter((r): r is LoginStatus => r !== undefined);
  return {
    ok: problems.length === 0 && logins.every((l) => l.state !== 'failed'),
    logins,
    warnings: setupWarnings(env, engines),
    problems,
  };
}

type Base = Omit<LoginStatus, 'state' | 'verdict' | 'message' | 'warnings'>;

/** Ask the store for one login (the secret stays in memory), and, when the registry answers like GitLab, re-test it. */
async function statusOf(
  l: ListedLogin,
  input: StatusInput,
  deps: StatusDeps,
  failedHelpers: Map<string, string>,
  podman: string | undefined,
): Promise<LoginStatus | undefined> {
  const env = deps.env;
  const http = budget(deps.http, input.timeoutMs);
  let address: RegistryAddress | undefined;
  try {
    address = parseRegistry(l.registry);
  } catch {
    address = undefined;
  }
  // The store and the registry's challenge (no credential in it) are asked at the same time.
  const where = l.engine === 'docker' ? locate(l, env, deps.host) : undefined;
  const brokenHelper = where?.kind === 'helper' ? failedHelpers.get(where.helper) : undefined;
  const [store, challenge] = await Promise.all([
    brokenHelper
      ? Promise.resolve<StoreAnswer>({ state: 'unreadable', ...(where ? { where } : {}), message: brokenHelper })
      : askStore(
          { engine: l.engine, ...(podman ? { engineFile: podman } : {}), registry: l.key, env, op: 'get', ...(deps.host ? { host: deps.host } : {}) },
          deps.runner,
        ),
    address ? fetchChallenge(http, address) : Promise.resolve(undefined),
  ]);
  if (store.state === 'not-logged-in') return undefined; // an empty `auths` entry: docker holds no login there
  const remembered = deps.remembered?.(l.registry);
  const base: Base = {
    registry: l.registry,
    engine: l.engine,
    username: store.state === 'logged-in' ? sanitise(store.username, 100) : null,
    storage: storageOf(store.where),
    gitlab: null,
    account: null,
    credentialType: null,
    project: null,
    token: null,
    fix: null,
  };
  if (challenge === undefined || !challenge.ok || !answersLikeGitlab(challenge.value)) return finish(notGitlab(l, base, challenge, store, remembered), env);
  if (store.state === 'unreadable') {
    const fix =
      store.where?.kind === 'helper'
        ? `Docker cannot read it either. ${helperAdvice(store.where.helper)}`
        : `Check ${store.where?.file ?? "docker's config file"}.`;
    return finish({ ...base, state: 'failed', verdict: 'store-failed', message: `The login cannot be read: ${store.message}.`, fix }, env);
  }
  if (!store.secret) {
    const message = `The stored secret for ${store.username} could not be read from ${store.source}.`;
    return finish({ ...base, state: 'failed', verdict: 'store-failed', message }, env);
  }
  return finish(
    await retest(l, base, { username: store.username, secret: store.secret }, challenge.value, remembered, {
      ...input,
      http,
      env,
      ...(deps.now ? { now: deps.now } : {}),
    }),
    env,
  );
}

/** A login whose registry does not answer like GitLab: not checked; or, when it is known to be GitLab's (remembered) and cannot be reached, failed. */
function notGitlab(
  l: ListedLogin,
  base: Base,
  challenge: Result<RegistryChallenge> | undefined,
  store: StoreAnswer,
  remembered: Remembered | undefined,
): Omit<LoginStatus, 'warnings'> {
  if (challenge?.ok === false && remembered && ['unreachable', 'tls-error'].includes(challenge.verdict.verdict))
    return { ...base, state: 'failed', ...challenge.verdict };
  const why = !challenge
    ? `${sanitise(l.key, 100)} is not a registry address`
    : !challenge.ok
      ? challenge.verdict.message
      : `${l.registry} does not answer like a GitLab registry (its token realm is ${sanitise(challenge.value.realm, 100)})`;
  const storeNote = store.state === 'unreadable' ? ` The login could not be read: ${store.message}.` : '';
  return { ...base, state: 'not-checked', verdict: null, message: `Not checked: ${why}${storeNote}` };
}

/**
 * The stored credential through the one flow (core/session.ts), with the challenge just fetched as the known realm:
 * pull on the project remembered for this registry, else the credential alone. The secret stays in memory.
 */
async function retest(
  l: ListedLogin,
  base: Base,
  stored: { username: string; secret: string },
  c: RegistryChallenge,
  remembered: Remembered | undefined,
  o: { http: HttpClient; env: NodeJS.ProcessEnv; trustRealm?: boolean; now?: () => number },
): Promise<Omit<LoginStatus, 'warnings'>> {
  const type = typeForStored(stored.username, remembered?.credentialType);
  const request: LoginRequest = {
    registry: { value: l.registry, source: 'engine-config' },
    ...(remembered?.gitlab ? { gitlab: { value: remembered.gitlab, source: 'remembered' as const } } : {}),
    credentialType: { value: type, source: remembered?.credentialType === type ? 'remembered' : 'engine-config' },
    username: { value: stored.username, source: 'engine-config' },
    access: { value: 'pull', source: 'engine-config' },
    ...(remembered?.project ? { project: { value: remembered.project, source: 'remembered' as const } } : {}),
  };
  const v = await verifyOnChallenge({ request, token: stored.secret, trustRealm: o.trustRealm ?? false }, c, {
    http: o.http,
    env: o.env,
    ...(o.now ? { now: o.now } : {}),
  });
  return {
    ...base,
    state: v.ok ? 'ok' : 'failed',
    gitlab: v.gitlab ?? null,
    account: v.account ?? null,
    credentialType: v.credentialType,
    project: v.project ?? null,
    token: v.token ?? null,
    verdict: v.verdict,
    // verify's "No --project was given" is about flags; here no project is remembered for the registry.
    message:
      v.ok && !v.project
        ? `${v.account ?? stored.username} (${kindName(v.credentialType)}) is valid and has registry access on ${l.registry}; pull was not tried on a project (none is remembered for this registry).`
        : v.message,
    fix: v.ok ? null : v.fix,
  };
}

function locate(l: ListedLogin, env: NodeJS.ProcessEnv, host: LookupHost | undefined): StoreWhere | undefined {
  const found = locateDockerStore(l.key, env, host);
  return 'where' in found ? found.where : undefined;
}

/** The one point a login's status is built: what it quotes from a file or a server is sanitised here; fields in the schema's order. */
function finish(s: Omit<LoginStatus, 'warnings'>, env: NodeJS.ProcessEnv): LoginStatus {
  return {
    registry: sanitise(s.registry, 200),
    engine: s.engine,
    state: s.state,
    verdict: s.verdict,
    message: sanitise(s.message),
    fix: s.fix === null ? null : sanitise(s.fix),
    username: s.username,
    storage: s.storage,
    gitlab: s.gitlab,
    account: s.account,
    credentialType: s.credentialType,
    project: s.project,
    token: s.token,
    warnings: loginWarnings(s, env).map((w) => sanitise(w)),
  };
}
