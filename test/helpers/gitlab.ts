/**
 * A GitLab-like registry token endpoint (`/jwt/auth`) with the semantics GitLab really has:
 * 401 for bad credentials, 403 for credentials without registry ability, 404 when the registry
 * is disabled, and granted actions silently dropped when scope or role falls short.
 *
 * It answers as GitLab does, quoting its texts (gitlabhq/gitlabhq):
 * - app/controllers/jwt_controller.rb: `render_access_denied` (401, no http_status key); `render json: result`
 *   (so service errors carry `"http_status"`); anonymous requests get read-only abilities;
 * - app/services/auth/container_registry_authentication_service.rb: `execute` (404 UNAVAILABLE, 403 DENIED),
 *   `process_repository_access` (only granted actions, with `meta`), `access_metadata` and
 *   `tag_deny_access_patterns`, `repository_path_push_protected?`, `can_access?` (project registry off);
 * - ee/app/services/ee/auth/container_registry_authentication_service.rb: the namespace storage limit on push,
 *   `tag_immutable_patterns`;
 * - lib/container_registry/path.rb: the project is found only among the three longest prefixes of the path;
 * - lib/gitlab/auth.rb: the order of credential checks, blocked users' 401, the failed-auth IP ban
 *   (lib/gitlab/auth/ip_blocked.rb text, rendered plain by app/controllers/application_controller.rb);
 *   gitlab-ci-token logins never count toward it.
 */
import http from 'node:http';
import { createHash, createPublicKey, createSign, randomUUID } from 'node:crypto';
import type { KeyPair } from './pki.js';
import { listen } from './servers.js';

export type Role = 'guest' | 'reporter' | 'developer' | 'maintainer';
const RANK: Record<Role, number> = { guest: 10, reporter: 20, developer: 30, maintainer: 40 };

export interface UserToken {
  kind: 'personal' | 'project' | 'group';
  username: string;
  token: string;
  scopes: string[];
  /** project path -> role */
  projects: Record<string, Role>;
  /** YYYY-MM-DD, for /api/v4/personal_access_tokens/self */
  expiresAt?: string;
  /** Expiry as days from today (UTC), computed when the server answers; wins over expiresAt. 0 or less: expired. */
  expiresInDays?: number;
  revoked?: boolean;
  /** The token's name in GitLab (default "registry"). */
  name?: string;
  /** The owner is blocked, locked, or must change an expired password (lib/gitlab/auth.rb: 401). */
  blocked?: boolean;
  /** Created this many days before today (UTC), for `created_at`; default: 2026-01-01. */
  createdDaysAgo?: number;
  /** The token this one was rotated from (`previous_personal_access_token_id`): set by the rotate endpoint. */
  previous?: string;
}
export interface DeployToken {
  username: string;
  token: string;
  scopes: string[];
  project: string;
}
export interface JobToken {
  token: string;
  project: string;
  /** Other projects whose allowlist admits this job's project. */
  allowedBy: string[];
}

/** A project's own settings (every project a token names exists; these add to it). */
export interface ProjectSettings {
  /** The project's container registry feature (Settings › General › Visibility…): off grants nothing. */
  registryEnabled?: boolean;
  /** EE: the root namespace is over its storage limit: every push request gets the 403 storage text. */
  storageFull?: boolean;
  /** Protected tags: `pattern` may be pushed only by `minimumPushRole` and above. */
  protectedTags?: Array<{ pattern: string; minimumPushRole: Role }>;
  /** EE immutable tag rules. */
  immutableTags?: string[];
}

