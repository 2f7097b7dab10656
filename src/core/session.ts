// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * The one verify-and-login use case: discovery → realm cache → verify → cache write → engine login → a typed
 * outcome, with progress through a callback. `verify`, `login`, the wizard and doctor all reach GitLab through it.
 */
import type { EngineChoice, EngineLoginResult, EngineName } from './engine.js';
import { loginAfterVerify, type PreparedLogin } from './login.js';
import type { Runner } from './process.js';
import { gitlabBase, parseGitlabUrl, parseRegistry, type RegistryAddress } from './hosts.js';
import { budget, type HttpClient } from './http.js';
import type { KnownRealm, RealmCache } from './realmcache.js';
import { findRegistry, noRegistryFound, type Discovery, type Sleep } from './registry.js';
import { accessOf, usernameOf, type LoginRequest } from './request.js';
import { verdict, type Verdict } from './verdict.js';
import { usernameOptional } from './credentials.js';
import { withoutSecret } from './secret.js';
import { verifyCredential, type Step, type VerifyRequest, type VerifyResult } from './verify.js';

export interface SessionInput {
  /** The resolved answers, with their sources (core/request.ts). */
  request: LoginRequest;
  token: string;
  /** Send the token to a realm on another host than the instance. */
  trustRealm: boolean;
}

/** Progress, for a spinner or a checklist. */
export type Progress = { kind: 'discovered'; registry: string } | { kind: 'step'; step: Step };

export interface SessionDeps {
  http: HttpClient;
  env: NodeJS.ProcessEnv;
  /** Remembered realms; none: the registry's challenge is always asked. */
  realmCache?: RealmCache;
  onProgress?: (p: Progress) => void;
  now?: () => number;
  /** How retries wait (tests: without real time passing). */
  sleep?: Sleep;
}

export interface LoginDeps {
  runner: Runner;
  engine: EngineChoice;
  timeoutMs: number;
  /** Keep this registry's login in docker's config file, not its credential helper (--insecure-storage). */
  insecureStorage?: boolean;
  /** A person is there: a credential helper may wait for a keyring unlock (longer limit, `onWait` after 3 s). */
  interactive?: boolean;
  onWait?: (line: string) => void;
  /** The engine and store already found (core/login.ts `PreparedLogin`): a retry does not look for them again. */
  prepared?: PreparedLogin;
}

export type SessionOutcome =
  /** No registry was given and none was found for the instance. */
  | { kind: 'no-registry'; verdict: Verdict; gitlab: string }
  /** Verified (verify), or a verification that failed (login does not go on). */
  | { kind: 'verified'; verify: VerifyResult }
  /** Verified, then the engine's login (or why there was none: no engine). */
  | { kind: 'logged-in'; verify: VerifyResult; engine: EngineName | null; login: EngineLoginResult | Verdict };

/** The registry of a request: the given one, else the one discovered for the instance, with the discovery (what it tried). */
export async function registryOf(http: HttpClient, request: LoginRequest): Promise<{ registry?: RegistryAddress; discovery?: Discovery }> {
  if (request.registry) return { registry: parseRegistry(request.registry.value) };
  if (!request.gitlab) return {};
  const discovery = await findRegistry(http, parseGitlabUrl(request.gitlab.value));
  return discovery.found ? { registry: parseRegistry(discovery.found.registry), discovery } : { discovery };
}

/** The instance a request names, as a trust anchor: not one the registry's realm named (source `realm`). */
export function instanceOf(r: LoginRequest): URL | undefined {
  return r.gitlab && r.gitlab.source !== 'realm' ? parseGitlabUrl(r.gitlab.value) : undefined;
}

/** The one place a VerifyRequest is assembled. The instance the realm named is no trust anchor: realm safety runs as without one. */
function verifyRequest(input: SessionInput, registry: RegistryAddress, knownRealm: KnownRealm | undefined): VerifyRequest {
  const r = input.request;
  const type = r.credentialType?.value;
  const username = usernameOf(r)?.value;
  if (!type || (username === undefined && !usernameOptional(type)))
    throw new Error('session: the request has no credential type or username (the caller checks completeness)');
  // An access token needs no username (GitLab ignores it): verify sends any login and reports the real account.
  const req: VerifyRequest = { registry, credentialType: type, username, token: input.token, access: accessOf(r), trustRealm: input.trustRealm };
  const gitlab = instanceOf(r);
  if (gitlab) req.gitlab = gitlab;
  if (r.project?.value) req.project = r.project.value;
  if (knownRealm) req.knownRealm = knownRealm;
  return req;
}

