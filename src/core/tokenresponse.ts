// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * What GitLab's token endpoint (`/jwt/auth`) answered, and what the issued token grants, as verdicts.
 * Pure: no I/O. Every rule names the GitLab source it follows; the test table quotes GitLab's own texts.
 *
 * Sources (gitlabhq/gitlabhq):
 * - app/controllers/jwt_controller.rb `render_access_denied` (401) and `auth` (render json: result);
 * - app/services/auth/container_registry_authentication_service.rb `execute` (404 UNAVAILABLE, 403 DENIED
 *   "access forbidden", 403 "Pushing to protected repository path forbidden"), `process_repository_access`;
 * - ee/app/services/ee/auth/container_registry_authentication_service.rb (403 namespace storage limit on push);
 * - lib/gitlab/auth/ip_blocked.rb + app/controllers/application_controller.rb `rescue_from IpBlocked`
 *   (403 text/plain "Too many failed authentication attempts from this IP");
 * - lib/gitlab/auth.rb `find_for_git_client` (who gets the 401);
 * - lib/container_registry/path.rb `repository_project` (`components.first(3)`: the project is found only
 *   among the three longest prefixes of the path).
 */
import { shown } from './sanitise.js';
import { CREDENTIALS, requiredRole, requiredScopes, type Access, type CredentialType } from './credentials.js';
import { accessMeta, grantedActions, type AccessMeta, type TokenClaims } from './jwt.js';
import { verdict, type Verdict } from './verdict.js';

export interface TokenAnswer {
  status: number;
  body: string;
  headers?: Record<string, string | string[] | undefined>;
}

export interface TokenContext {
  credentialType: CredentialType;
  username: string;
  access: Access;
  /** The registry repository path asked for, if any. */
  project?: string | undefined;
  /** The realm's host, for messages. */
  realmHost: string;
}

export type TokenClassification =
  | { kind: 'token'; jwt: string }
  /** `step`: which verify step failed: the endpoint itself (`realm`) or the credential it judged. */
  | { kind: 'verdict'; step: 'realm' | 'credential'; verdict: Verdict };

interface GitlabError {
  code?: string;
  message?: string;
}

/** GitLab's `{"errors":[{code,message}]}` (or a `{"message":…}` body), else []. */
export function gitlabErrors(body: string): GitlabError[] {
  try {
    const j = JSON.parse(body) as { errors?: unknown; message?: unknown };
    if (Array.isArray(j.errors)) {
      return j.errors
        .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
        .map((e) => ({ ...(typeof e.code === 'string' ? { code: e.code } : {}), ...(typeof e.message === 'string' ? { message: e.message } : {}) }));
    }
    if (typeof j.message === 'string') return [{ message: j.message }];
  } catch {
    /* not JSON */
  }
  return [];
}

/** GitLab's error text: `CODE message` for each JSON error, else the body as it is (shown()). */
export function errorText(body: string): string {
  const errs = gitlabErrors(body);
  return shown(
    errs
      .map((e) => `${e.code ?? ''} ${e.message ?? ''}`)
      .join(' ')
      .trim() || body,
  );
}

// app/controllers/application_controller.rb `rescue_from Gitlab::Auth::IpBlocked … render plain: e.message`
// with lib/gitlab/auth/ip_blocked.rb's text.
const IP_BLOCKED = /Too many failed authentication attempts from this IP/i;
// ee/app/services/ee/auth/container_registry_authentication_service.rb `rescue StorageError`.
const STORAGE_LIMIT = /namespace storage limit has been reached/i;
// app/services/auth/container_registry_authentication_service.rb `execute`.
const PROTECTED_PATH = /^Pushing to protected repository path forbidden$/i;