export interface GitlabConfig {
  users?: UserToken[];
  deployTokens?: DeployToken[];
  jobTokens?: JobToken[];
  /** Paths where only maintainers may push. */
  protectedPaths?: string[];
  registryEnabled?: boolean;
  projects?: Record<string, ProjectSettings>;
  /** Ban an IP after this many failed authentications (lib/gitlab/auth/ip_rate_limiter.rb; off by default). */
  banAfterFailures?: number;
  /**
   * Which GitLab's web routes for the personal-access-token page, as a signed-out visitor sees them:
   * - `16.7` (default; 16.7 to 17.x): `/-/user_settings/personal_access_tokens` exists and the old
   *   `/-/profile/personal_access_tokens` is a routing redirect to it (config/routes/user_settings.rb,
   *   "Redirect routes till GitLab 17.0 release": `redirect(path: '-/user_settings/personal_access_tokens')`, 301);
   * - `old` (before 16.7): only `/-/profile/personal_access_tokens` exists (config/routes/profile.rb).
   * Either way a page that needs sign-in, and an unknown route, answer a signed-out visitor with a redirect to
   * `/users/sign_in` (app/controllers/application_controller.rb `route_not_found`), never a 404.
   */
  webRoutes?: '16.7' | 'old';
  /**
   * The longest lifetime a new token may have, in days (app/models/personal_access_token.rb
   * `MAX_PERSONAL_ACCESS_TOKEN_LIFETIME_IN_DAYS` = 365; EE's instance setting can lower it). Default 365.
   */
  maxLifetimeDays?: number;
  /**
   * `POST /personal_access_tokens/self/rotate` rotates (the old token revoked, the successor created) and then
   * loses its answer: `drop` closes the connection, `hang` never answers. For the "lost answer" tests.
   */
  loseRotateAnswer?: 'drop' | 'hang';
  /** The token string of each successor the rotate endpoint creates (default: `glpat-` and 20 random characters). */
  successorToken?: () => string;
}

export interface SeenRequest {
  path: string;
  query: Record<string, string>;
  /** The Basic username, never the password. */
  username?: string;
  hadAuthorization: boolean;
}

export interface FakeGitlab {
  url: string;
  realm: string;
  port: number;
  config: GitlabConfig;
  requests: SeenRequest[];
  /** Every Authorization header value received (so a test can prove where the token went). */
  authorizations: string[];
  /** Every PRIVATE-TOKEN header value received by the token API (so a test can prove where the token went). */
  privateTokens: string[];
  close(): Promise<void>;
}

function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/**
 * GitLab's `kid` (lib/json_web_token/rsa_token.rb `kid`, libtrust's KeyID): base32 of the first 30 bytes of
 * SHA-256 over the public key's DER, a colon every 4 characters. Checked against the vector in GitLab's
 * spec/lib/json_web_token/rsa_token_spec.rb (test/unit/testgitlab.test.ts).
 */
export function libtrustKid(publicKeyDer: Buffer): string {
  let bits = 0;
  let v = 0;
  let out = '';
  for (const b of createHash('sha256').update(publicKeyDer).digest().subarray(0, 30)) {
    v = ((v << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += B32[(v >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join(':');
}

/** A JWT as GitLab signs it (lib/json_web_token/rsa_token.rb): RS256, header {alg, kid, typ}, no x5c. */
export function signJwt(signer: KeyPair, claims: Record<string, unknown>): string {
  const der = createPublicKey(signer.keyPem).export({ type: 'spki', format: 'der' });
  const head = b64url({ alg: 'RS256', kid: libtrustKid(der), typ: 'JWT' });
  const body = b64url(claims);
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(signer.keyPem).toString('base64url');
  return `${head}.${body}.${sig}`;
}

/** app/services/auth/container_registry_authentication_service.rb `error`, rendered whole by jwt_controller.rb. */
function deny(res: http.ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ code, message }], http_status: status }));
}

/** app/controllers/jwt_controller.rb `render_access_denied` (no http_status key: a render of its own). */
function accessDenied(res: http.ServerResponse, base: string) {
  res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
  res.end(
    JSON.stringify({
      errors: [
        {
          code: 'UNAUTHORIZED',
          message: `HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped. See ${base}/help/user/profile/account/two_factor_authentication_troubleshooting.md#error-http-basic-access-denied-if-a-password-was-provided-for-git-authentication-`,
        },
      ],
    }),
  );
}

/** ee/app/services/ee/auth/container_registry_authentication_service.rb `rescue StorageError`. */
export const storageLimitMessage = (base: string) =>
  `Your action has been rejected because the namespace storage limit has been reached. For more information, visit ${base}/help/user/storage_usage_quotas.md.`;