/** Discovery → realm cache → verify → cache write. */
export async function verifySession(input: SessionInput, sessionDeps: SessionDeps): Promise<SessionOutcome & { kind: 'no-registry' | 'verified' }> {
  // --timeout bounds the whole verification (discovery, every request and retry), not each request.
  const deps = { ...sessionDeps, http: budget(sessionDeps.http) };
  const { registry, discovery } = await registryOf(deps.http, input.request);
  if (!registry) {
    const g = input.request.gitlab ? parseGitlabUrl(input.request.gitlab.value) : undefined;
    if (!g || !discovery) throw new Error('session: the request has neither a registry nor an instance (the caller checks completeness)');
    return {
      kind: 'no-registry',
      gitlab: gitlabBase(g),
      verdict: verdict(
        'not-a-registry',
        noRegistryFound(g, discovery),
        "Pass --registry HOST[:PORT]: it is shown on any project's Deploy > Container registry page.",
      ),
    };
  }
  if (!input.request.registry) deps.onProgress?.({ kind: 'discovered', registry: registry.registry });
  const known = deps.realmCache?.get(registry.registry);
  const onStep = deps.onProgress ? (step: Step) => deps.onProgress?.({ kind: 'step', step: withoutToken(step, input.token) }) : undefined;
  const v = await verifyCredential(verifyRequest(input, registry, known), {
    http: deps.http,
    ...(onStep ? { onStep } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  if (v.ok && v.registryUrl && v.realm && (known?.realm !== v.realm || known.baseUrl !== v.registryUrl || (known.service ?? '') !== (v.service ?? ''))) {
    deps.realmCache?.set(registry.registry, { baseUrl: v.registryUrl, realm: v.realm, ...(v.service ? { service: v.service } : {}) });
  }
  return { kind: 'verified', verify: verifiedWithoutToken(v, input.token) };
}

/** A step with the token a server's answer put into it as [token] (GitLab never quotes it; a proxy's page or a debug build might). */
function withoutToken(step: Step, token: string): Step {
  return step.detail ? { ...step, detail: withoutSecret(step.detail, token) } : step;
}

/** A verification with the token replaced by [token] in its message, fix and steps: what every command prints or stores. */
function verifiedWithoutToken(v: VerifyResult, token: string): VerifyResult {
  return { ...v, message: withoutSecret(v.message, token), fix: withoutSecret(v.fix, token), steps: v.steps.map((s) => withoutToken(s, token)) };
}

/**
 * A credential verified against the registry's challenge the caller has just fetched (taken as the known realm: not
 * asked again, nothing written to the realm cache): status and doctor re-testing a login an engine stores, and
 * doctor's given token. Like every verifySession, the token in what an answer put into what it says is [token].
 */
export async function verifyOnChallenge(input: SessionInput, challenge: KnownRealm, deps: Omit<SessionDeps, 'realmCache'>): Promise<VerifyResult> {
  const realm: KnownRealm = { baseUrl: challenge.baseUrl, realm: challenge.realm, ...(challenge.service ? { service: challenge.service } : {}) };
  const outcome = await verifySession(input, { ...deps, realmCache: { get: () => realm, set: () => undefined } });
  // The request names the registry the challenge came from, so there is always a verification.
  if (outcome.kind !== 'verified') throw new Error('session: no registry to verify against');
  return outcome.verify;
}

/** The engine login after a verification that passed, as verified, with the token on stdin. */
export async function loginVerified(
  input: SessionInput,
  v: VerifyResult,
  deps: Pick<SessionDeps, 'env'> & LoginDeps,
): Promise<SessionOutcome & { kind: 'logged-in' }> {
  // The real account for an access token (GitLab ignores the login), else the login verified.
  const username = v.engineUsername ?? v.username;
  const { engine, result } = await loginAfterVerify(
    v,
    {
      choice: deps.engine,
      username,
      token: input.token,
      env: deps.env,
      timeoutMs: deps.timeoutMs,
      ...(deps.insecureStorage ? { insecureStorage: true } : {}),
      ...(deps.interactive ? { interactive: true } : {}),
      ...(deps.onWait ? { onWait: deps.onWait } : {}),
      ...(deps.prepared ? { prepared: deps.prepared } : {}),
    },
    deps.runner,
  );
  return { kind: 'logged-in', verify: v, engine, login: result };
}

/** Verify, then (only when it passed) the engine login. */
export async function loginSession(input: SessionInput, deps: SessionDeps & LoginDeps): Promise<SessionOutcome> {
  const verified = await verifySession(input, deps);
  if (verified.kind === 'no-registry' || !verified.verify.ok) return verified;
  return loginVerified(input, verified.verify, deps);
}