/** The message for a 401 from GitLab's token endpoint, by credential type (lib/gitlab/auth.rb). */
export function invalidCredentials(type: CredentialType, username: string): Verdict {
  const msg = 'GitLab rejected the username and token (401 HTTP Basic: Access denied).';
  switch (type) {
    case 'deploy-token':
      // lib/gitlab/auth.rb `deploy_token_check`: `return if login != token.username`.
      return verdict(
        'invalid-credentials',
        msg,
        `A deploy token works only with its own username (like gitlab+deploy-token-42), not "${username}": copy it from the token's page. Also check that the token is not expired or revoked.`,
      );
    case 'job-token':
    case 'ci-registry-password':
      // lib/gitlab/auth.rb `build_access_token_check`: login must be gitlab-ci-token, the job must be running.
      return verdict(
        'invalid-credentials',
        msg,
        'Job tokens are valid only while their job runs, with the username gitlab-ci-token: use $CI_REGISTRY_USER / $CI_REGISTRY_PASSWORD or $CI_JOB_TOKEN of the running job.',
      );
    case 'personal-access-token':
      // lib/gitlab/auth.rb `personal_access_token_check`: an active token whose owner
      // `can_log_in_with_non_expired_password?` (not blocked, not locked, no expired password to change).
      return verdict(
        'invalid-credentials',
        msg,
        'The token is wrong, expired or revoked: create a new personal access token. An account password does not work when two-factor authentication is on: use a token. If the token is new and right, the account itself cannot sign in (blocked, locked after failed sign-ins, or its password expired and must be changed): sign in to GitLab in a browser to see which; a new token will not help until that is fixed.',
      );
    default:
      return verdict(
        'invalid-credentials',
        msg,
        `The ${CREDENTIALS[type].label.toLowerCase()} is wrong, expired or revoked: create a new one in the project or group's Settings › Access tokens.`,
      );
  }
}

/** The fix for a credential without any registry ability (403 DENIED "access forbidden"). */
export function scopeFix(type: CredentialType, access: Access): string {
  if (!CREDENTIALS[type].hasScopes)
    return 'A job token always has registry access while its job runs: check that the container registry is enabled for the project.';
  const scopes = requiredScopes(access).join(' and ');
  // Deploy tokens have no api/read_api scope (app/models/deploy_token.rb AVAILABLE_SCOPES).
  // A proxy that drops Authorization makes the request anonymous, which GitLab answers the same way
  // (docs: authenticate_with_container_registry.md, "docker login fails with an authentication error").
  const proxy = ' If it already has them, a proxy in front of GitLab may be stripping the Authorization header: tell the instance admin.';
  if (type === 'deploy-token') return `Create a deploy token with the scope ${scopes} (deploy tokens have no api scope).${proxy}`;
  return `Create a ${CREDENTIALS[type].label.toLowerCase()} with the scope ${scopes} (api works too, but grants far more).${proxy}`;
}

/** What to do when the namespace storage limit stops a push: said by the token endpoint's verdict and by explain.ts. */
export const STORAGE_LIMIT_FIX =
  "Free storage in the namespace (delete unused images and tags, packages, artifacts) or buy more: the namespace's Usage quotas page (a group's Settings › Usage quotas, or your user settings for a personal namespace) shows what uses it. A new token or role will not help.";

/** GitLab's 403 from the token endpoint, told by its text (an IP ban, a storage limit, a protected path, no scope). */
function forbiddenVerdict(body: string, errs: ReturnType<typeof gitlabErrors>, text: string, ctx: TokenContext): Verdict {
  if (IP_BLOCKED.test(body)) {
    // docs.gitlab.com/security/rate_limits/ "Failed authentication ban for Git and container registry":
    // 403 for 1 hour after 30 failures in 3 minutes from one IP (self-managed: the admin's settings).
    return verdict(
      'ip-blocked',
      'GitLab refuses every sign-in from this IP address for now: too many failed authentications came from it (403 "Too many failed authentication attempts from this IP"). The credential was not checked.',
      'Wait for the ban to lift (1 hour by default) and stop whatever keeps retrying a failing login from this IP (a CI job, a docker or git credential): every try during the ban is refused unchecked, and failures after it start the count again. Do not replace the token for this; an admin can lift the ban early.',
    );
  }
  const messages = errs.map((e) => e.message ?? '');
  if (messages.some((m) => STORAGE_LIMIT.test(m))) {
    return verdict(
      'storage-limit',
      `The credential is valid, but GitLab refuses pushes to ${ctx.project ?? 'this namespace'}: the namespace storage limit has been reached (403 "${shown(
        messages.find((m) => STORAGE_LIMIT.test(m))!,
        200,
      )}"). Pulling still works.`,
      STORAGE_LIMIT_FIX,
    );
  }
  if (messages.some((m) => PROTECTED_PATH.test(m.trim()))) {
    return verdict(
      'insufficient-access',
      `GitLab refused: pushing to the protected repository path ${ctx.project ?? ''} is forbidden for this credential (403 "Pushing to protected repository path forbidden").`,
      "A protection rule (the project's Settings › Packages and registries › Container registry › Protected container repositories) limits who may push to this path: ask a Maintainer or Owner, or push to another path.",
    );
  }
  if (errs.length === 1 && errs[0]!.code === 'DENIED' && errs[0]!.message === 'access forbidden') {
    return verdict(
      'no-registry-scope',
      'GitLab accepted the credential but it has no registry access (403 DENIED access forbidden).',
      scopeFix(ctx.credentialType, ctx.access),
    );
  }
  return verdict(
    'gitlab-refused',
    `GitLab's token endpoint refused the request (HTTP 403${text ? `: "${text}"` : ', with an empty body'}). This tool does not know this answer, so the cause is not guessed.`,
    text
      ? "Read GitLab's text above; if it does not say what to do, ask the instance admin (GitLab's auth.log has the reason)."
      : 'An empty 403 often comes from a proxy or firewall in front of GitLab, or from the too-many-IPs limit; ask the instance admin.',
  );
}