/** lib/gitlab/auth/ip_blocked.rb */
export const IP_BLOCKED_TEXT = 'Too many failed authentication attempts from this IP';

/** Every project path the configuration names. */
function knownProjects(config: GitlabConfig): Set<string> {
  const all = new Set<string>(Object.keys(config.projects ?? {}));
  for (const u of config.users ?? []) for (const p of Object.keys(u.projects)) if (p.includes('/')) all.add(p);
  for (const d of config.deployTokens ?? []) all.add(d.project);
  for (const j of config.jobTokens ?? []) [j.project, ...j.allowedBy].forEach((p) => all.add(p));
  return all;
}

/**
 * lib/container_registry/path.rb `repository_project`: `Project.where_full_path_in(components.first(3))`,
 * components being the path's prefixes from the longest down to two nodes.
 */
export function projectOfPath(config: GitlabConfig, path: string): string | undefined {
  const nodes = path.split('/');
  if (nodes.length < 2) return undefined;
  const known = knownProjects(config);
  for (let n = nodes.length, tried = 0; n >= 2 && tried < 3; n--, tried++) {
    const candidate = nodes.slice(0, n).join('/');
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

/** A user's role on a project: on the project itself, else on its closest group. */
function roleOn(user: UserToken, project: string): number {
  const nodes = project.split('/');
  for (let n = nodes.length; n >= 1; n--) {
    const r = user.projects[nodes.slice(0, n).join('/')];
    if (r) return RANK[r];
  }
  return 0;
}

type Who = { kind: 'user'; user: UserToken } | { kind: 'deploy'; token: DeployToken } | { kind: 'job'; job: JobToken } | { kind: 'anonymous' };

/** lib/gitlab/auth.rb `find_for_git_client`, for what this fake knows: 'denied' is the 401. */
function authenticate(config: GitlabConfig, username: string | undefined, password: string): Who | 'denied' {
  if (username === undefined) return { kind: 'anonymous' };
  const job = (config.jobTokens ?? []).find((j) => j.token === password);
  if (username === 'gitlab-ci-token') return job ? { kind: 'job', job } : 'denied';
  const user = (config.users ?? []).find((u) => u.token === password);
  // PersonalAccessTokensFinder.new(state: 'active'): revoked and expired tokens authenticate nobody (401).
  if (user) return user.blocked || tokenState(user) !== 'active' ? 'denied' : { kind: 'user', user };
  const deploy = (config.deployTokens ?? []).find((d) => d.token === password);
  if (deploy) return username === deploy.username ? { kind: 'deploy', token: deploy } : 'denied';
  return 'denied';
}

/** `has_registry_ability?` through lib/gitlab/auth.rb `abilities_for_scopes`. */
function hasRegistryAbility(who: Who): boolean {
  if (who.kind === 'user') return who.user.scopes.some((s) => ['read_registry', 'write_registry', 'api', 'read_api'].includes(s));
  if (who.kind === 'deploy') return who.token.scopes.some((s) => s === 'read_registry' || s === 'write_registry');
  return true; // job tokens: build abilities; anonymous: read-only abilities (read_container_image)
}

type Grant = { status: 'ok'; actions: string[]; project?: string } | { status: 403; message: string };

/** `process_repository_access` + `can_access?` (+ EE's storage check) for one requested scope. */
function grantFor(config: GitlabConfig, who: Who, repo: string, wanted: string[], base: string): Grant {
  const project = projectOfPath(config, repo);
  if (!project) return { status: 'ok', actions: [] };
  const settings = config.projects?.[project] ?? {};
  const actions: string[] = [];
  for (const action of wanted) {
    // EE `can_access?`: `raise StorageError if storage_error?` (push only), before the permission check.
    if (action === 'push' && settings.storageFull) return { status: 403, message: storageLimitMessage(base) };
    if (settings.registryEnabled === false) continue;
    let ok = false;
    if (who.kind === 'user') {
      const role = roleOn(who.user, project);
      const s = who.user.scopes;
      if (action === 'pull') ok = role >= RANK.reporter && s.some((x) => ['read_registry', 'api', 'read_api'].includes(x));
      if (action === 'push') ok = role >= RANK.developer && s.some((x) => ['write_registry', 'api'].includes(x));
    } else if (who.kind === 'deploy') {
      const own = project === who.token.project;
      if (action === 'pull') ok = own && who.token.scopes.includes('read_registry');
      if (action === 'push') ok = own && who.token.scopes.includes('write_registry');
    } else if (who.kind === 'job') {
      const own = project === who.job.project;
      if (action === 'pull') ok = own || who.job.allowedBy.includes(project);
      if (action === 'push') ok = own;
    }
    if (ok) actions.push(action);
  }
  return { status: 'ok', actions, project };
}

/** `access_metadata` (+ EE `tag_immutable_patterns`) for a granted entry. */
function metaFor(config: GitlabConfig, who: Who, project: string, actions: string[]): Record<string, unknown> {
  const settings = config.projects?.[project] ?? {};
  const meta: Record<string, unknown> = { project_path: project, project_id: 1000 + project.length, root_namespace_id: 7 };
  // `tag_deny_access_patterns`: only with a user and tag rules; pull is never part of it.
  if (who.kind === 'user' && settings.protectedTags?.length) {
    const role = roleOn(who.user, project);
    const push = actions.includes('push') ? settings.protectedTags.filter((t) => role < RANK[t.minimumPushRole]).map((t) => t.pattern) : undefined;
    meta.tag_deny_access_patterns = push ? { push } : {};
  }
  if (settings.immutableTags?.length && actions.some((a) => a === 'push' || a === 'delete' || a === '*')) meta.tag_immutable_patterns = settings.immutableTags;
  return meta;
}

export async function startGitlab(signer: KeyPair, config: GitlabConfig, options: { issuer?: string } = {}): Promise<FakeGitlab> {
  const requests: SeenRequest[] = [];
  const authorizations: string[] = [];
  const privateTokens: string[] = [];
  let failures = 0;
  let banned = false;
  let port = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const auth = req.headers.authorization;
    if (auth) authorizations.push(auth);
    let username: string | undefined;
    let password = '';
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      username = decoded.slice(0, i);
      password = decoded.slice(i + 1);
    }
    requests.push({ path: url.pathname, query, ...(username !== undefined ? { username } : {}), hadAuthorization: auth !== undefined });
    if (url.pathname.startsWith('/api/v4/personal_access_tokens/')) {
      const t = req.headers['private-token'];
      if (typeof t === 'string') privateTokens.push(t);
      return tokenApi(config, req, res, url);
    }
    if (url.pathname === '/-/profile/personal_access_tokens' || url.pathname === '/-/user_settings/personal_access_tokens') {
      const base = `http://127.0.0.1:${port}`;
      const redirect = url.pathname.startsWith('/-/profile/') && (config.webRoutes ?? '16.7') === '16.7';
      // Rails: `redirect(path:)` answers 301 with an absolute URL; Devise's sign-in redirect is a 302.
      const location = redirect ? `${base}/-/user_settings/personal_access_tokens` : `${base}/users/sign_in`;
      res.writeHead(redirect ? 301 : 302, { location, 'content-type': 'text/html; charset=utf-8' });
      res.end(`<html><body>You are being <a href="${location}">redirected</a>.</body></html>`);
      return;
    }
    if (url.pathname !== '/jwt/auth') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"404 Not Found"}');
      return;
    }
    // config/routes.rb: POST /jwt/auth answers 404 with an empty body; jwt_controller.rb: an unknown service too.
    if (req.method !== 'GET' || query.service !== 'container_registry') {
      res.writeHead(404);
      res.end('');
      return;
    }
    const base = `http://127.0.0.1:${port}`;
    // lib/gitlab/auth.rb: `raise IpBlocked if … rate_limiter.banned?`, before any credential is looked at.
    if (banned) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(IP_BLOCKED_TEXT);
      return;
    }
    const who = authenticate(config, username, password);
    if (who === 'denied') {
      // Failures count toward the ban; gitlab-ci-token logins never do (`skip_rate_limit?`).
      if (username !== 'gitlab-ci-token' && config.banAfterFailures !== undefined && ++failures >= config.banAfterFailures) banned = true;
      return accessDenied(res, base);
    }
    if (who.kind !== 'anonymous') failures = 0;
    // Container registry service `execute`.
    if (config.registryEnabled === false) return deny(res, 404, 'UNAVAILABLE', 'registry not enabled');
    if (!hasRegistryAbility(who)) return deny(res, 403, 'DENIED', 'access forbidden');
    // jwt_controller.rb `scopes_param`: repeated scope= parameters and space-separated scopes.
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap((x) => x.split(/\s+/))
      .filter(Boolean);
    const access: Array<{ type: string; name: string; actions: string[]; meta: Record<string, unknown> }> = [];
    for (const scope of scopes) {
      const m = /^repository:([^:]+):(.+)$/.exec(scope);
      if (!m) continue;
      const repo = m[1]!.toLowerCase();
      const g = grantFor(config, who, repo, m[2]!.split(','), base);
      if (g.status === 403) return deny(res, 403, 'DENIED', g.message);
      if (g.actions.length && g.project) access.push({ type: 'repository', name: repo, actions: g.actions, meta: metaFor(config, who, g.project, g.actions) });
    }
    // `unless scopes.any? || current_user || deploy_token || project`: anonymous with nothing granted.
    if (who.kind === 'anonymous' && access.length === 0) return deny(res, 403, 'DENIED', 'access forbidden');
    // `repository_path_push_protected?` (this fake: Maintainers and above may push protected paths).
    const pushed = access.filter((a) => a.actions.includes('push'));
    if (
      who.kind === 'user' &&
      pushed.some((a) => (config.protectedPaths ?? []).includes(a.name) && roleOn(who.user, String(a.meta.project_path)) < RANK.maintainer)
    ) {
      return deny(res, 403, 'DENIED', 'Pushing to protected repository path forbidden');
    }
    const now = Math.floor(Date.now() / 1000);
    const authType = who.kind === 'user' ? 'personal_access_token' : who.kind === 'deploy' ? 'deploy_token' : who.kind === 'job' ? 'build' : 'none';
    const sub = who.kind === 'user' ? who.user.username : who.kind === 'job' ? 'job-user' : undefined;
    const token = signJwt(signer, {
      auth_type: authType,
      access,
      jti: randomUUID(),
      aud: query.service,
      ...(sub ? { sub } : {}),
      ...userClaim(who, signer),
      iss: options.issuer ?? 'gitlab-issuer',
      iat: now,
      nbf: now - 5,
      exp: now + 300,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token }));
  });
  const listening = await listen(server, 'http', []);
  port = listening.port;
  const url = listening.url;
  return { url, realm: `${url}/jwt/auth`, port, config, requests, authorizations, privateTokens, close: () => listening.close() };
}

