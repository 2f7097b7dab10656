/**
 * A GitLab-like registry token endpoint (`/jwt/auth`) with the semantics GitLab really has:
 * 401 for bad credentials, 403 for credentials without registry ability, 404 when the registry
 * is disabled, and granted actions silently dropped when scope or role falls short.
 */
import http from 'node:http';
import { createSign, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { KeyPair } from './pki.js';

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

export interface GitlabConfig {
  users?: UserToken[];
  deployTokens?: DeployToken[];
  jobTokens?: JobToken[];
  /** Paths where only maintainers may push. */
  protectedPaths?: string[];
  registryEnabled?: boolean;
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
  close(): Promise<void>;
}

function b64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

export function signJwt(signer: KeyPair, claims: Record<string, unknown>): string {
  const head = b64url({ alg: 'RS256', typ: 'JWT', x5c: [signer.certDer] });
  const body = b64url(claims);
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(signer.keyPem).toString('base64url');
  return `${head}.${body}.${sig}`;
}

function deny(res: http.ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code, message }] }));
}

/** Longest configured project that is `path` or a prefix of it (`group/project/image`). */
function projectOf(path: string, projects: string[]): string | undefined {
  return projects.filter((p) => path === p || path.startsWith(`${p}/`)).sort((a, b) => b.length - a.length)[0];
}

export function grant(config: GitlabConfig, username: string, password: string, repo: string, wanted: string[]): { status: 'ok'; actions: string[] } | { status: 401 | 403 } {
  const users = config.users ?? [];
  // PersonalAccessTokensFinder.new(state: 'active'): revoked and expired tokens authenticate nobody (401).
  const user = users.find((u) => u.token === password && tokenState(u) === 'active');
  const deploy = (config.deployTokens ?? []).find((d) => d.token === password);
  const job = (config.jobTokens ?? []).find((j) => j.token === password);
  const can = (a: string) => wanted.includes(a);
  if (user) {
    const registryAbility = user.scopes.some((s) => ['read_registry', 'write_registry', 'api', 'read_api'].includes(s));
    if (!registryAbility) return { status: 403 };
    const project = projectOf(repo, Object.keys(user.projects));
    const role = project ? RANK[user.projects[project]!] : 0;
    const actions: string[] = [];
    if (can('pull') && role >= RANK.reporter && user.scopes.some((s) => ['read_registry', 'api', 'read_api'].includes(s))) actions.push('pull');
    if (can('push') && role >= RANK.developer && user.scopes.some((s) => ['write_registry', 'api'].includes(s))) actions.push('push');
    if (actions.includes('push') && (config.protectedPaths ?? []).includes(repo) && role < RANK.maintainer) return { status: 403 };
    return { status: 'ok', actions };
  }
  if (deploy) {
    if (username !== deploy.username) return { status: 401 };
    if (!deploy.scopes.some((s) => s === 'read_registry' || s === 'write_registry')) return { status: 403 };
    const own = projectOf(repo, [deploy.project]) !== undefined;
    const actions: string[] = [];
    if (own && can('pull') && deploy.scopes.includes('read_registry')) actions.push('pull');
    if (own && can('push') && deploy.scopes.includes('write_registry')) actions.push('push');
    return { status: 'ok', actions };
  }
  if (job) {
    if (username !== 'gitlab-ci-token') return { status: 401 };
    const own = projectOf(repo, [job.project]) !== undefined;
    const allowed = own || projectOf(repo, job.allowedBy) !== undefined;
    const actions: string[] = [];
    if (can('pull') && allowed) actions.push('pull');
    if (can('push') && own) actions.push('push');
    return { status: 'ok', actions };
  }
  return { status: 401 };
}