/**
 * Classify the token endpoint's answer. A 200 with a token is `{kind: 'token'}`; everything else a verdict.
 * (429 and 5xx have already been retried by the caller.)
 */
export function classifyTokenResponse(res: TokenAnswer, ctx: TokenContext): TokenClassification {
  const fail = (step: 'realm' | 'credential', v: Verdict): TokenClassification => ({ kind: 'verdict', step, verdict: v });
  if (res.status >= 300 && res.status < 400) {
    // Never followed: the Authorization header must not travel to wherever it points.
    const location = res.headers?.location;
    return fail(
      'realm',
      verdict(
        'untrusted-realm',
        `GitLab's token endpoint redirected (HTTP ${res.status}) to ${shown(String(Array.isArray(location) ? location[0] : (location ?? 'elsewhere')), 120)}; the token was not sent on.`,
        "Use the instance's canonical URL (the one the registry's realm names), or tell the admin that the realm redirects.",
      ),
    );
  }
  const errs = gitlabErrors(res.body);
  const text = errorText(res.body);
  if (res.status === 401) return fail('credential', invalidCredentials(ctx.credentialType, ctx.username));
  if (res.status === 403) return fail('credential', forbiddenVerdict(res.body, errs, text, ctx));
  if (res.status === 404 && errs.some((e) => e.code === 'UNAVAILABLE' || /registry not enabled/i.test(e.message ?? ''))) {
    return fail(
      'credential',
      verdict(
        'registry-disabled',
        'GitLab says the container registry is not enabled on this instance (404 UNAVAILABLE "registry not enabled"; GitLab answers this for the whole instance, never for one project).',
        "An admin must enable the container registry (gitlab_rails['registry_enabled'], registry_external_url).",
      ),
    );
  }
  if (res.status === 429 || res.status >= 500) {
    return fail(
      'realm',
      verdict(
        'unreachable',
        `GitLab's token endpoint answered HTTP ${res.status} several times.`,
        res.status === 429
          ? 'GitLab is rate-limiting you: wait a minute and try again.'
          : "GitLab is having trouble: try again in a minute, or check the instance's status page.",
      ),
    );
  }
  if (res.status === 200) {
    try {
      const j = JSON.parse(res.body) as { token?: unknown; access_token?: unknown };
      const tok = typeof j.token === 'string' ? j.token : j.access_token;
      if (typeof tok === 'string' && tok !== '') return { kind: 'token', jwt: tok };
    } catch {
      /* handled below */
    }
  }
  return fail(
    'realm',
    verdict(
      'not-a-registry',
      `${ctx.realmHost} did not answer like GitLab's token endpoint (HTTP ${res.status}${res.status === 200 ? ', no token in the body' : ''}).`,
      "Check --registry and --gitlab; if they are right, the registry's realm setting is wrong: tell the instance admin.",
    ),
  );
}

/** What the issued token grants on the project, judged. */
export interface GrantJudgement {
  granted: string[];
  meta?: AccessMeta;
  /** A verdict when the grant falls short of what was asked. */
  verdict?: Verdict;
  /** Qualifiers of a full grant: tags that cannot be pushed, immutable tags. */
  notes: string[];
}

/** Where a project's own registry is switched on or off (docs.gitlab.com/user/packages/container_registry/#disable-the-container-registry-for-a-project). */
const REGISTRY_SETTING = 'Settings › General › Visibility, project features, permissions › Container registry';
const PROJECT_SETTING = `the project's container registry is turned off (${REGISTRY_SETTING})`;

/** The three paths GitLab tries as the project for `path` (lib/container_registry/path.rb). */
export function projectCandidates(path: string): string[] {
  const nodes = path.split('/');
  const out: string[] = [];
  for (let n = nodes.length; n >= 2 && out.length < 3; n--) out.push(nodes.slice(0, n).join('/'));
  return out;
}