// ---- Token API and account claims (the `account` branch's block; keep the token endpoint's changes above) ----

/** Today (UTC) plus `days`, as GitLab renders a token's `expires_at`: YYYY-MM-DD. */
export function dateInDays(days: number, nowMs = Date.now()): string {
  return new Date(nowMs + days * 86_400_000).toISOString().slice(0, 10);
}

function expiryOf(u: UserToken): string | null {
  return u.expiresInDays !== undefined ? dateInDays(u.expiresInDays) : (u.expiresAt ?? null);
}

/** GitLab's PersonalAccessToken states: revoked, expired (expires_at today or earlier), else active. */
export function tokenState(u: UserToken): 'active' | 'expired' | 'revoked' {
  if (u.revoked) return 'revoked';
  const exp = expiryOf(u);
  return exp !== null && exp <= dateInDays(0) ? 'expired' : 'active';
}

/**
 * The issued JWT's `user` claim as GitLab sets it (app/services/auth/container_registry_authentication_service.rb
 * `user_info_token`): a nested JWT whose payload is `{user_info: {token_type, username, user_id | deploy_token_id}}`.
 * A deploy token's account is known only from here (its JWT has no `sub`).
 */
function userClaim(who: Who, signer: KeyPair): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const nested = (info: Record<string, unknown>) => ({ user: signJwt(signer, { user_info: info, jti: randomUUID(), iat: now, nbf: now - 5, exp: now + 60 }) });
  if (who.kind === 'user') return nested({ token_type: 'personal_access_token', username: who.user.username, user_id: 1 });
  if (who.kind === 'deploy') return nested({ token_type: 'deploy_token', username: who.token.username, deploy_token_id: 42 });
  return {};
}

