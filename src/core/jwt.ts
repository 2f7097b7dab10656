// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { InputError } from './errors.js';

/**
 * GitLab's `meta` on an access entry (app/services/auth/container_registry_authentication_service.rb
 * `access_metadata`; EE adds `tag_immutable_patterns` in
 * ee/app/services/ee/auth/container_registry_authentication_service.rb `patterns_metadata`).
 */
export interface AccessMeta {
  /** The project GitLab resolved the path to (`group/project` for `group/project/image`), lower case. */
  projectPath?: string;
  /** `tag_deny_access_patterns`: per action, tag patterns this credential may not push (or delete). */
  tagDenyPush?: string[];
  tagDenyDelete?: string[];
  /** `tag_immutable_patterns`: tags that can be pushed once and never overwritten or deleted. */
  tagImmutable?: string[];
}

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
  meta?: AccessMeta;
}

export interface TokenClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  /**
   * GitLab's `user` claim, a nested JWT whose payload is `{user_info: {token_type, username, user_id |
   * deploy_token_id}}` (app/services/auth/container_registry_authentication_service.rb, `user_info_token`).
   */
  userInfo?: { username?: string; tokenType?: string };
  access: AccessEntry[];
}

/** Who GitLab says the credential belongs to: `sub` (the token owner's username, whatever login was typed), else
 * the `user` claim's username (a deploy token has no `sub`). Undefined when the token names nobody. */
export function accountOf(claims: TokenClaims): string | undefined {
  const name = claims.sub ?? claims.userInfo?.username;
  // eslint-disable-next-line no-control-regex
  return name && /^[^\u0000-\u001f\u007f\s]{1,255}$/.test(name) ? name : undefined;
}

function b64urlJson(part: string, what: string): unknown {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(part) || part.length === 0) throw new InputError(`the JWT ${what} is not base64url`);
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InputError(`the JWT ${what} is not JSON`);
  }
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function readMeta(v: unknown): AccessMeta | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const m = v as Record<string, unknown>;
  const meta: AccessMeta = {};
  if (typeof m.project_path === 'string' && m.project_path !== '') meta.projectPath = m.project_path;
  const deny = m.tag_deny_access_patterns;
  if (typeof deny === 'object' && deny !== null && !Array.isArray(deny)) {
    const d = deny as Record<string, unknown>;
    const push = strings(d.push);
    const del = strings(d.delete);
    if (push) meta.tagDenyPush = push;
    if (del) meta.tagDenyDelete = del;
  }
  const immutable = strings(m.tag_immutable_patterns);
  if (immutable) meta.tagImmutable = immutable;
  return Object.keys(meta).length ? meta : undefined;
}

/**
 * Read a registry JWT's claims, for diagnosis only: the signature is the registry's business,
 * the tool only wants to know what GitLab granted. Throws InputError on anything that is not a JWT.
 */
export function readClaims(jwt: string): TokenClaims {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new InputError(`the token is not a JWT (${parts.length} parts instead of 3)`);
  b64urlJson(parts[0]!, 'header');
  const payload = b64urlJson(parts[1]!, 'payload');
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new InputError('the JWT payload is not an object');
  const p = payload as Record<string, unknown>;
  const access: AccessEntry[] = [];
  if (Array.isArray(p.access)) {
    for (const a of p.access) {
      if (typeof a !== 'object' || a === null) continue;
      const e = a as Record<string, unknown>;
      const entry: AccessEntry = {
        type: typeof e.type === 'string' ? e.type : '',
        name: typeof e.name === 'string' ? e.name : '',
        actions: strings(e.actions) ?? [],
      };
      const meta = readMeta(e.meta);
      if (meta) entry.meta = meta;
      access.push(entry);
    }
  }
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const aud = typeof p.aud === 'string' || (Array.isArray(p.aud) && p.aud.every((x) => typeof x === 'string')) ? p.aud : undefined;
  const claims: TokenClaims = { access };
  const iss = str(p.iss),
    sub = str(p.sub),
    exp = num(p.exp),
    iat = num(p.iat);
  if (iss !== undefined) claims.iss = iss;
  if (sub !== undefined) claims.sub = sub;
  if (aud !== undefined) claims.aud = aud;
  if (exp !== undefined) claims.exp = exp;
  if (iat !== undefined) claims.iat = iat;
  if (typeof p.user === 'string') {
    try {
      const inner = b64urlJson(p.user.split('.')[1] ?? '', 'user claim') as { user_info?: Record<string, unknown> } | null;
      const info = inner?.user_info;
      if (info && typeof info === 'object') {
        const u: NonNullable<TokenClaims['userInfo']> = {};
        if (typeof info.username === 'string') u.username = info.username;
        if (typeof info.token_type === 'string') u.tokenType = info.token_type;
        claims.userInfo = u;
      }
    } catch {
      /* a user claim that cannot be read names nobody */
    }
  }
  return claims;
}

/** The actions granted on one repository. */
export function grantedActions(claims: TokenClaims, repository: string): string[] {
  const set = new Set<string>();
  for (const a of claims.access) {
    if (a.type === 'repository' && a.name === repository) for (const x of a.actions) set.add(x === '*' ? 'push' : x);
  }
  if (claims.access.some((a) => a.type === 'repository' && a.name === repository && a.actions.includes('*'))) set.add('pull');
  return [...set].sort();
}

/** GitLab's meta for one repository (the first entry that has one). */
export function accessMeta(claims: TokenClaims, repository: string): AccessMeta | undefined {
  return claims.access.find((a) => a.type === 'repository' && a.name === repository && a.meta)?.meta;
}
