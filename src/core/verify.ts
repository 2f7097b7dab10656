// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { actionsFor, CREDENTIALS, kindName, type Access, type CredentialType } from './credentials.js';
import { InputError } from './errors.js';
import type { RegistryAddress } from './hosts.js';
import type { HttpClient, HttpResponse } from './http.js';
import { accountOf, readClaims, type TokenClaims } from './jwt.js';
import { fetchTokenInfo, hasTokenInfo, scopesAllowPush, type TokenInfo } from './tokeninfo.js';
import { probePatPage, tokenLinks } from './links.js';
import { decideRealm, fetchChallenge, getWithRetry, transportVerdict, type RegistryChallenge, type Sleep } from './registry.js';
import { classifyTokenResponse, errorText, judgeGrant, missingFix } from './tokenresponse.js';
import { verdict, type Result, type Verdict } from './verdict.js';

export interface VerifyRequest {
  registry: RegistryAddress;
  /** The GitLab instance, when known (--gitlab, remembered, or from the git remote). */
  gitlab?: URL;
  credentialType: CredentialType;
  /**
   * The login sent with the token. GitLab ignores it for personal, project and group access tokens
   * (lib/gitlab/auth.rb `personal_access_token_check`), so for those it may be left out: ANY_LOGIN is sent.
   */
  username?: string | undefined;
  token: string;
  access: Access;
  /** Registry repository path; without it only the credential is checked, as docker does. */
  project?: string;
  trustRealm?: boolean;
  /** A realm remembered from an earlier run: saves the challenge round trip; falls back to it on failure. */
  knownRealm?: { baseUrl: string; realm: string; service?: string } | undefined;
  /** Ask GitLab for the token's name, scopes and expiry alongside (default: for the types that have them). */
  tokenInfo?: boolean;
}

/** The login sent when none is needed: GitLab ignores it for access tokens; docker still wants one. */
export const ANY_LOGIN = 'gitlab-registry-login';

export type StepId = 'registry' | 'realm' | 'credential' | 'pull' | 'push' | 'registry-accepts';
export type StepStatus = 'pass' | 'fail' | 'skip';
export interface Step {
  id: StepId;
  title: string;
  status: StepStatus;
  ms: number;
  detail?: string;
}

export interface VerifyDeps {
  http: HttpClient;
  /** Milliseconds, for step timings. */
  now?: () => number;
  onStep?: (step: Step) => void;
  /** How retries wait (tests: without real time passing). */
  sleep?: Sleep;
}

export interface VerifyResult extends Verdict {
  ok: boolean;
  registry: string;
  /** `https://REGISTRY` (or http:// for a plain loopback registry), once known. */
  registryUrl?: string;
  realm?: string;
  service?: string;
  gitlab?: string;
  username: string;
  credentialType: CredentialType;
  project?: string;
  requested: string[];
  /** Actions GitLab granted on the project; null when no project was checked. */
  granted: string[] | null;
  /** The project GitLab resolved the path to (the JWT's meta.project_path), when it granted something. */
  projectPath?: string;
  /** Who GitLab says the credential belongs to (the issued token's `sub`, or its `user` claim). */
  account?: string;
  /** The username to store with the engine: the real account for access tokens, else the login given. */
  engineUsername?: string;
  /** Name, scopes and expiry of a personal/project/group access token; undefined for the other types. */
  token?: TokenInfo;
  /** One-line remarks that do not change the verdict (a username GitLab ignored). */
  remarks?: string[];
  steps: Step[];
}

export { invalidCredentials } from './tokenresponse.js';

/**
 * A fix that needs a new credential ends with where to create it on this instance: for the project GitLab
 * resolved the path to (the JWT's meta.project_path) when it granted something (src/core/links.ts).
 */
function withTokenLink(v: Verdict, gitlab: string, req: VerifyRequest, projectPath?: string): Verdict {
  if (!['invalid-credentials', 'no-registry-scope', 'insufficient-access'].includes(v.verdict)) return v;
  const l = tokenLinks(gitlab, req.credentialType, req.access, req.project, { projectPath, ...(req.username !== undefined ? { username: req.username } : {}) });
  if (!l) return v;
  const before = l.alternates.length ? ` (before GitLab 16.7: ${l.alternates.join(' ')})` : '';
  const notes = l.notes
    .filter((n) => !n.startsWith('Before GitLab'))
    .map((n) => ` ${n}`)
    .join('');
  return { ...v, fix: `${v.fix} Create one at ${l.url}${before}.${notes}` };
}