/** `created_at` as GitLab renders it (ISO 8601 with milliseconds). */
function createdAtOf(u: UserToken): string {
  return u.createdDaysAgo !== undefined ? `${dateInDays(-u.createdDaysAgo)}T00:00:00.000Z` : '2026-01-01T00:00:00.000Z';
}

/** A token's record as GitLab's API presents it (lib/api/entities/personal_access_token.rb). */
function tokenRecord(config: GitlabConfig, u: UserToken): Record<string, unknown> {
  return {
    id: 1 + (config.users ?? []).indexOf(u),
    name: u.name ?? 'registry',
    revoked: tokenState(u) === 'revoked',
    created_at: createdAtOf(u),
    description: null,
    scopes: u.scopes,
    user_id: 1,
    last_used_at: null,
    active: tokenState(u) === 'active',
    expires_at: expiryOf(u),
  };
}

/** A token the token API does not know: a deploy or job token is not an API token (GitLab finds no user for it). */
function unknownToken(config: GitlabConfig, t: string | string[] | undefined, send: (s: number, b: unknown) => void): void {
  const other = [...(config.deployTokens ?? []), ...(config.jobTokens ?? [])].some((d) => d.token === t);
  return other || !t ? send(401, { message: '401 Unauthorized' }) : send(401, { error: 'invalid_token', error_description: 'Bad Access Token.' });
}

