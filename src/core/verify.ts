import { actionsFor, CREDENTIALS, requiredRole, requiredScopes, type Access, type CredentialType } from './credentials.js';
import { InputError } from './errors.js';
import type { RegistryAddress } from './hosts.js';
import type { HttpClient, HttpResponse } from './http.js';
import { grantedActions, readClaims, type TokenClaims } from './jwt.js';
import { decideRealm, fetchChallenge, getWithRetry, transportVerdict, type RegistryChallenge } from './registry.js';
import { verdict, type Verdict } from './verdict.js';
import { quote } from './sanitise.js';

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
  steps: Step[];
}

interface GitlabError {
  code?: string;
  message?: string;
}

function gitlabErrors(body: string): GitlabError[] {
  try {
    const j = JSON.parse(body) as { errors?: unknown; message?: unknown };
    if (Array.isArray(j.errors)) return j.errors.filter((e): e is GitlabError => typeof e === 'object' && e !== null);
    if (typeof j.message === 'string') return [{ message: j.message }];
  } catch {
    /* not JSON */
  }
  return [];
}

function errorText(res: HttpResponse): string {
  const errs = gitlabErrors(res.body);
  // Server text: quoted sanitised and capped (a 900 KB message or an escape sequence is data, not display).
  return quote(errs.map((e) => `${e.code ?? ''} ${e.message ?? ''}`).join(' ').trim() || res.body);
}

/** The message for a 401 from GitLab's token endpoint, by credential type. */
export function invalidCredentials(type: CredentialType, username: string): Verdict {
  const msg = 'GitLab rejected the username and token (401 HTTP Basic: Access denied).';
  switch (type) {
    case 'deploy-token':
      return verdict(
        'invalid-credentials',
        msg,
        `A deploy token works only with its own username (like gitlab+deploy-token-42), not "${username}": copy it from the token's page. Also check that the token is not expired or revoked.`,
      );
    case 'job-token':
    case 'ci-registry-password':
      return verdict('invalid-credentials', msg, 'Job tokens are valid only while their job runs, with the username gitlab-ci-token: use $CI_REGISTRY_USER / $CI_REGISTRY_PASSWORD or $CI_JOB_TOKEN of the running job.');
    case 'personal-access-token':
      return verdict(
        'invalid-credentials',
        msg,
        'The token is wrong, expired or revoked: create a new personal access token. An account password does not work when two-factor authentication is on: use a token.',
      );
    default:
      return verdict('invalid-credentials', msg, `The ${CREDENTIALS[type].label.toLowerCase()} is wrong, expired or revoked: create a new one in the project or group's Settings > Access tokens.`);
  }
}

function scopeFix(type: CredentialType, access: Access): string {
  if (!CREDENTIALS[type].hasScopes) return 'Job tokens always have registry access while their job runs; check that the container registry is enabled for the project.';
  return `Create a ${CREDENTIALS[type].label.toLowerCase()} with the scope ${requiredScopes(access).join(' and ')} (api works too, but grants far more).`;
}

function missingFix(type: CredentialType, missing: 'pull' | 'push', project: string): string {
  if (!CREDENTIALS[type].hasScopes) {
    return missing === 'push'
      ? `A job token can push only to its own project; ${project} is another project. Use a deploy token or project access token with write_registry for it.`
      : `Allow this job's project in ${project}'s Settings > CI/CD > Job token permissions, or use a deploy token with read_registry.`;
  }
  const scope = missing === 'push' ? 'write_registry' : 'read_registry';
  const role = type === 'deploy-token' ? '' : ` and at least the ${requiredRole(missing)} role on ${project}`;
  return `The token needs the scope ${scope}${role}. Check also that ${project} exists and is spelled as in its URL.`;
}

/**
 * Verify a credential against the registry itself: the /v2/ challenge, GitLab's token endpoint,
 * the access the issued token grants, and that the registry accepts that token. Changes nothing anywhere.
 */
