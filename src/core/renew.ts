// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * `renew`: rotate the access token an engine holds for a registry through GitLab, and log in with its successor.
 * The CLI (`gitlab-registry-login renew`) and the wizard's renew key both call `renewToken`; nothing else rotates.
 *
 * GitLab's side (gitlabhq/gitlabhq):
 * - `POST /api/v4/personal_access_tokens/self/rotate` (lib/api/personal_access_tokens/self_rotation.rb; GitLab
 *   16.10+, MR !142664; personal, project and group access tokens alike, their bots' tokens being
 *   PersonalAccessTokens): allowed for the `api` or `self_rotate` scope (`self_rotate`: MR !178111, in GitLab 17.9 as gitlab-org/gitlab#524639 reports it on 17.9.1),
 *   else 403 insufficient_scope; `expires_at` optional (a date), default one week
 *   (app/services/personal_access_tokens/rotate_service.rb `EXPIRATION_PERIOD = 1.week`);
 * - the rotation revokes the token and creates its successor (same name, description, scopes) in one
 *   transaction: a successor the model refuses (an `expires_at` past the instance's maximum lifetime,
 *   app/models/personal_access_token.rb `expires_at_before_instance_max_expiry_date`, 365 days) is a 400 and the
 *   old token stays as it was;
 * - presenting a revoked token to a rotation path revokes the whole family rotated from it
 *   (lib/gitlab/auth/auth_finders.rb `revoke_token_family`; app/services/personal_access_tokens/
 *   revoke_token_family_service.rb; gitlab-org/gitlab#524639). So a rotation whose answer was lost is never sent
 *   again: GitLab is asked (GET …/self, which revokes nothing) whether the old token is still active, and the
 *   person is told what is known.
 *
 * Order, so that a refusal changes nothing: the stored credential → the one verification (core/session.ts, with
 * the token's record from GET /personal_access_tokens/self) → the scope → the engine's store accepts a new secret
 * → rotate → verify the successor exactly as `login` does and store it with the engine → on a store failure:
 * retry, then this registry's login in the file (`--insecure-storage`'s mechanism), then, only when a person
 * asks at a terminal, the successor shown once. The successor never goes to a log, a file of this tool, or argv.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { podmanAuthFile } from './authconfig.js';
import { askStore, HELPER_LIMIT_MS, INTERACTIVE_HELPER_LIMIT_MS, type DockerStore } from './credstore.js';
import { MAX_RENEW_DAYS } from './choices.js';
import type { CredentialType } from './credentials.js';
import { addSecret } from './debug.js';
import { engineAnswered, resolveEngine, type EngineLoginResult, type EngineName, type Storage } from './engine.js';
import { HttpError, type HttpClient } from './http.js';
import { checkStoreBeforeLogin, isStoreFailure } from './login.js';
import type { LoginRequest } from './request.js';
import { sanitise } from './sanitise.js';
import { loginVerified, verifySession, type LoginDeps, type Progress, type SessionDeps } from './session.js';
import { callTokenApi, canSelfRotate, expiryLine, fetchTokenInfo, hasTokenInfo, successorLink, type TokenInfo } from './tokeninfo.js';
import { failure, success, verdict, type Result, type Verdict, type VerdictCode } from './verdict.js';
import type { VerifyResult } from './verify.js';

/** renew's own verdicts, beside core/verdict.ts's (which verify, login and doctor share). */
export const RENEW_VERDICTS = ['no-rotate-scope', 'not-logged-in', 'rotation-unknown'] as const;
export type RenewVerdictCode = VerdictCode | (typeof RENEW_VERDICTS)[number];

export interface RenewVerdict {
  verdict: RenewVerdictCode;
  message: string;
  fix: string;
}

/** Exit codes: 0 renewed · 1 refused or not stored · 3 GitLab unreachable, or the rotation's answer lost. */
export function renewExitCode(code: RenewVerdictCode): number {
  if (code === 'ok') return 0;
  if (code === 'rotation-unknown' || code === 'unreachable' || code === 'tls-error' || code === 'not-a-registry' || code === 'ip-blocked') return 3;
  return 1;
}

export interface RenewInput {
  /** The answers for the registry (core/request.ts): the registry itself, and the remembered project and access. */
  request: LoginRequest;
  /** `--days`: the successor's lifetime; default the token's previous lifetime, at most 365. */
  days?: number;
  /** `--token-stdin`: the token to rotate; default the one the engine holds for the registry. */
  token?: string;
  trustRealm?: boolean;
}

export type RenewProgress =
  /** The token to rotate was read (from the engine's store, or stdin). */
  | { kind: 'read'; from: string }
  /** A step of a verification (the old token's, then the successor's). */
  | { kind: 'session'; token: 'current' | 'successor'; progress: Progress }
  /** GitLab's record of the token; it may rotate itself. */
  | { kind: 'checked'; name: string; scopes: string[]; expiresAt: string | null }
  /** About to rotate: the old token is revoked by GitLab the moment this is answered. */
  | { kind: 'rotating'; expiresAt: string }
  | { kind: 'rotated'; expiresAt: string | null }
  /** Storing the successor: with the engine, again, or in the file for this registry only. */
  | { kind: 'storing'; how: 'engine' | 'retry' | 'file' };

/**
 * What a renewal is doing at each step, one wording for `renew`'s log lines and the wizard's spinner (each surface
 * leaves out what it has no use for: the CLI the many verification steps, the wizard the token it handed over).
 */
export function renewDoing(p: RenewProgress): string {
  switch (p.kind) {
    case 'read':
      return 'Reading the stored login';
    case 'session':
      return 'Checking the token with GitLab';
    case 'checked':
      return 'GitLab knows the token';
    case 'rotating':
      return `GitLab is rotating the token (new expiry ${p.expiresAt})`;
    case 'rotated':
      return 'Rotated: checking the new token';
    case 'storing':
      return 'Storing the new token';
  }
}

/** The last resort's words, for `renew` in a terminal and the wizard alike (only the keys differ). */
export const SUCCESSOR_OFFER = {
  lost: 'Every place to store the new token failed, and the old token is already revoked. When this program ends, the new one is gone.',
  question: 'Show the new token once so you can keep it (it is not written anywhere)?',
  keep: 'Copy it now (a password manager): it is not shown again.',
} as const;

export interface RenewDeps extends Omit<SessionDeps, 'onProgress'>, LoginDeps {
  onProgress?: (p: RenewProgress) => void;
  /**
   * The last resort when every store failed: a person at a terminal is asked whether to see the successor once.
   * Resolves true when it was shown. Absent (no terminal, --json): never shown.
   */
  offerSuccessor?: (successor: string) => Promise<boolean>;
}

export interface RenewResult extends RenewVerdict {
  ok: boolean;
  /** none: refused before anything changed · rotated: GitLab revoked the old token · unknown: the answer was lost. */
  rotation: 'none' | 'rotated' | 'unknown';
  /** The successor is stored with the engine. */
  stored: boolean;
  registry: string;
  gitlab: string | null;
  account: string | null;
  engine: EngineName | null;
  token: { name: string; scopes: string[]; previousExpiresAt: string | null; expiresAt: string | null } | null;
  storage: Storage | null;
  /** The page that lists the token and creates its successor. */
  tokenPage: string | null;
  /** The successor was shown once at the terminal (asked for, as a last resort). */
  shown: boolean;
  warnings: string[];
}

/** Today (UTC) plus `days`, as GitLab takes `expires_at`: YYYY-MM-DD. */
export function dateAfterDays(days: number, nowMs = Date.now()): string {
  const d = new Date(nowMs);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days)).toISOString().slice(0, 10);
}