/** The 401 texts of lib/api/api_guard.rb `oauth2_bearer_token_error_handler` (Rack::OAuth2 Bearer::Unauthorized). */
const EXPIRED_TEXT = 'Token is expired. You can either do re-authorization or token refresh.';
const REVOKED_TEXT = 'Token was revoked. You have to re-authorize from the user.';

/**
 * lib/gitlab/auth/auth_finders.rb `revoke_token_family`: a revoked token presented to a rotation path
 * (`access_tokens/(\d+|self)/rotate$`) revokes every active token rotated from it
 * (app/services/personal_access_tokens/revoke_token_family_service.rb: the chain of
 * `previous_personal_access_token_id`). Any other path only answers 401.
 */
function revokeFamily(config: GitlabConfig, revoked: UserToken): void {
  let from = revoked.token;
  for (let next = (config.users ?? []).find((u) => u.previous === from); next; next = (config.users ?? []).find((u) => u.previous === from)) {
    next.revoked = true;
    from = next.token;
  }
}

/**
 * `POST /api/v4/personal_access_tokens/self/rotate` as GitLab answers it:
 * - lib/api/personal_access_tokens/self_rotation.rb: `allow_access_with_scope :api` and `:self_rotate`; the
 *   optional `expires_at` (a Date); `not_allowed!` unless the token is a PersonalAccessToken (project and group
 *   access tokens are too: their bot user's PersonalAccessToken, rotated by the same service, as the spec's
 *   "when current_user is a project bot" shows); 200 with Entities::PersonalAccessTokenWithToken;
 * - lib/gitlab/auth/auth_finders.rb `validate_and_save_access_token!` (via AccessTokenValidationService: expired,
 *   then revoked, then scopes): 401 expired / revoked (the family revoked, see revokeFamily), 403
 *   insufficient_scope (lib/api/api_guard.rb: Rack::OAuth2 Bearer::Forbidden with the scopes the endpoint allows);
 * - app/services/personal_access_tokens/rotate_service.rb: the old token revoked and a successor created with
 *   the same name, description and scopes, `previous_personal_access_token_id` pointing back, in one transaction;
 *   `expires_at` given, else one week (`EXPIRATION_PERIOD = 1.week`, with the instance requiring an expiry, as
 *   since 16.0 by default); a successor the model refuses rolls the revocation back and answers 400 through
 *   lib/api/helpers/personal_access_tokens_helpers.rb `bad_request!(service.message)`;
 * - app/models/personal_access_token.rb `expires_at_before_instance_max_expiry_date`: "must be before
 *   %{expiry_date}" (today + 365 days) on the `expires_at` attribute, which GitLab's English locale names
 *   "Expiration date": `{"message":"400 Bad request - Expiration date must be before YYYY-MM-DD"}`.
 */