export function missingFix(type: CredentialType, missing: 'pull' | 'push', project: string): string {
  if (!CREDENTIALS[type].hasScopes) {
    // app/services/auth/container_registry_authentication_service.rb `build_can_push?` / `build_can_pull?`;
    // docs.gitlab.com/ci/jobs/ci_job_token/ (allowlist, the triggering user's role, public/internal projects).
    return missing === 'push'
      ? `A job token can push only to its own project; ${project} is another project. Use a deploy token or project access token with write_registry for it.`
      : `A job token pulls another project only when both hold: the user who started the job is a member of ${project} who may pull (Reporter or higher; any signed-in user for a public or internal project whose registry is visible to everyone with access), and ${project} admits this job's project in its Settings › CI/CD › Job token permissions allowlist (not needed for a public or internal project unless its container registry is set to "Only Project Members"). Or use a deploy token with read_registry.`;
  }
  const scope = missing === 'push' ? 'write_registry' : 'read_registry';
  const role = type === 'deploy-token' ? '' : ` and at least the ${requiredRole(missing)} role on ${project}`;
  return `The token needs the scope ${scope}${role}. Check also that ${project} exists and is spelled as in its URL, and that its container registry is turned on (${REGISTRY_SETTING}).`;
}

function tagNotes(meta: AccessMeta | undefined, pushGranted: boolean): string[] {
  if (!meta || !pushGranted) return [];
  const notes: string[] = [];
  if (meta.tagDenyPush?.length) notes.push(`push allowed, except tags matching ${meta.tagDenyPush.join(', ')} (protected tags)`);
  if (meta.tagImmutable?.length) notes.push(`tags matching ${meta.tagImmutable.join(', ')} are immutable: pushed once, never overwritten`);
  return notes;
}

/**
 * Judge the access GitLab granted on `project` against what was asked.
 * `claims` undefined: the token could not be read.
 */
export function judgeGrant(claims: TokenClaims | undefined, ctx: TokenContext & { project: string }): GrantJudgement {
  const project = ctx.project;
  if (!claims) {
    return {
      granted: [],
      notes: [],
      verdict: verdict(
        'insufficient-access',
        `GitLab's token for ${project} could not be read, so access is unknown.`,
        missingFix(ctx.credentialType, 'pull', project),
      ),
    };
  }
  const granted = grantedActions(claims, project);
  const meta = accessMeta(claims, project);
  const canPull = granted.includes('pull');
  const canPush = granted.includes('push');
  const base = { granted, ...(meta ? { meta } : {}) };
  if (ctx.access === 'push' && canPush && !canPull) {
    // write_registry alone: GitLab grants push, and the registry needs pull for every push
    // (docs: "For write (push) access, must be write_registry and read_registry").
    return {
      ...base,
      notes: [],
      verdict: verdict(
        'insufficient-access',
        `GitLab granted push but not pull on ${project}: the credential has write_registry without read_registry.`,
        CREDENTIALS[ctx.credentialType].hasScopes
          ? `Add read_registry to the ${CREDENTIALS[ctx.credentialType].label.toLowerCase()} (a push needs read_registry and write_registry).`
          : 'Use $CI_JOB_TOKEN of a running job in this project.',
      ),
    };
  }
  if (!canPull) {
    const candidates = projectCandidates(project);
    const deep = project.split('/').length >= 5;
    const message = deep
      ? `The credential is valid but GitLab granted no access to ${project}. GitLab looks for the project only at ${candidates.join(', ')}: if the project is higher up, the image is more than two levels below it, and GitLab grants nothing there.`
      : `The credential is valid but GitLab granted no access to ${project} (missing or not visible to this credential, or ${PROJECT_SETTING}).`;
    const fix = deep
      ? `Keep the image at most two levels below the project (group/project/a/b). If the project is one of ${candidates.join(', ')}: ${missingFix(ctx.credentialType, 'pull', project)}`
      : missingFix(ctx.credentialType, 'pull', project);
    return { ...base, notes: [], verdict: verdict('insufficient-access', message, fix) };
  }
  if (ctx.access === 'push' && !canPush) {
    return {
      ...base,
      notes: [],
      verdict: verdict(
        'insufficient-access',
        `The credential is valid and can pull ${project}, but GitLab did not grant push.`,
        missingFix(ctx.credentialType, 'push', project),
      ),
    };
  }
  return { ...base, notes: tagNotes(meta, canPush) };
}