export async function verifyCredential(req: VerifyRequest, deps: VerifyDeps): Promise<VerifyResult> {
  const result = await verifyOnce(req, deps);
  if (result.ok || !req.knownRealm) return result;
  // A remembered realm that fails may be stale (the registry now sends logins elsewhere, or the address is
  // another server now). Ask the registry (a request without credentials): the same challenge confirms the
  // verdict, and a credential that is simply wrong is not sent twice; another challenge, or none, is what the
  // registry says today, and the check runs on that.
  const known = req.knownRealm;
  const fresh = await fetchChallenge(deps.http, req.registry, known.baseUrl.startsWith('https:') ? 'https' : 'http');
  const same = !('verdict' in fresh) && fresh.realm === known.realm && fresh.baseUrl === known.baseUrl && (fresh.service ?? '') === (known.service ?? '');
  return same ? result : verifyOnce({ ...req, knownRealm: undefined }, deps, fresh);
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
  const finish = (v: Verdict, extra: Partial<VerifyResult> = {}): VerifyResult => ({ ...base, ...extra, ...v, ok: v.verdict === 'ok' });

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
    res = await getWithRetry(deps.http, url.href, { authorization: auth });
  } catch (e) {
    const v = transportVerdict(e, `GitLab's token endpoint ${decision.realm.host} cannot be reached`);
    step('realm', 'GitLab token endpoint', 'fail', v.message);
    return finish(v, extra);
  }
  if (res.status >= 300 && res.status < 400) {
    // Never followed: the Authorization header must not travel to wherever it points.
    const v = verdict(
      'untrusted-realm',
      `GitLab's token endpoint redirected (HTTP ${res.status}) to ${String(res.headers.location ?? 'elsewhere').slice(0, 120)}; the token was not sent on.`,
      'Use the instance\'s canonical URL (the one the registry\'s realm names), or tell the admin that the realm redirects.',
    );
    step('realm', 'GitLab token endpoint', 'fail', v.message);
    return finish(v, extra);
  }
  const text = errorText(res);
  if (res.status === 401) {
    step('realm', 'GitLab token endpoint', 'pass');
    const v = invalidCredentials(req.credentialType, req.username);
    step('credential', 'Credential', 'fail', v.message);
    return finish(v, extra);
  }
  if (res.status === 403) {
    step('realm', 'GitLab token endpoint', 'pass');
    const v = /protected repository path/i.test(text)
      ? verdict(
          'insufficient-access',
          `GitLab refused: pushing to the protected repository path ${req.project ?? ''} is forbidden for this credential.`,
          'A protection rule on the project (Settings > Packages and registries > Protected container repositories) limits who may push this path: ask a Maintainer, or push to another path.',
        )
      : verdict('no-registry-scope', `GitLab accepted the credential but it has no registry access (403 ${text || 'access forbidden'}).`, scopeFix(req.credentialType, req.access));
    step('credential', 'Credential', 'fail', v.message);
    return finish(v, extra);
  }
  if (res.status === 404 && /registry.*not.*enabled|not.*enabled/i.test(text)) {
    step('realm', 'GitLab token endpoint', 'pass');
    const v = verdict('registry-disabled', 'GitLab says the container registry is not enabled on this instance.', 'An admin must enable the container registry (gitlab_rails[\'registry_enabled\']).');
    step('credential', 'Credential', 'fail', v.message);
    return finish(v, extra);
  }
  if (res.status === 429 || res.status >= 500) {
    const v = verdict('unreachable', `GitLab's token endpoint answered HTTP ${res.status} several times.`, res.status === 429 ? 'GitLab is rate-limiting you: wait a minute and try again.' : 'GitLab is having trouble: try again in a minute, or check the instance\'s status page.');
    step('realm', 'GitLab token endpoint', 'fail', v.message);
    return finish(v, extra);
  }
  let jwt: string | undefined;
  if (res.status === 200) {
    try {
      const j = JSON.parse(res.body) as { token?: unknown; access_token?: unknown };
      const tok = typeof j.token === 'string' ? j.token : j.access_token;
      if (typeof tok === 'string' && tok !== '') jwt = tok;
    } catch {
      /* handled below */
    }
  }
  if (!jwt) {
    const v = verdict(
      'not-a-registry',
      `${decision.realm.host} did not answer like GitLab's token endpoint (HTTP ${res.status}${res.status === 200 ? ', no token in the body' : ''}).`,
      'Check --registry and --gitlab; if they are right, the registry\'s realm setting is wrong: tell the instance admin.',
    );
    step('realm', 'GitLab token endpoint', 'fail', v.message);
    return finish(v, extra);
  }
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
  if (req.project) {
    granted = claims ? grantedActions(claims, req.project) : [];
    const project = req.project;
    const canPull = granted.includes('pull');
    step('pull', `Pull ${project}`, canPull ? 'pass' : 'fail');
    if (req.access === 'push') step('push', `Push ${project}`, granted.includes('push') ? 'pass' : 'fail');
    const missing = !canPull ? 'pull' : req.access === 'push' && !granted.includes('push') ? 'push' : undefined;
    if (missing) {
      const v = verdict(
        'insufficient-access',
        !claims
          ? `GitLab's token for ${project} could not be read, so access is unknown.`
          : canPull
            ? `The credential is valid and can pull ${project}, but GitLab did not grant push.`
            : `The credential is valid but GitLab granted no access to ${project} (missing or not visible to this credential).`,
        missingFix(req.credentialType, missing, project),
      );
      return finish(v, { ...extra, granted });
    }
  }

  // 5. The registry itself accepts GitLab's token (and, with a project, lets it read the repository).
  const probe = req.project ? `${challenge.baseUrl}/v2/${req.project}/tags/list?n=1` : `${challenge.baseUrl}/v2/`;
  let check: HttpResponse;
  try {
    check = await getWithRetry(deps.http, probe, { authorization: `Bearer ${jwt}` });
  } catch (e) {
    const v = transportVerdict(e, `the registry ${req.registry.registry} cannot be reached`);
    step('registry-accepts', 'Registry accepts the token', 'fail', v.message);
    return finish(v, { ...extra, granted });
  }
  const accepted = check.status === 200 || (req.project !== undefined && check.status === 404 && /NAME_UNKNOWN/i.test(check.body));
  if (!accepted) {
    const v =
      check.status === 401
        ? verdict(
            'registry-rejected-token',
            `GitLab issued a token but the registry rejects it (HTTP 401): the registry and GitLab disagree on the signing key, issuer or service, or their clocks differ.`,
            'This is a server-side fault: tell the instance admin (registry auth.token settings, the GitLab registry key, NTP).',
          )
        : verdict('insufficient-access', `The registry refused the token for ${req.project ?? '/v2/'} (HTTP ${check.status}: ${errorText(check).slice(0, 120)}).`, missingFix(req.credentialType, 'pull', req.project ?? 'the project'));
    step('registry-accepts', 'Registry accepts the token', 'fail', v.message);
    return finish(v, { ...extra, granted });
  }
  step('registry-accepts', 'Registry accepts the token', 'pass');

  const who = `${req.username}`;
  const message = req.project
    ? `${who} can ${req.access === 'push' ? 'pull and push' : 'pull'} ${req.project} on ${req.registry.registry}.`
    : `The credential is valid and has registry access on ${req.registry.registry}. No --project was given, so pull and push were not checked (docker login checks no more than this).`;
  return finish(verdict('ok', message), { ...extra, granted });
}
