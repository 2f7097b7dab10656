// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { requiredScopes, type Access, type CredentialType } from './credentials.js';
import type { HttpClient } from './http.js';

/** What is known that changes the links: the project GitLab resolved (JWT meta.project_path), the username. */
export interface LinkContext {
  /** The project path from GitLab's token (`meta.project_path`), when GitLab granted something. */
  projectPath?: string | undefined;
  /** The GitLab username, when known: a first path segment equal to it is a personal namespace. */
  username?: string | undefined;
  /** The instance's version (`16.7.0-ee`), when known. */
  version?: string | undefined;
  /** The personal-access-token page the instance itself proved it has (see probePatPage). */
  patPage?: PatPage | undefined;
  /**
   * Prefill `self_rotate` too, so gitlab-registry-login may renew the token before it expires
   * (POST /personal_access_tokens/self/rotate). The scope exists for personal, project and group access tokens since
   * GitLab 17.9 (docs.gitlab.com/user/profile/personal_access_tokens/#personal-access-token-scopes: "`self_rotate`
   * introduced in GitLab 17.9", gitlab-org/gitlab!178111); deploy tokens have no such scope.
   */
  selfRotate?: boolean | undefined;
}

/** The scope that lets a personal, project or group access token rotate itself (GitLab 17.9 and later). */
export const SELF_ROTATE = 'self_rotate';

/** `current`: the instance serves `/-/user_settings/personal_access_tokens` (GitLab 16.7 and later). */
export type PatPage = 'current';

/**
 * Which personal-access-token page the instance has, asked without any credential: an anonymous GET of the old
 * page, `/-/profile/personal_access_tokens`. GitLab 16.7 moved the page and kept the old path as a routing
 * redirect to the new one (gitlabhq config/routes/user_settings.rb, "Redirect routes till GitLab 17.0 release":
 * `get :personal_access_tokens, to: redirect(path: '-/user_settings/personal_access_tokens')`), answered by the
 * router before any sign-in check (Rails' `redirect` answers 301, with the relative URL root): a redirect there to `/-/user_settings/personal_access_tokens` proves the
 * new page. Nothing anonymous proves the old one: before 16.7 both paths answer a redirect to sign-in
 * (the old page's controller requires sign-in, and an unknown route does too, app/controllers/application_controller.rb
 * `route_not_found`: `redirect_to new_user_session_path` for a signed-out visitor), and so would a later GitLab
 * that dropped the redirect. So the answer is `current` or undefined (inconclusive: give both pages).
 * Never throws; bounded by the client's timeout; the response is read whole, so its socket is released.
 */
export async function probePatPage(http: HttpClient, gitlab: string): Promise<PatPage | undefined> {
  const base = gitlab.replace(/\/+$/, '');
  const url = `${base}/-/profile/personal_access_tokens`;
  try {
    const res = await http.get(url);
    const location = res.headers.location;
    if (![301, 302, 307, 308].includes(res.status) || typeof location !== 'string') return undefined;
    const to = new URL(location, url);
    const want = new URL(`${base}/-/user_settings/personal_access_tokens`);
    // The path alone: behind a proxy GitLab may build the redirect's scheme or host from its own settings.
    return to.pathname === want.pathname ? 'current' : undefined;
  } catch {
    return undefined;
  }
}

export interface TokenLinks {
  /** Where to create the credential, prefilled where GitLab allows it. */
  url: string;
  /** The same page on older GitLab versions, when the version is not known. */
  alternates: string[];
  /** What the person should know about that page. */
  notes: string[];
}

const DESCRIPTION = 'docker login to the container registry (gitlab-registry-login)';

function isGitlabCom(base: string): boolean {
  try {
    return new URL(base).hostname.toLowerCase() === 'gitlab.com';
  } catch {
    return false;
  }
}

