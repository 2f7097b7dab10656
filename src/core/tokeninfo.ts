// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * What GitLab knows about a personal, project or group access token: its name, scopes and expiry, from
 * `GET /api/v4/personal_access_tokens/self` (GitLab 15.5+; lib/api/personal_access_tokens/self_information.rb).
 * That endpoint accepts a token of any scope (`allow_access_with_scope(Gitlab::Auth.all_available_scopes)`), a
 * `read_registry`-only token included, and answers 400 "This endpoint requires token type to be a personal access
 * token" for other token types. Expired and revoked tokens get 401 with lib/api/api_guard.rb's texts ("Token is
 * expired. …", "Token was revoked. …"). Deploy and job tokens cannot use the REST API at all: never asked.
 */
import { CREDENTIALS, type CredentialType } from './credentials.js';
import { isLoopbackHost } from './hosts.js';
import { shown } from './sanitise.js';
import type { HttpClient } from './http.js';

/** Personal, project and group access tokens: the types GitLab gives an expiry that this endpoint reads. */
export function hasTokenInfo(type: CredentialType): boolean {
  return type === 'personal-access-token' || type === 'project-access-token' || type === 'group-access-token';
}

/** Within this many days of expiry a token gets a warning (GitLab mails at 7 days; a week more to act). */
export const EXPIRY_WARNING_DAYS = 14;

export type TokenInfo =
  | {
      state: 'active';
      name: string;
      scopes: string[];
      expiresAt: string | null;
      daysLeft: number | null;
      /** YYYY-MM-DD, the day GitLab created it (`created_at`), when given: `renew` keeps the token's lifetime. */
      createdAt?: string;
    }
  /** GitLab refused the token itself; `gitlabSays` is its text (sanitised). */
  | { state: 'expired' | 'revoked' | 'invalid'; gitlabSays: string }
  /** The lookup did not give an answer: `reason` says why. The login is never affected by it. */
  | { state: 'unavailable'; reason: string };

/** Whole days from today (UTC) to a `YYYY-MM-DD` date: 0 when it is today. */
export function daysUntil(date: string, nowMs: number): number {
  const today = Date.UTC(new Date(nowMs).getUTCFullYear(), new Date(nowMs).getUTCMonth(), new Date(nowMs).getUTCDate());
  return Math.round((Date.parse(`${date}T00:00:00Z`) - today) / 86_400_000);
}

/**
 * `GITLAB/api/v4/personal_access_tokens` + `rest`, where a token may be sent (HTTPS, or plain HTTP on loopback);
 * else why not.
 */
function tokenApiUrl(gitlab: string, rest: string): URL | string {
  let url: URL;
  try {
    url = new URL(`${gitlab.replace(/\/+$/, '')}/api/v4/personal_access_tokens${rest}`);
  } catch {
    return 'the GitLab instance is not known';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return 'the GitLab instance is not HTTPS: the token is not sent there';
  }
  return url;
}

/**
 * GitLab's token API's answer: its HTTP status, its body when that is a JSON object (else `{}`: judged by the
 * status), and its own words (`error_description`, `message` or `error`, as lib/api/api_guard.rb and Grape's
 * `error!` put them), sanitised to `saidMax` characters. `not-sent`: the token may not go to that URL; `failed`:
 * the request threw (an HttpError, or anything else), with no answer.
 */
type TokenApiAnswer =
  { kind: 'answer'; status: number; json: Record<string, unknown>; said: string } | { kind: 'not-sent'; reason: string } | { kind: 'failed'; error: unknown };

/**
 * The one call to `GITLAB/api/v4/personal_access_tokens` + `rest` with the token (header `PRIVATE-TOKEN`), and its
 * answer read: for `fetchTokenInfo` (GET …/self) and renew's rotation (POST …/self/rotate). Never throws; the token
 * goes only to `gitlab` (HTTPS, or plain HTTP on loopback).
 */