/**
 * Verify a credential against the registry itself: the /v2/ challenge, GitLab's token endpoint,
 * the access the issued token grants, and that the registry accepts that token.
 * Not free of side effects: when push is granted on a path with no repository yet, GitLab creates the
 * repository entry (and on EE an audit event) while issuing the token, as a first push would
 * (app/services/auth/container_registry_authentication_service.rb `ensure_container_repository!`).
 */
export async function verifyCredential(req: VerifyRequest, deps: VerifyDeps): Promise<VerifyResult> {
  const result = await verifyOnce(req, deps);
  if (result.ok || !req.knownRealm) return withPatPage(result, req, deps);
  // A remembered realm that fails may be stale (the registry now sends logins elsewhere, or the address is
  // another server now). Ask the registry (a request without credentials): the same challenge confirms the
  // verdict, and a credential that is simply wrong is not sent twice; another challenge, or none, is what the
  // registry says today, and the check runs on that.
  const known = req.knownRealm;
  const fresh = await fetchChallenge(deps.http, req.registry, { knownScheme: known.baseUrl.startsWith('https:') ? 'https' : 'http', sleep: deps.sleep });
  const same = fresh.ok && sameRealm(fresh.value, known);
  return withPatPage(same ? result : await verifyOnce({ ...req, knownRealm: undefined }, deps, fresh), req, deps);
}

const sameRealm = (a: KnownRealm, b: KnownRealm) => a.realm === b.realm && a.baseUrl === b.baseUrl && (a.service ?? '') === (b.service ?? '');

/**
 * A final answer whose fix links to both personal-access-token pages (the instance's version unknown): the
 * instance is asked which page it has (links.ts probePatPage), an anonymous request (no credential) through the
 * same client and budget, and when it proves the current page the older one is dropped. Made only for a failure
 * that carries the link, and only for the final answer, so a check that passes sends GitLab nothing more.
 */
async function withPatPage(r: VerifyResult, req: VerifyRequest, deps: VerifyDeps): Promise<VerifyResult> {
  if (r.ok || req.credentialType !== 'personal-access-token' || !r.gitlab) return r;
  const l = tokenLinks(r.gitlab, req.credentialType, req.access, req.project, { username: req.username });
  const both = l?.alternates.length ? ` (before GitLab 16.7: ${l.alternates.join(' ')})` : undefined;
  if (!both || !r.fix.includes(both)) return r;
  return (await probePatPage(deps.http, r.gitlab)) === 'current' ? { ...r, fix: r.fix.replace(both, '') } : r;
}

/** What the phases of one verification share: the request, and what each phase learnt for the next. */
interface VerifyCtx {
  req: VerifyRequest;
  /** The login sent with the token: the username given, else the type's own, else ANY_LOGIN. */
  login: string;
  /** The token's own record, asked of the instance alongside the token endpoint. */
  info?: Promise<TokenInfo>;
  deps: VerifyDeps;
  /** The registry's challenge (or why there is none), when already asked. */
  fresh: Result<RegistryChallenge> | undefined;
  step: (id: StepId, title: string, status: StepStatus, detail?: string) => void;
  requested: string[];
  /** The result's fields known so far (registry URL, realm, instance, grants). */
  found: Partial<VerifyResult>;
  challenge?: KnownRealm;
  realm?: URL;
  jwt?: string;
  notes: string[];
  /** The project's path as GitLab resolved it (its claims' meta), when it told. */
  projectPath?: string;
  /** The registry's answer to GitLab's token. */
  accepted?: HttpResponse;
}

/** A phase of a verification: `undefined` to continue with the next, or the verdict that ends it. */
type Phase = (ctx: VerifyCtx) => Promise<Verdict | undefined>;

type KnownRealm = NonNullable<VerifyRequest['knownRealm']>;
const retry = (deps: VerifyDeps) => (deps.sleep ? { sleep: deps.sleep } : {});