/**
 * The successor's lifetime when `--days` is not given: the token's own, from `created_at` to `expires_at` as GET
 * /personal_access_tokens/self gives them (lib/api/entities/personal_access_token.rb), as GitLab's own
 * `keep_token_lifetime` computes it (rotate_service.rb: `token.expires_at - token.created_at.to_date`); at least
 * one day, at most 365; a token without an expiry (or a record without those fields): 365.
 */
export function previousLifetime(info: { createdAt?: string | undefined; expiresAt: string | null }): number {
  if (!info.expiresAt || !info.createdAt) return MAX_RENEW_DAYS;
  const days = Math.round((Date.parse(`${info.expiresAt}T00:00:00Z`) - Date.parse(`${info.createdAt}T00:00:00Z`)) / 86_400_000);
  return Number.isFinite(days) ? Math.min(MAX_RENEW_DAYS, Math.max(1, days)) : MAX_RENEW_DAYS;
}

/** The warning every rotation carries: the old token stops working everywhere at once. */
export const ELSEWHERE_WARNING =
  'The old token stopped working everywhere at once: update any other place that uses it (CI/CD variables, other machines, scripts).';

interface Known {
  registry: string;
  gitlab: string | null;
  account: string | null;
  engine: EngineName | null;
  token: RenewResult['token'];
  tokenPage: string | null;
}