export async function callTokenApi(
  http: HttpClient,
  gitlab: string,
  token: string,
  rest: string,
  o: { method?: 'POST'; saidMax: number },
): Promise<TokenApiAnswer> {
  const url = tokenApiUrl(gitlab, rest);
  if (typeof url === 'string') return { kind: 'not-sent', reason: url };
  let status: number;
  let body: string;
  try {
    const r = await http.get(url.href, { 'private-token': token }, o.method ? { method: o.method } : undefined);
    status = r.status;
    body = r.body;
  } catch (error) {
    return { kind: 'failed', error };
  }
  let json: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    /* not JSON: judged by the status */
  }
  const said = [json.error_description, json.message, json.error].find((x): x is string => typeof x === 'string');
  return { kind: 'answer', status, json, said: shown(said ?? '', o.saidMax) };
}

/** Ask GitLab about the token. Never throws; the token goes only to `gitlab` (HTTPS, or plain HTTP on loopback). */
export async function fetchTokenInfo(http: HttpClient, gitlab: string, token: string, nowMs = Date.now()): Promise<TokenInfo> {
  const a = await callTokenApi(http, gitlab, token, '/self', { saidMax: 120 });
  if (a.kind === 'not-sent') return { state: 'unavailable', reason: a.reason };
  if (a.kind === 'failed') return { state: 'unavailable', reason: `GitLab could not be asked: ${shown((a.error as Error).message, 120)}` };
  const { status, json: j } = a;
  const text = a.said;
  if (status === 401) {
    // lib/api/api_guard.rb: ExpiredError "Token is expired. …", RevokedError "Token was revoked. …".
    if (/expired/i.test(text)) return { state: 'expired', gitlabSays: text };
    if (/revoked/i.test(text)) return { state: 'revoked', gitlabSays: text };
    return { state: 'invalid', gitlabSays: text || '401 Unauthorized' };
  }
  if (status === 404) return { state: 'unavailable', reason: 'this GitLab has no personal_access_tokens/self API (before 15.5)' };
  if (status === 400) return { state: 'unavailable', reason: `GitLab did not take it as an access token${text ? ` ("${text}")` : ''}` };
  if (status !== 200) return { state: 'unavailable', reason: `GitLab answered HTTP ${status}${text ? ` ("${text}")` : ''}` };
  const scopes = Array.isArray(j.scopes)
    ? j.scopes
        .filter((s): s is string => typeof s === 'string')
        .map((s) => shown(s, 40))
        .slice(0, 50)
    : [];
  const raw = typeof j.expires_at === 'string' ? j.expires_at.slice(0, 10) : null;
  const expiresAt = raw && /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) ? raw : null;
  if (j.revoked === true) return { state: 'revoked', gitlabSays: 'revoked: true' };
  const daysLeft = expiresAt ? daysUntil(expiresAt, nowMs) : null;
  // A token whose expiry date is today already fails (GitLab: PersonalAccessToken.active excludes it).
  if (j.expired === true || j.active === false || (daysLeft !== null && daysLeft <= 0))
    return { state: 'expired', gitlabSays: expiresAt ? `expired on ${expiresAt}` : 'expired' };
  const created = typeof j.created_at === 'string' ? j.created_at.slice(0, 10) : '';
  const createdAt = /^\d{4}-\d{2}-\d{2}$/.test(created) && !Number.isNaN(Date.parse(`${created}T00:00:00Z`)) ? { createdAt: created } : {};
  return { state: 'active', name: shown(typeof j.name === 'string' ? j.name : '', 100), scopes, expiresAt, daysLeft, ...createdAt };
}

/** Whether a token's scopes hold a registry scope: itself, or api (which holds them all), or read_api for read_registry. */
export function holdsScope(scopes: string[], scope: string): boolean {
  return scopes.includes(scope) || scopes.includes('api') || (scope === 'read_registry' && scopes.includes('read_api'));
}

/** Whether the token's scopes allow push to the registry (write_registry, or api). */
export function scopesAllowPush(scopes: string[]): boolean {
  return holdsScope(scopes, 'write_registry');
}

