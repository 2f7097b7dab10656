import { actionsFor, type Access, type CredentialType } from './credentials.js';
import { InputError } from './errors.js';
import type { RegistryAddress } from './hosts.js';
import type { HttpClient, HttpResponse } from './http.js';
import { readClaims, type TokenClaims } from './jwt.js';
import { probePatPage, tokenLinks, type PatPage } from './links.js';
import { decideRealm, fetchChallenge, getWithRetry, transportVerdict, type RegistryChallenge, type Sleep } from './registry.js';
import { classifyTokenResponse, errorText, judgeGrant, missingFix } from './tokenresponse.js';
import { verdict, type Verdict } from './verdict.js';

export interface VerifyRequest {
  registry: RegistryAddress;
  /** The GitLab instance, when known (--gitlab, remembered, or from the git remote). */
  gitlab?: URL;
  credentialType: CredentialType;
  username: string;
  token: string;
  access: Access;
  /** Registry repository path; without it only the credential is checked, as docker does. */
  project?: string;
  trustRealm?: boolean;
  /** A realm remembered from an earlier run: saves the challenge round trip; falls back to it on failure. */
  knownRealm?: { baseUrl: string; realm: string; service?: string } | undefined;
}

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
  steps: Step[];
}

export { invalidCredentials } from './tokenresponse.js';

/**
 * A fix that needs a new credential ends with where to create it on this instance: for the project GitLab
 * resolved the path to (the JWT's meta.project_path) when it granted something (src/core/links.ts).
 */
/** The verdicts whose fix links to where a credential is made. */
const LINKED: readonly string[] = ['invalid-credentials', 'no-registry-scope', 'insufficient-access'];

function withTokenLink(v: Verdict, gitlab: string, req: VerifyRequest, projectPath?: string, patPage?: PatPage): Verdict {
  if (!LINKED.includes(v.verdict)) return v;
  const l = tokenLinks(gitlab, req.credentialType, req.access, req.project, { projectPath, username: req.username, patPage });
  if (!l) return v;
  const before = l.alternates.length ? ` (before GitLab 16.7: ${l.alternates.join(' ')})` : '';
  const notes = l.notes.filter((n) => !n.startsWith('Before GitLab')).map((n) => ` ${n}`).join('');
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
  if (result.ok || !req.knownRealm) return withLink(result, req, deps);
  // A remembered realm that fails may be stale (the registry now sends logins elsewhere, or the address is
  // another server now). Ask the registry (a request without credentials): the same challenge confirms the
  // verdict, and a credential that is simply wrong is not sent twice; another challenge, or none, is what the
  // registry says today, and the check runs on that.
  const known = req.knownRealm;
  const fresh = await fetchChallenge(deps.http, req.registry, known.baseUrl.startsWith('https:') ? 'https' : 'http');
  const same = !('verdict' in fresh) && fresh.realm === known.realm && fresh.baseUrl === known.baseUrl && (fresh.service ?? '') === (known.service ?? '');
  return withLink(same ? result : await verifyOnce({ ...req, knownRealm: undefined }, deps, fresh), req, deps);
}

/** Final answers whose fix gets a link to where a credential is made (set by verifyOnce). */
const pendingLinks = new WeakMap<VerifyResult, { projectPath?: string | undefined }>();

/**
 * The final answer's fix, with the link. For a personal access token, the instance is first asked which page it
 * has (links.ts probePatPage): an anonymous request (no credential) through the same client and budget, made only
 * for a failure that gets the link, so a check that passes sends GitLab nothing more.
 */
async function withLink(r: VerifyResult, req: VerifyRequest, deps: VerifyDeps): Promise<VerifyResult> {
  const p = pendingLinks.get(r);
  if (!p || !r.gitlab) return r;
  const wantsPage = req.credentialType === 'personal-access-token' && new URL(r.gitlab).hostname.toLowerCase() !== 'gitlab.com';
  const page = wantsPage ? await probePatPage(deps.http, r.gitlab) : undefined;
  return { ...r, fix: withTokenLink(r, r.gitlab, req, p.projectPath, page).fix };
}