function result(v: RenewVerdict, known: Known, rest: Partial<RenewResult> = {}): RenewResult {
  return {
    ok: v.verdict === 'ok',
    verdict: v.verdict,
    message: sanitise(v.message),
    fix: sanitise(v.fix),
    rotation: 'none',
    stored: false,
    storage: null,
    shown: false,
    warnings: [],
    ...known,
    ...rest,
  };
}

const refusal = (code: RenewVerdictCode, message: string, fix: string): RenewVerdict => ({ verdict: code, message, fix });
/** A refusal that ends a check: `Result`'s failure. */
const refused = (code: RenewVerdictCode, message: string, fix: string) => failure(refusal(code, message, fix));

const NOTHING = ' Nothing was changed.';

/** What the phases share: the request, the engine, and what is known so far (for the result). */
interface Run {
  input: RenewInput;
  deps: RenewDeps;
  registry: string;
  type: CredentialType;
  request: LoginRequest;
  engine: { engine: EngineName; file: string };
  known: Known;
}

/** Rotate the token an engine holds for the registry (or the one given) and log in with its successor. */
export async function renewToken(input: RenewInput, deps: RenewDeps): Promise<RenewResult> {
  const registry = input.request.registry?.value;
  if (!registry) throw new Error('renew: the request has no registry (the caller checks completeness)');
  const type = input.request.credentialType?.value ?? 'personal-access-token';
  const known: Known = { registry, gitlab: input.request.gitlab?.value ?? null, account: null, engine: null, token: null, tokenPage: null };
  if (!hasTokenInfo(type))
    return result(
      refusal(
        'no-rotate-scope',
        `A ${type.replace(/-/g, ' ')} cannot rotate itself: GitLab rotates personal, project and group access tokens only.${NOTHING}`,
        '',
      ),
      known,
    );
  const found = resolveEngine(deps.engine, deps.env);
  if (!found.ok) return result(found.verdict, known);
  const engine = found.value;
  known.engine = engine.engine;
  const request: LoginRequest = { ...input.request, credentialType: input.request.credentialType ?? { value: type, source: 'engine-config' } };
  const run: Run = { input, deps, registry, type, request, engine, known };

  const token = await readCurrent(run);
  if (typeof token !== 'string') return result(token, known);
  const current = await checkCurrent(run, token);
  if (!current.ok) return result(current.verdict, known);
  const checked = current.value;
  const store = await checkStore(run, token);
  if (!store.ok) return result(store.verdict, known);

  // Rotate: one POST, never repeated.
  const expiresAt = dateAfterDays(input.days ?? previousLifetime(checked.info), deps.now?.());
  deps.onProgress?.({ kind: 'rotating', expiresAt });
  const rotated = await rotateSelf(deps.http, checked.gitlab, token, expiresAt);
  if (rotated.kind === 'refused') return result(rotated.verdict, known);
  if (rotated.kind === 'lost') return lostAnswer(rotated.why, await fetchTokenInfo(deps.http, checked.gitlab, token), known);
  addSecret(rotated.token);
  known.token = { ...known.token!, expiresAt: rotated.expiresAt, ...(rotated.name ? { name: rotated.name } : {}) };
  deps.onProgress?.({ kind: 'rotated', expiresAt: rotated.expiresAt });
  return storeSuccessor(run, rotated.token, checked.verify, store.value.store);
}

/** The token to rotate: given on stdin, else the one the engine holds (a helper's `get`, or the file). */
async function readCurrent({ input, deps, registry, engine }: Run): Promise<string | RenewVerdict> {
  if (input.token !== undefined) {
    deps.onProgress?.({ kind: 'read', from: '--token-stdin' });
    addSecret(input.token);
    return input.token;
  }
  const limitMs = deps.interactive ? INTERACTIVE_HELPER_LIMIT_MS : HELPER_LIMIT_MS;
  const stored = await askStore({ engine: engine.engine, engineFile: engine.file, registry, env: deps.env, op: 'get', limitMs }, deps.runner);
  if (stored.state === 'unreadable')
    return refusal('store-failed', `The login for ${registry} could not be read: ${stored.message}.${NOTHING}`, 'Or pipe the token in with --token-stdin.');
  if (stored.state === 'not-logged-in' || !stored.secret)
    return refusal(
      'not-logged-in',
      `${engine.engine} holds no login for ${registry}.${NOTHING}`,
      `Log in first: gitlab-registry-login login ${registry} (or pipe the token in with --token-stdin).`,
    );
  addSecret(stored.secret);
  deps.onProgress?.({ kind: 'read', from: stored.source });
  return stored.secret;
}