export async function startGitlab(signer: KeyPair, config: GitlabConfig, options: { issuer?: string } = {}): Promise<FakeGitlab> {
  const requests: SeenRequest[] = [];
  const authorizations: string[] = [];
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
    if (url.pathname.startsWith('/api/v4/personal_access_tokens/')) return tokenApi(config, req, res, url);
    if (url.pathname !== '/jwt/auth') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"404 Not Found"}');
      return;
    }
    if (config.registryEnabled === false) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: '404 registry not enabled' }));
      return;
    }
    if (username === undefined) return deny(res, 401, 'UNAUTHORIZED', 'HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you\'re required to use a token instead of a password.');
    const scopes = url.searchParams.getAll('scope');
    const access: Array<{ type: string; name: string; actions: string[] }> = [];
    // With no scope, GitLab still authenticates the credential (docker login asks nothing more).
    const check = grant(config, username, password, '', []);
    if (check.status !== 'ok' && scopes.length === 0) {
      return check.status === 401
        ? deny(res, 401, 'UNAUTHORIZED', 'HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you\'re required to use a token instead of a password.')
        : deny(res, 403, 'DENIED', 'access forbidden');
    }
    for (const scope of scopes) {
      const m = /^repository:([^:]+):(.+)$/.exec(scope);
      if (!m) continue;
      const g = grant(config, username, password, m[1]!, m[2]!.split(','));
      if (g.status !== 'ok') {
        if (g.status === 401) return deny(res, 401, 'UNAUTHORIZED', 'HTTP Basic: Access denied.');
        const isProtected = (config.protectedPaths ?? []).includes(m[1]!);
        return deny(res, 403, 'DENIED', isProtected ? 'Pushing to protected repository path forbidden' : 'access forbidden');
      }
      if (g.actions.length) access.push({ type: 'repository', name: m[1]!, actions: g.actions });
    }
    const now = Math.floor(Date.now() / 1000);
    const who = accountClaims(config, username, password, signer);
    const token = signJwt(signer, {
      iss: options.issuer ?? 'gitlab-issuer',
      ...who,
      aud: query.service ?? 'container_registry',
      iat: now,
      nbf: now - 5,
      exp: now + 300,
      jti: randomUUID(),
      access,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    realm: `${url}/jwt/auth`,
    port,
    config,
    requests,
    authorizations,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
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
 * The issued JWT's `sub` and `user` claims as GitLab sets them (app/services/auth/
 * container_registry_authentication_service.rb `authorized_token`, `user_info_token`): `sub` is the token owner's
 * username whatever login was typed, left out for deploy tokens; `user` is a nested JWT with `user_info`.
 */
function accountClaims(config: GitlabConfig, login: string, password: string, signer: KeyPair): Record<string, unknown> {
  const user = (config.users ?? []).find((u) => u.token === password);
  const deploy = (config.deployTokens ?? []).find((d) => d.token === password);
  const now = Math.floor(Date.now() / 1000);
  const nested = (info: Record<string, unknown>) => signJwt(signer, { user_info: info, jti: randomUUID(), iat: now, nbf: now - 5, exp: now + 60 });
  if (user) return { sub: user.username, user: nested({ token_type: 'personal_access_token', username: user.username, user_id: 1 }) };
  if (deploy) return { user: nested({ token_type: 'deploy_token', username: deploy.username, deploy_token_id: 42 }) };
  return { sub: login };
}

/**
 * `GET /api/v4/personal_access_tokens/self` as GitLab answers it (lib/api/personal_access_tokens/
 * self_information.rb): any scope may ask; a token that is not a personal/project/group access token gets 400;
 * expired and revoked tokens get 401 with lib/api/api_guard.rb's texts.
 */
function tokenApi(config: GitlabConfig, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname !== '/api/v4/personal_access_tokens/self' || req.method !== 'GET') return send(404, { message: '404 Not Found' });
  const t = req.headers['private-token'];
  const user = (config.users ?? []).find((u) => u.token === t);
  if (!user) {
    const other = [...(config.deployTokens ?? []), ...(config.jobTokens ?? [])].some((d) => d.token === t);
    // A deploy or job token is not an API token: GitLab finds no user for it.
    return other || !t ? send(401, { message: '401 Unauthorized' }) : send(401, { error: 'invalid_token', error_description: 'Bad Access Token.' });
  }
  const state = tokenState(user);
  if (state === 'expired') return send(401, { error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' });
  if (state === 'revoked') return send(401, { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' });
  send(200, {
    id: 1,
    name: user.name ?? 'registry',
    revoked: false,
    created_at: '2026-01-01T00:00:00.000Z',
    description: null,
    scopes: user.scopes,
    user_id: 1,
    last_used_at: null,
    active: true,
    expires_at: expiryOf(user),
  });
}