/** 1. The registry's challenge (or the remembered realm). */
const challengePhase: Phase = async (ctx) => {
  const { req } = ctx;
  let challenge = req.knownRealm;
  if (!challenge) {
    const c = ctx.fresh ?? (await fetchChallenge(ctx.deps.http, req.registry, retry(ctx.deps)));
    if (!c.ok) {
      ctx.step('registry', `Registry ${req.registry.registry}`, 'fail', c.verdict.message);
      return c.verdict;
    }
    challenge = c.value;
  }
  ctx.step('registry', `Registry ${req.registry.registry}`, 'pass', req.knownRealm ? 'realm remembered' : undefined);
  ctx.challenge = challenge;
  ctx.found = { registryUrl: challenge.baseUrl, realm: challenge.realm, ...(challenge.service ? { service: challenge.service } : {}) };
  return undefined;
};

/** 2. Realm safety: where the token may go. */
const realmPhase: Phase = async (ctx) => {
  const decided = decideRealm(ctx.challenge!.realm, ctx.req.gitlab, ctx.req.trustRealm ?? false);
  if (!decided.ok) {
    ctx.step('realm', 'GitLab token endpoint', 'fail', decided.verdict.message);
    return decided.verdict;
  }
  ctx.realm = decided.value.realm;
  ctx.found.gitlab = decided.value.gitlab;
  return undefined;
};

/** 3. Ask GitLab for a registry token with the wanted scope (classified by tokenresponse.ts). */
const tokenPhase: Phase = async (ctx) => {
  const { req, challenge, realm } = ctx;
  const url = new URL(realm!.href);
  if (challenge!.service) url.searchParams.set('service', challenge!.service);
  if (req.project) url.searchParams.set('scope', `repository:${req.project}:${ctx.requested.join(',')}`);
  url.searchParams.set('account', ctx.login);
  url.searchParams.set('client_id', 'gitlab-registry-login');
  const auth = `Basic ${Buffer.from(`${ctx.login}:${req.token}`).toString('base64')}`;
  let res: HttpResponse;
  try {
    const asked = getWithRetry(ctx.deps.http, url.href, { authorization: auth }, retry(ctx.deps));
    // The token's own record (name, scopes, expiry) is asked of the same instance meanwhile, within the same timeout.
    if (hasTokenInfo(req.credentialType) && req.tokenInfo !== false) ctx.info = fetchTokenInfo(ctx.deps.http, ctx.found.gitlab!, req.token);
    res = await asked;
  } catch (e) {
    const v = transportVerdict(e, `GitLab's token endpoint ${realm!.host} cannot be reached`);
    ctx.step('realm', 'GitLab token endpoint', 'fail', v.message);
    return v;
  }
  const answer = classifyTokenResponse(res, tokenContext(ctx));
  if (answer.kind === 'verdict') {
    if (answer.step === 'realm') {
      ctx.step('realm', 'GitLab token endpoint', 'fail', answer.verdict.message);
    } else {
      ctx.step('realm', 'GitLab token endpoint', 'pass');
      ctx.step('credential', 'Credential', 'fail', answer.verdict.message);
    }
    return answer.verdict.verdict === 'insufficient-access' ? answer.verdict : withTokenLink(answer.verdict, ctx.found.gitlab!, req);
  }
  ctx.jwt = answer.jwt;
  noteAccount(ctx);
  ctx.step('realm', 'GitLab token endpoint', 'pass');
  ctx.step('credential', 'Credential', 'pass');
  return undefined;
};