/** One verification; `fresh`: the registry's challenge (or why there is none), when already asked. */
async function verifyOnce(req: VerifyRequest, deps: VerifyDeps, fresh?: RegistryChallenge | Verdict): Promise<VerifyResult> {
  // hrtime, not performance.now(): the latter loads perf_hooks on first use.
  const now = deps.now ?? (() => Number(process.hrtime.bigint()) / 1e6);
  const steps: Step[] = [];
  const requested = req.project ? actionsFor(req.access) : [];
  const base: Omit<VerifyResult, keyof Verdict | 'ok'> = {
    registry: req.registry.registry,
    username: req.username,
    credentialType: req.credentialType,
    ...(req.project ? { project: req.project } : {}),
    requested,
    granted: null,
    steps,
  };
  let t = now();
  const step = (id: StepId, title: string, status: StepStatus, detail?: string) => {
    const s: Step = { id, title, status, ms: Math.round(now() - t), ...(detail ? { detail } : {}) };
    steps.push(s);
    deps.onStep?.(s);
    t = now();
  };
  let linkLater: { projectPath?: string | undefined } | undefined;
  const finish = (v: Verdict, extra: Partial<VerifyResult> = {}): VerifyResult => {
    const r: VerifyResult = { ...base, ...extra, ...v, ok: v.verdict === 'ok' };
    if (linkLater) pendingLinks.set(r, linkLater);
    return r;
  };

  // 1. The registry's challenge (or the remembered realm).
  let challenge = req.knownRealm;
  if (!challenge) {
    const c = fresh ?? (await fetchChallenge(deps.http, req.registry));
    if ('verdict' in c) {
      step('registry', `Registry ${req.registry.registry}`, 'fail', c.message);
      return finish(c);
    }
    challenge = c;
  }
  step('registry', `Registry ${req.registry.registry}`, 'pass', req.knownRealm ? 'realm remembered' : undefined);
  const where = { registryUrl: challenge.baseUrl, realm: challenge.realm, ...(challenge.service ? { service: challenge.service } : {}) };

  // 2. Realm safety.
  const decision = decideRealm(challenge.realm, req.gitlab, req.trustRealm ?? false);
  if ('verdict' in decision) {
    step('realm', 'GitLab token endpoint', 'fail', decision.message);
    return finish(decision, where);
  }
  const extra = { ...where, gitlab: decision.gitlab };

  // 3. Ask GitLab for a registry token with the wanted scope.
  const url = new URL(decision.realm.href);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  if (req.project) url.searchParams.set('scope', `repository:${req.project}:${requested.join(',')}`);
  url.searchParams.set('account', req.username);
  url.searchParams.set('client_id', 'gitlab-registry-login');
  const auth = `Basic ${Buffer.from(`${req.username}:${req.token}`).toString('base64')}`;
  let res: HttpResponse;
  try {
    res = await getWithRetry(deps.http, url.href, { authorization: auth }, { ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  } catch (e) {
    const v = transportVerdict(e, `GitLab's token endpoint ${decision.realm.host} cannot be reached`);
    step('realm', 'GitLab token endpoint', 'fail', v.message);
    return finish(v, extra);
  }
  const ctx = { credentialType: req.credentialType, username: req.username, access: req.access, project: req.project, realmHost: decision.realm.host };
  // The link is added to the final answer (verifyCredential), not to one that a stale remembered realm gave.
  const linked = (v: Verdict, projectPath?: string) => {
    if (LINKED.includes(v.verdict)) linkLater = { projectPath };
    return v;
  };
  const answer = classifyTokenResponse(res, ctx);
  if (answer.kind === 'verdict') {
    if (answer.step === 'realm') {
      step('realm', 'GitLab token endpoint', 'fail', answer.verdict.message);
    } else {
      step('realm', 'GitLab token endpoint', 'pass');
      step('credential', 'Credential', 'fail', answer.verdict.message);
    }
    return finish(answer.verdict.verdict === 'insufficient-access' ? answer.verdict : linked(answer.verdict), extra);
  }
  const jwt = answer.jwt;
  step('realm', 'GitLab token endpoint', 'pass');
  step('credential', 'Credential', 'pass');

  // 4. What the issued token really grants.
  let claims: TokenClaims | undefined;
  try {
    claims = readClaims(jwt);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  let granted: string[] | null = null;
  let notes: string[] = [];
  let projectPath: string | undefined;
  if (req.project) {
    const project = req.project;
    const judged = judgeGrant(claims, { ...ctx, project });
    granted = judged.granted;
    notes = judged.notes;
    projectPath = judged.meta?.projectPath;
    step('pull', `Pull ${project}`, granted.includes('pull') ? 'pass' : 'fail');
    if (req.access === 'push') step('push', `Push ${project}`, granted.includes('push') ? 'pass' : 'fail');
    if (judged.verdict) return finish(linked(judged.verdict, projectPath), { ...extra, granted, ...(projectPath ? { projectPath } : {}) });
  }

  // 5. The registry itself accepts GitLab's token (and, with a project, lets it read the repository).
  const probe = req.project ? `${challenge.baseUrl}/v2/${req.project}/tags/list?n=1` : `${challenge.baseUrl}/v2/`;
  let check: HttpResponse;
  try {
    check = await getWithRetry(deps.http, probe, { authorization: `Bearer ${jwt}` }, { ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  } catch (e) {
    const v = transportVerdict(e, `the registry ${req.registry.registry} cannot be reached`);
    step('registry-accepts', 'Registry accepts the token', 'fail', v.message);
    return finish(v, { ...extra, granted });
  }
  const accepted = check.status === 200 || (req.project !== undefined && check.status === 404 && /NAME_UNKNOWN/i.test(check.body));
  if (!accepted) {
    const path = req.project ?? '/v2/';
    const v =
      check.status === 429 || check.status >= 500
        ? // An outage or a rate limit at the registry says nothing about the credential (GitLab has just issued a token).
          verdict(
            'unreachable',
            `The registry ${req.registry.registry} answered HTTP ${check.status} when asked to accept GitLab's token for ${path} (after retries): the registry is ${check.status === 429 ? 'rate-limiting you' : 'having trouble'}, your credential and access were not the problem.`,
            check.status === 429 ? 'Wait a minute and try again.' : "Try again in a minute; if it persists, check the instance's status page or tell the admin.",
          )
        : check.status === 404
          ? // distribution answers an unknown repository with 404 NAME_UNKNOWN (accepted above); a bare 404 is not its answer.
            verdict(
              'not-a-registry',
              `${req.registry.registry} answered HTTP 404 for ${path} without a registry error: something other than the container registry answers there.`,
              'Check --registry (host and port) and any proxy or load balancer in front of the registry.',
            )
          : check.status === 401
        ? verdict(
            'registry-rejected-token',
            `GitLab issued a token but the registry rejects it (HTTP 401): the registry and GitLab disagree on the signing key, issuer or service, or their clocks differ.`,
            'This is a server-side fault: tell the instance admin (registry auth.token settings, the GitLab registry key, NTP).',
          )
        : verdict('insufficient-access', `The registry refused the token for ${req.project ?? '/v2/'} (HTTP ${check.status}: ${errorText(check.body).slice(0, 120)}).`, missingFix(req.credentialType, 'pull', req.project ?? 'the project'));
    step('registry-accepts', 'Registry accepts the token', 'fail', v.message);
    return finish(v, { ...extra, granted });
  }
  step('registry-accepts', 'Registry accepts the token', 'pass');

  const who = `${req.username}`;
  // No image at the path yet, and push granted: GitLab has just recorded an (empty) repository there, as a
  // first push would (container_registry_authentication_service.rb `ensure_container_repository!`).
  const created = req.project && req.access === 'push' && check.status === 404 ? ` ${req.project} has no images yet: GitLab records an empty repository entry there when it grants push, so the project's Container registry page may now list it.` : '';
  const message = req.project
    ? `${who} can ${req.access === 'push' ? 'pull and push' : 'pull'} ${req.project} on ${req.registry.registry}${notes.length ? ` (${notes.join('; ')})` : ''}.${created}`
    : `The credential is valid and has registry access on ${req.registry.registry}. No --project was given, so pull and push were not checked (docker login checks no more than this).`;
  return finish(verdict('ok', message), { ...extra, granted, ...(projectPath ? { projectPath } : {}) });
}