/** The session's dependencies, its progress reported as the current token's or the successor's. */
function sessionDeps(deps: RenewDeps, token: 'current' | 'successor'): SessionDeps {
  return {
    http: deps.http,
    env: deps.env,
    ...(deps.realmCache ? { realmCache: deps.realmCache } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    onProgress: (progress: Progress) => deps.onProgress?.({ kind: 'session', token, progress }),
  };
}

/** The one verification, as login does it: the instance, the account, GitLab's record of the token, its scopes. */
async function checkCurrent(
  run: Run,
  token: string,
): Promise<Result<{ verify: VerifyResult; info: TokenInfo & { state: 'active' }; gitlab: string }, RenewVerdict>> {
  const { known, registry, type, deps } = run;
  const first = await verifySession({ request: run.request, token, trustRealm: run.input.trustRealm === true }, sessionDeps(deps, 'current'));
  if (first.kind === 'no-registry') return failure(first.verdict);
  const v = first.verify;
  known.gitlab = v.gitlab ?? known.gitlab;
  known.account = v.account ?? null;
  const info = v.token;
  if (info && (info.state === 'expired' || info.state === 'revoked' || info.state === 'invalid'))
    return refused(
      'invalid-credentials',
      `The token of ${registry}'s login ${expiryLine(info)}; GitLab rotates only an active token.${NOTHING}`,
      `Create a new token in GitLab${known.gitlab ? ` (${successorLink(known.gitlab, type, '', [], v.project) ?? known.gitlab})` : ''} and log in again.`,
    );
  if (!v.ok) return refused(v.verdict, `The login for ${registry} does not work now, so it is not renewed: ${v.message}${NOTHING}`, v.fix);
  if (!known.gitlab) return refused('not-a-registry', `The GitLab instance behind ${registry} is not known.${NOTHING}`, 'Pass --gitlab URL.');
  if (info?.state !== 'active')
    return refused(
      'gitlab-refused',
      `GitLab did not say which token this is${info?.state === 'unavailable' ? ` (${info.reason})` : ''}; renew needs GET /api/v4/personal_access_tokens/self (GitLab 15.5+).${NOTHING}`,
      '',
    );
  const link = successorLink(known.gitlab, type, info.name, info.scopes, v.project) ?? null;
  known.tokenPage = link;
  known.token = { name: info.name, scopes: info.scopes, previousExpiresAt: info.expiresAt, expiresAt: info.expiresAt };
  deps.onProgress?.({ kind: 'checked', name: info.name, scopes: info.scopes, expiresAt: info.expiresAt });
  if (!canSelfRotate(info.scopes))
    return refused(
      'no-rotate-scope',
      `The token "${info.name}" has neither the self_rotate nor the api scope (it has ${info.scopes.join(', ') || 'none'}), so GitLab will not let it rotate itself.${NOTHING}`,
      `Create its successor${link ? ` at ${link}` : ' in GitLab'} (add the self_rotate scope, GitLab 17.9 or later, to renew it from here next time) and log in again.`,
    );
  return success({ verify: v, info, gitlab: known.gitlab });
}

/**
 * The engine's store must take a new secret BEFORE rotating: the rotation revokes the old token at once. docker's
 * store found answering (`store`) is the one the successor's logins use: not looked for and asked again on a retry.
 */
async function checkStore({ deps, registry, engine }: Run, token: string): Promise<Result<{ store?: DockerStore }, RenewVerdict>> {
  if (engine.engine === 'podman') {
    const dir = podmanDir(deps.env);
    return dir
      ? refused(
          'store-failed',
          `podman could not write its auth file: ${dir} is not writable. The token was not rotated.`,
          'Fix the permissions, or set REGISTRY_AUTH_FILE.',
        )
      : success({});
  }
  if (deps.insecureStorage) return success({});
  const checked = await checkStoreBeforeLogin(
    registry,
    { env: deps.env, ...(deps.interactive ? { interactive: true } : {}), ...(deps.onWait ? { onWait: deps.onWait } : {}), token },
    deps.runner,
  );
  if (isStoreFailure(checked)) return failure({ ...checked, message: `${checked.message} The token was not rotated.` });
  return success({ store: checked });
}

/**
 * The successor, verified exactly as login verifies, then stored with the engine; on failure: again, then (a
 * credential helper refusing) this registry's login in docker's file, then, when a person asks, shown once.
 */
async function storeSuccessor(
  { input, deps, registry, request, engine, known }: Run,
  successor: string,
  current: VerifyResult,
  store: DockerStore | undefined,
): Promise<RenewResult> {
  const warnings = [ELSEWHERE_WARNING];
  const sInput = { request, token: successor, trustRealm: input.trustRealm === true };
  const second = await verifySession(sInput, sessionDeps(deps, 'successor'));
  let basis = current;
  if (second.kind === 'verified' && second.verify.ok) basis = second.verify;
  else
    warnings.push(
      `The new token could not be verified (${second.kind === 'verified' ? second.verify.message : second.verdict.message}); it is stored all the same, as the old one is already revoked.`,
    );
  const loginDeps = {
    env: deps.env,
    runner: deps.runner,
    engine: deps.engine,
    timeoutMs: deps.timeoutMs,
    ...(deps.interactive ? { interactive: true } : {}),
    ...(deps.onWait ? { onWait: deps.onWait } : {}),
    prepared: { engine, ...(store ? { store } : {}) },
  };
  const helperStore = store?.where.kind === 'helper';
  const insecure = deps.insecureStorage === true;
  // The fallback keeps this registry's login in docker's file (credHelpers[REG] = ""), as --insecure-storage does.
  const tries = [{ how: 'engine' as const, insecure }, { how: 'retry' as const, insecure }, ...(helperStore ? [{ how: 'file' as const, insecure: true }] : [])];
  const failures: string[] = [];
  let login: EngineLoginResult | Verdict | undefined;
  for (const t of tries) {
    deps.onProgress?.({ kind: 'storing', how: t.how });
    login = (await loginVerified(sInput, basis, { ...loginDeps, ...(t.insecure ? { insecureStorage: true } : {}) })).login;
    if (engineAnswered(login) && login.loggedIn) {
      if (t.how === 'file')
        warnings.push(
          `${registry}'s login is now kept in ${login.storage?.file ?? "docker's config file"} (base64, not encrypted), as docker's credential helper would not take it: ${failures.join('; ')}.`,
        );
      const message = `Renewed the token "${known.token?.name ?? ''}"${known.account ? ` of ${known.account}` : ''}: the new one expires ${known.token?.expiresAt ?? 'never'}, and ${engine.engine} is logged in to ${registry} with it.`;
      return result(verdict('ok', message), known, { rotation: 'rotated', stored: true, storage: login.storage ?? null, warnings });
    }
    failures.push(login.message);
  }
  // Not stored anywhere: the successor exists only in this process. The last resort: shown once, when asked.
  const shown = deps.offerSuccessor ? await deps.offerSuccessor(successor) : false;
  const link = known.tokenPage;
  return result(
    refusal(
      isStoreFailure(login) ? 'store-failed' : 'login-failed',
      `GitLab rotated the token: the old one is already revoked, and the new one could not be stored (${failures.join('; ')}).`,
      shown
        ? `Log in with the token you were shown: printf %s "$TOKEN" | gitlab-registry-login login ${registry} --token-stdin (it is not kept anywhere else).`
        : `The new token is gone when this program ends: create another${link ? ` at ${link}` : ' in GitLab'} and log in with it.`,
    ),
    known,
    { rotation: 'rotated', stored: false, shown, warnings },
  );
}

/** A podman auth file that cannot be written: the directory that refuses, else undefined. */
function podmanDir(env: NodeJS.ProcessEnv): string | undefined {
  const file = podmanAuthFile(env);
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(dir)) {
      try {
        accessSync(existsSync(file) ? file : dir, constants.W_OK);
        return undefined;
      } catch {
        return existsSync(file) ? file : dir;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

type Rotation =
  | { kind: 'rotated'; token: string; expiresAt: string | null; name?: string }
  | { kind: 'refused'; verdict: RenewVerdict }
  /** Sent, but no answer came back: GitLab may have rotated. */
  | { kind: 'lost'; why: string };

/** HttpError codes that mean nothing reached GitLab. */
const NOT_SENT = new Set(['refused', 'dns', 'tls', 'not-tls', 'proxy']);

/** `POST /api/v4/personal_access_tokens/self/rotate?expires_at=…`, once. Never throws. */
export async function rotateSelf(http: HttpClient, gitlab: string, token: string, expiresAt: string): Promise<Rotation> {
  const a = await callTokenApi(http, gitlab, token, `/self/rotate?expires_at=${expiresAt}`, { method: 'POST', saidMax: 200 });
  if (a.kind === 'not-sent') return { kind: 'refused', verdict: refusal('untrusted-realm', `${a.reason}.${NOTHING}`, '') };
  if (a.kind === 'failed') {
    const err = a.error;
    if (err instanceof HttpError && NOT_SENT.has(err.code))
      return {
        kind: 'refused',
        verdict: refusal(err.code === 'tls' ? 'tls-error' : 'unreachable', `GitLab could not be reached: ${err.message}.${NOTHING}`, ''),
      };
    return { kind: 'lost', why: err instanceof Error ? err.message : String(err) };
  }
  const { status, json: j, said } = a;
  if (status === 200 || status === 201) {
    if (typeof j.token !== 'string' || j.token === '') return { kind: 'lost', why: `GitLab answered HTTP ${status} without the new token` };
    const exp = typeof j.expires_at === 'string' && /^\d{4}-\d{2}-\d{2}/.test(j.expires_at) ? j.expires_at.slice(0, 10) : null;
    return { kind: 'rotated', token: j.token, expiresAt: exp, ...(typeof j.name === 'string' ? { name: sanitise(j.name, 100) } : {}) };
  }
  if (status === 403 && j.error === 'insufficient_scope')
    return {
      kind: 'refused',
      verdict: refusal('no-rotate-scope', `GitLab refused to rotate the token: it needs the api or self_rotate scope (GitLab: ${said}).${NOTHING}`, ''),
    };
  if (status === 401)
    return { kind: 'refused', verdict: refusal('invalid-credentials', `GitLab refused the token (${said || '401 Unauthorized'}).${NOTHING}`, '') };
  if (status === 404)
    return {
      kind: 'refused',
      verdict: refusal('gitlab-refused', `This GitLab has no personal_access_tokens/self/rotate (added in GitLab 16.10).${NOTHING}`, ''),
    };
  // 400: the successor was refused (e.g. past the maximum lifetime); the transaction rolled the revocation back.
  return {
    kind: 'refused',
    verdict: refusal(
      'gitlab-refused',
      `GitLab did not rotate the token: HTTP ${status}${said ? ` ("${said}")` : ''}.${NOTHING}`,
      status === 400 && /must be before/i.test(said) ? 'Ask for fewer days with --days N.' : '',
    ),
  };
}

/** A rotation whose answer was lost: what GitLab now says of the old token (GET …/self revokes nothing). */
function lostAnswer(why: string, after: TokenInfo, known: Known): RenewResult {
  const page = known.tokenPage ?? known.gitlab ?? 'GitLab';
  if (after.state === 'active')
    return result(
      refusal(
        'unreachable',
        `GitLab's answer to the rotation was lost (${why}), and the token is still active: it was not rotated. Nothing was changed.`,
        'Try again later.',
      ),
      known,
    );
  if (after.state === 'revoked')
    return result(
      refusal(
        'rotation-unknown',
        `GitLab rotated the token but its answer, with the new token, was lost (${why}): the old token is revoked and the new one cannot be had from here.`,
        `Check the token page: ${page}; create a new token there and log in with it. Do not rotate the old one again: GitLab would revoke the whole token family.`,
      ),
      known,
      { rotation: 'rotated', warnings: [ELSEWHERE_WARNING] },
    );
  return result(
    refusal(
      'rotation-unknown',
      `GitLab may have rotated the token: its answer was lost (${why}), and whether the old token still works cannot be told now.`,
      `Check the token page: ${page}. It was not sent again: rotating a revoked token makes GitLab revoke the whole token family.`,
    ),
    known,
    { rotation: 'unknown' },
  );
}