/** Who GitLab says the credential belongs to, from the issued token; for an access token, the name to store. */
function noteAccount(ctx: VerifyCtx): void {
  let claims: TokenClaims | undefined;
  try {
    claims = readClaims(ctx.jwt!);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  const account = claims ? accountOf(claims) : undefined;
  if (!account) return;
  const { req } = ctx;
  const ignoresLogin = hasTokenInfo(req.credentialType);
  ctx.found.account = account;
  ctx.found.engineUsername = ignoresLogin ? account : ctx.login;
  if (ignoresLogin && req.username !== undefined && req.username !== account) {
    ctx.found.remarks = [
      `GitLab ignores the username for a ${CREDENTIALS[req.credentialType].label.toLowerCase()}: this one belongs to ${account}, not "${req.username}"; ${account} is the name stored.`,
    ];
  }
}

function tokenContext(ctx: VerifyCtx) {
  const { req } = ctx;
  return { credentialType: req.credentialType, username: ctx.login, access: req.access, project: req.project, realmHost: ctx.realm!.host };
}

/** 4. What the issued token really grants on the project. */
const grantPhase: Phase = async (ctx) => {
  const { req } = ctx;
  if (!req.project) return undefined;
  let claims: TokenClaims | undefined;
  try {
    claims = readClaims(ctx.jwt!);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  const project = req.project;
  const judged = judgeGrant(claims, { ...tokenContext(ctx), project });
  ctx.found.granted = judged.granted;
  ctx.notes = judged.notes;
  const projectPath = judged.meta?.projectPath;
  if (projectPath) ctx.projectPath = projectPath;
  ctx.step('pull', `Pull ${project}`, judged.granted.includes('pull') ? 'pass' : 'fail');
  if (req.access === 'push') ctx.step('push', `Push ${project}`, judged.granted.includes('push') ? 'pass' : 'fail');
  if (!judged.verdict) return undefined;
  if (projectPath) ctx.found.projectPath = projectPath;
  return withTokenLink(judged.verdict, ctx.found.gitlab!, req, projectPath);
};

/** 5. The registry itself accepts GitLab's token (and, with a project, lets it read the repository). */
const registryAcceptsPhase: Phase = async (ctx) => {
  const { req, challenge } = ctx;
  const probe = req.project ? `${challenge!.baseUrl}/v2/${req.project}/tags/list?n=1` : `${challenge!.baseUrl}/v2/`;
  let check: HttpResponse;
  try {
    check = await getWithRetry(ctx.deps.http, probe, { authorization: `Bearer ${ctx.jwt!}` }, retry(ctx.deps));
  } catch (e) {
    const v = transportVerdict(e, `the registry ${req.registry.registry} cannot be reached`);
    ctx.step('registry-accepts', 'Registry accepts the token', 'fail', v.message);
    return v;
  }
  const refused = registryRefusal(check, req);
  ctx.step('registry-accepts', 'Registry accepts the token', refused ? 'fail' : 'pass', refused?.message);
  ctx.accepted = check;
  return refused;
};

/** The registry's answer to GitLab's token: undefined when it accepted it, else the verdict. */
function registryRefusal(check: HttpResponse, req: VerifyRequest): Verdict | undefined {
  const accepted = check.status === 200 || (req.project !== undefined && check.status === 404 && /NAME_UNKNOWN/i.test(check.body));
  if (accepted) return undefined;
  const path = req.project ?? '/v2/';
  if (check.status === 429 || check.status >= 500) {
    // An outage or a rate limit at the registry says nothing about the credential (GitLab has just issued a token).
    return verdict(
      'unreachable',
      `The registry ${req.registry.registry} answered HTTP ${check.status} when asked to accept GitLab's token for ${path} (after retries): the registry is ${check.status === 429 ? 'rate-limiting you' : 'having trouble'}, your credential and access were not the problem.`,
      check.status === 429 ? 'Wait a minute and try again.' : "Try again in a minute; if it persists, check the instance's status page or tell the admin.",
    );
  }
  if (check.status === 404) {
    // distribution answers an unknown repository with 404 NAME_UNKNOWN (accepted above); a bare 404 is not its answer.
    return verdict(
      'not-a-registry',
      `${req.registry.registry} answered HTTP 404 for ${path} without a registry error: something other than the container registry answers there.`,
      'Check --registry (host and port) and any proxy or load balancer in front of the registry.',
    );
  }
  if (check.status === 401) {
    return verdict(
      'registry-rejected-token',
      `GitLab issued a token but the registry rejects it (HTTP 401): the registry and GitLab disagree on the signing key, issuer or service, or their clocks differ.`,
      'This is a server-side fault: tell the instance admin (registry auth.token settings, the GitLab registry key, NTP).',
    );
  }
  return verdict(
    'insufficient-access',
    `The registry refused the token for ${path} (HTTP ${check.status}: ${errorText(check.body).slice(0, 120)}).`,
    missingFix(req.credentialType, 'pull', req.project ?? 'the project'),
  );
}

/** What passed, said once every phase has. */
function okVerdict(ctx: VerifyCtx): Verdict {
  const { req } = ctx;
  // No image at the path yet, and push granted: GitLab has just recorded an (empty) repository there, as a
  // first push would (container_registry_authentication_service.rb `ensure_container_repository!`).
  const created =
    req.project && req.access === 'push' && ctx.accepted?.status === 404
      ? ` ${req.project} has no images yet: GitLab records an empty repository entry there when it grants push, so the project's Container registry page may now list it.`
      : '';
  const who = `${ctx.found.account ?? ctx.login} (${kindName(req.credentialType)})`;
  const message = req.project
    ? `${who} can ${req.access === 'push' ? 'pull and push' : 'pull'} ${req.project} on ${req.registry.registry}${ctx.notes.length ? ` (${ctx.notes.join('; ')})` : ''}.${created}`
    : `${who} is valid and has registry access on ${req.registry.registry}. No --project was given, so pull and push were not checked (docker login checks no more than this).`;
  return verdict('ok', message);
}

/** The phases of a verification, in order; the first verdict ends it. */
const PHASES: readonly Phase[] = [challengePhase, realmPhase, tokenPhase, grantPhase, registryAcceptsPhase];

/** One verification; `fresh`: the registry's challenge (or why there is none), when already asked. */
async function verifyOnce(req: VerifyRequest, deps: VerifyDeps, fresh?: Result<RegistryChallenge>): Promise<VerifyResult> {
  // hrtime, not performance.now(): the latter loads perf_hooks on first use.
  const now = deps.now ?? (() => Number(process.hrtime.bigint()) / 1e6);
  const steps: Step[] = [];
  let t = now();
  const login = req.username ?? CREDENTIALS[req.credentialType].fixedUsername ?? ANY_LOGIN;
  const ctx: VerifyCtx = {
    req,
    login,
    deps,
    fresh,
    requested: req.project ? actionsFor(req.access) : [],
    found: {},
    notes: [],
    step: (id, title, status, detail) => {
      const s: Step = { id, title, status, ms: Math.round(now() - t), ...(detail ? { detail } : {}) };
      steps.push(s);
      deps.onStep?.(s);
      t = now();
    },
  };
  let ending: Verdict | undefined;
  for (const phase of PHASES) {
    ending = await phase(ctx);
    if (ending) break;
  }
  const v = ending ?? okVerdict(ctx);
  if (!ending && ctx.projectPath) ctx.found.projectPath = ctx.projectPath;
  const result: VerifyResult = {
    registry: req.registry.registry,
    username: login,
    engineUsername: login,
    remarks: [],
    credentialType: req.credentialType,
    ...(req.project ? { project: req.project } : {}),
    requested: ctx.requested,
    granted: null,
    steps,
    ...ctx.found,
    ...v,
    ok: v.verdict === 'ok',
  };
  return ctx.info ? withTokenInfo(result, req, await ctx.info) : result;
}

/** The token's own record added to a result, and what it tells: why a 401 came, and push without a project. */
function withTokenInfo(r: VerifyResult, req: VerifyRequest, token: TokenInfo): VerifyResult {
  const out: VerifyResult = { ...r, token };
  const label = CREDENTIALS[req.credentialType].label.toLowerCase();
  if (r.verdict === 'invalid-credentials' && (token.state === 'expired' || token.state === 'revoked')) {
    // The token endpoint's 401 cannot say why; the API can (lib/api/api_guard.rb: "Token is expired." / "Token was revoked.").
    return {
      ...out,
      message: `GitLab rejected the ${label}: it ${token.state === 'expired' ? 'has expired' : 'has been revoked'} (GitLab: ${token.gitlabSays}).`,
      fix: `Create a new ${label} with the same scopes and log in with it.`,
    };
  }
  if (r.ok && req.access === 'push' && !req.project && token.state === 'active' && !scopesAllowPush(token.scopes)) {
    // Push cannot be proved without a path, but a token without write_registry (or api) surely cannot push.
    return {
      ...out,
      ...verdict(
        'insufficient-access',
        `The ${label}${token.name ? ` "${token.name}"` : ''} is valid but cannot push: its scopes are ${token.scopes.join(', ') || 'none'}, without write_registry.`,
        `Create a ${label} with the scopes read_registry and write_registry, or add --project to check a path.`,
      ),
      ok: false,
    };
  }
  return out;
}