function rotate(config: GitlabConfig, req: http.IncomingMessage, res: http.ServerResponse, url: URL, send: (s: number, b: unknown) => void): void {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (raw += c));
  req.on('end', () => {
    const t = req.headers['private-token'];
    const user = (config.users ?? []).find((u) => u.token === t);
    if (!user) return unknownToken(config, t, send);
    // AccessTokenValidationService#validate asks `expired?` before `revoked?`.
    const exp = expiryOf(user);
    if (exp !== null && exp <= dateInDays(0)) return send(401, { error: 'invalid_token', error_description: EXPIRED_TEXT });
    if (user.revoked) {
      revokeFamily(config, user);
      return send(401, { error: 'invalid_token', error_description: REVOKED_TEXT });
    }
    if (!user.scopes.includes('api') && !user.scopes.includes('self_rotate')) {
      // Rack::OAuth2 DEFAULT_DESCRIPTION[:insufficient_scope]; `scope` is the endpoint's allowed scopes, space-joined.
      return send(403, {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: 'api self_rotate',
      });
    }
    let given = url.searchParams.get('expires_at') ?? undefined;
    if (given === undefined && raw) {
      try {
        const body = /json/.test(req.headers['content-type'] ?? '')
          ? (JSON.parse(raw) as Record<string, unknown>)
          : Object.fromEntries(new URLSearchParams(raw));
        if (typeof body.expires_at === 'string') given = body.expires_at;
      } catch {
        return send(400, { error: 'expires_at is invalid' });
      }
    }
    // Grape's `type: Date` coercion: anything that is not a date is a 400 naming the parameter.
    if (given !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(given) || Number.isNaN(Date.parse(`${given}T00:00:00Z`))))
      return send(400, { error: 'expires_at is invalid' });
    const expiresAt = given ?? dateInDays(7);
    const max = dateInDays(config.maxLifetimeDays ?? 365);
    if (expiresAt > max) return send(400, { message: `400 Bad request - Expiration date must be before ${max}` });
    user.revoked = true;
    const successor: UserToken = {
      ...user,
      token: config.successorToken?.() ?? `glpat-${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      expiresAt,
      createdDaysAgo: 0,
      previous: user.token,
    };
    delete successor.revoked;
    delete successor.expiresInDays;
    (config.users ??= []).push(successor);
    if (config.loseRotateAnswer === 'drop') {
      res.socket?.destroy();
      return;
    }
    if (config.loseRotateAnswer === 'hang') return;
    send(200, { ...tokenRecord(config, successor), token: successor.token });
  });
}

/**
 * `GET /api/v4/personal_access_tokens/self` as GitLab answers it (lib/api/personal_access_tokens/
 * self_information.rb): any scope may ask; a token that is not a personal/project/group access token gets 400;
 * expired and revoked tokens get 401 with lib/api/api_guard.rb's texts. `POST …/self/rotate`: see rotate().
 */
function tokenApi(config: GitlabConfig, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/api/v4/personal_access_tokens/self/rotate' && req.method === 'POST') return rotate(config, req, res, url, send);
  if (url.pathname !== '/api/v4/personal_access_tokens/self' || req.method !== 'GET') return send(404, { message: '404 Not Found' });
  const t = req.headers['private-token'];
  const user = (config.users ?? []).find((u) => u.token === t);
  if (!user) return unknownToken(config, t, send);
  const state = tokenState(user);
  if (state === 'expired') return send(401, { error: 'invalid_token', error_description: EXPIRED_TEXT });
  if (state === 'revoked') return send(401, { error: 'invalid_token', error_description: REVOKED_TEXT });
  send(200, tokenRecord(config, user));
}