/** The page that creates the token's successor: for a personal access token, prefilled with its name and scopes. */
export function successorLink(gitlab: string, type: CredentialType, name: string, scopes: string[], project?: string): string | undefined {
  const base = gitlab.replace(/\/+$/, '');
  if (type === 'personal-access-token') {
    const q = new URLSearchParams({ name, scopes: scopes.join(',') });
    return `${base}/-/user_settings/personal_access_tokens?${q.toString().replace(/%2C/g, ',')}`;
  }
  if (!project) return undefined;
  return type === 'group-access-token' ? `${base}/groups/${project.split('/')[0]}/-/settings/access_tokens` : `${base}/${project}/-/settings/access_tokens`;
}

/** The one-line expiry note for text output: "expires 2026-12-31 (31 days)", or why it cannot be said. */
/** A token's record on one line, `Token "NAME": scopes A, B; expires …`: the done screen, `login`'s output and `status`. */
export function tokenLine(info: TokenInfo): string {
  const active = info.state === 'active';
  return `Token${active && info.name ? ` "${info.name}"` : ''}: ${active ? `scopes ${info.scopes.join(', ') || 'none'}; ` : ''}${expiryLine(info)}`;
}

export function expiryLine(info: TokenInfo): string {
  switch (info.state) {
    case 'active':
      return info.expiresAt ? `expires ${info.expiresAt} (${info.daysLeft} day${info.daysLeft === 1 ? '' : 's'})` : 'never expires';
    case 'expired':
      return `has expired (GitLab: ${info.gitlabSays})`;
    case 'revoked':
      return `has been revoked (GitLab: ${info.gitlabSays})`;
    case 'invalid':
      return `was refused by GitLab (${info.gitlabSays})`;
    default:
      return `expiry unknown: ${info.reason}`;
  }
}

/** The scopes that let a token rotate itself (lib/api/personal_access_tokens/self_rotation.rb `allow_access_with_scope`). */
export const ROTATE_SCOPES = ['self_rotate', 'api'] as const;

/** Whether GitLab lets the token rotate itself (`POST /personal_access_tokens/self/rotate`). */
export const canSelfRotate = (scopes: readonly string[]) => ROTATE_SCOPES.some((s) => scopes.includes(s));

/** The command that renews the token of a registry's login (core/renew.ts). */
export const renewCommand = (registry: string) => `gitlab-registry-login renew --registry ${registry}`;

/**
 * What to do about a token that expires within 14 days, decided in this one place for `login`, `verify`, `status`
 * and the wizard: with `self_rotate` or `api` (and the registry known), renew it here (`renew`); otherwise create
 * its successor (the link, prefilled where GitLab allows it). Undefined when nothing is due.
 */
export type ExpiryAdvice = { kind: 'renew'; command: string } | { kind: 'successor'; link?: string };

export function expiryAdvice(info: TokenInfo, gitlab: string | undefined, type: CredentialType, project?: string, registry?: string): ExpiryAdvice | undefined {
  if (info.state !== 'active' || info.daysLeft === null || info.daysLeft > EXPIRY_WARNING_DAYS) return undefined;
  if (registry && canSelfRotate(info.scopes)) return { kind: 'renew', command: renewCommand(registry) };
  const link = gitlab ? successorLink(gitlab, type, info.name, info.scopes, project) : undefined;
  return { kind: 'successor', ...(link ? { link } : {}) };
}

/**
 * The warning for a token that expires soon, with what to do (expiryAdvice): "renew it now: gitlab-registry-login
 * renew --registry R", or where to make its successor; undefined when not due.
 */
export function expiryWarning(info: TokenInfo, gitlab: string | undefined, type: CredentialType, project?: string, registry?: string): string | undefined {
  const advice = expiryAdvice(info, gitlab, type, project, registry);
  if (!advice || info.state !== 'active') return undefined;
  const what = CREDENTIALS[type].label.toLowerCase();
  const when = `The ${what}${info.name ? ` "${info.name}"` : ''} expires in ${info.daysLeft} day${info.daysLeft === 1 ? '' : 's'} (${info.expiresAt})`;
  if (advice.kind === 'renew') return `${when}: renew it now: ${advice.command}`;
  return `${when}: create its successor${advice.link ? ` at ${advice.link}` : ' in GitLab'} and log in again.`;
}