/** `16.7.0-ee` → [16, 7]; undefined when not a version. */
function versionOf(v: string | undefined): [number, number] | undefined {
  const m = v ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** `name`, `scopes` (comma-separated, as GitLab reads it) and `description` prefill. */
function prefill(access: Access, withDescription: boolean, selfRotate = false): string {
  const scopes = [...requiredScopes(access), ...(selfRotate ? [SELF_ROTATE] : [])];
  const q = new URLSearchParams({ name: 'container registry', scopes: scopes.join(',') });
  if (withDescription) q.set('description', DESCRIPTION);
  return q.toString().replace(/%2C/g, ',');
}

/**
 * Where to create the credential, and what to know about it. Sources:
 * - personal access tokens: `/-/user_settings/personal_access_tokens` since GitLab 16.7, before it
 *   `/-/profile/personal_access_tokens`; `name`, `scopes` and `description` prefill
 *   (docs.gitlab.com/user/profile/personal_access_tokens/#prefill-personal-access-token-name-and-scopes);
 * - project and group access tokens: the project's or group's Settings › Access tokens, with `name` and `scopes`
 *   prefill (gitlab-org/gitlab!149672); on GitLab.com they need the Premium or Ultimate tier
 *   (docs.gitlab.com/user/project/settings/project_access_tokens/);
 * - deploy tokens: the project's Settings › Repository › Deploy tokens.
 * Personal namespaces (`alice/app`) have no group pages.
 */
export function tokenLinks(gitlab: string, type: CredentialType, access: Access, project?: string, ctx: LinkContext = {}): TokenLinks | undefined {
  const base = gitlab.replace(/\/+$/, '');
  const com = isGitlabCom(base);
  const notes: string[] = [];
  // The project: GitLab's own answer, else the path given (which may be an image below the project).
  const projectPath = ctx.projectPath ?? project;
  const assumed = !ctx.projectPath && project !== undefined;
  const assumeNote = () => {
    if (assumed) notes.push(`This link assumes ${project} is the project; if it is an image below the project, use the project's own path.`);
  };
  const namespace = projectPath?.split('/')[0];
  const personal = namespace !== undefined && ctx.username !== undefined && namespace.toLowerCase() === ctx.username.toLowerCase();
  switch (type) {
    case 'personal-access-token': {
      const v = versionOf(ctx.version);
      const modern = com || ctx.patPage === 'current' || (v !== undefined && (v[0] > 16 || (v[0] === 16 && v[1] >= 7)));
      const old = v !== undefined && !modern;
      const q = prefill(access, true, ctx.selfRotate);
      const current = `${base}/-/user_settings/personal_access_tokens?${q}`;
      const before = `${base}/-/profile/personal_access_tokens?${prefill(access, false, ctx.selfRotate)}`;
      if (old) return { url: before, alternates: [], notes };
      if (modern) return { url: current, alternates: [], notes };
      notes.push('Before GitLab 16.7 this page is at the second link.');
      return { url: current, alternates: [before], notes };
    }
    case 'project-access-token': {
      if (!projectPath) return undefined;
      assumeNote();
      if (com) notes.push('On GitLab.com, project access tokens need the Premium or Ultimate tier.');
      return { url: `${base}/${projectPath}/-/settings/access_tokens?${prefill(access, false, ctx.selfRotate)}`, alternates: [], notes };
    }
    case 'group-access-token': {
      if (!namespace) return undefined;
      if (personal) {
        notes.push(`${namespace} is a personal namespace, which has no group access tokens: use a project access token or a personal access token.`);
        return undefined;
      }
      if (ctx.username === undefined) notes.push(`If ${namespace} is a user's personal namespace, it has no group pages: use a project access token instead.`);
      if (com) notes.push('On GitLab.com, group access tokens need the Premium or Ultimate tier.');
      return { url: `${base}/groups/${namespace}/-/settings/access_tokens?${prefill(access, false, ctx.selfRotate)}`, alternates: [], notes };
    }
    case 'deploy-token': {
      if (!projectPath) return undefined;
      assumeNote();
      return { url: `${base}/${projectPath}/-/settings/repository#js-deploy-tokens`, alternates: [], notes };
    }
    default:
      return undefined;
  }
}

/** Where to create the credential, prefilled where GitLab allows it. */
export function tokenPage(gitlab: string, type: CredentialType, access: Access, project?: string, ctx: LinkContext = {}): string | undefined {
  return tokenLinks(gitlab, type, access, project, ctx)?.url;
}

/** The notes and alternate pages that go with tokenPage, as lines to show under it. */
export function tokenPageNotes(gitlab: string, type: CredentialType, access: Access, project?: string, ctx: LinkContext = {}): string[] {
  const l = tokenLinks(gitlab, type, access, project, ctx);
  if (!l) {
    // A group token for a personal namespace: the reason there is no link.
    const ns = project?.split('/')[0];
    return type === 'group-access-token' && ns && ctx.username && ns.toLowerCase() === ctx.username.toLowerCase()
      ? [`${ns} is a personal namespace, which has no group access tokens: use a project access token or a personal access token.`]
      : [];
  }
  return [...l.alternates, ...l.notes];
}

/**
 * Said before a push check (the wizard's "What you need"): asking GitLab for push on a path with no images yet makes it
 * record an empty repository entry there, as a first push would (GitLab: app/services/auth/
 * container_registry_authentication_service.rb, ensure_container_repository! when push is granted; EE also writes a
 * container_repository_created audit event). Whether the path has images cannot be known before a token is issued.
 */
export function pushCheckNote(project: string): string {
  return `Checking push on ${project}: if it has no images yet, GitLab records an empty repository entry there (as a first push would).`;
}
