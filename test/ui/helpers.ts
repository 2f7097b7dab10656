import { stripVTControlCharacters } from 'node:util';
import type { HttpClient } from '../../src/core/http.js';

export const KEY = { enter: '\r', down: '\u001b[B', up: '\u001b[A', esc: '\u001b', ctrlC: '\u0003', backspace: '\u007f' };
/** One turn of the poll: long enough for Ink to render, never a wait for something to happen. */
const poll = () => new Promise((r) => setTimeout(r, 5));

/** The frame as a person reads it. */
export const plain = (frame: string | undefined) => stripVTControlCharacters(frame ?? '');

/**
 * Wait until `check` holds, re-checked as Ink renders; after `timeoutMs` fail saying what was awaited (and, when
 * given, the last frame). Tests wait for what they expect, never a fixed time.
 */
export async function waitFor(check: () => boolean, what: string, lastFrame?: () => string | undefined, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastFrame ? `; last frame:\n${plain(lastFrame())}` : ''}`);
    await poll();
  }
}

/** Wait until the last frame matches (Ink renders asynchronously). */
export async function until(lastFrame: () => string | undefined, pattern: RegExp | string, timeoutMs = 3000): Promise<string> {
  const matches = () => {
    const f = plain(lastFrame());
    return typeof pattern === 'string' ? f.includes(pattern) : pattern.test(f);
  };
  await waitFor(matches, String(pattern), lastFrame, timeoutMs);
  return plain(lastFrame());
}

/** Wait until the app listens for keys: Ink subscribes to stdin in an effect, after its first frame. */
export function listening(stdin: { listenerCount(event: string): number }): Promise<void> {
  return waitFor(() => stdin.listenerCount('readable') > 0, 'the app to listen for keys');
}

/**
 * A fake GitLab (test/helpers/fakes.ts) that also names the account: the registry token it issues carries
 * `sub` = `account`, as GitLab's does (app/services/auth/container_registry_authentication_service.rb sets the
 * subject to the user's username), and `GET /api/v4/personal_access_tokens/self` answers each token's record as
 * lib/api/personal_access_tokens/self_information.rb does (a token with no record: 404, an instance without it).
 */
export function namingAccount(
  client: HttpClient,
  account: string,
  records: Record<string, TokenRecord> = {},
  successors: Record<string, string> = {},
): HttpClient & { rotated: string[] } {
  const rotated: string[] = [];
  return {
    rotated,
    async get(url, headers = {}, options) {
      const u = new URL(url);
      if (u.pathname === '/api/v4/personal_access_tokens/self/rotate' && options?.method === 'POST') {
        const old = headers['private-token'] ?? '';
        rotated.push(old);
        return rotate(url, old, u.searchParams.get('expires_at'), records, successors);
      }
      if (u.pathname === '/api/v4/personal_access_tokens/self') {
        const record = records[headers['private-token'] ?? ''];
        return record
          ? { url, status: 200, headers: {}, wwwAuthenticate: [], body: JSON.stringify(record) }
          : { url, status: 404, headers: {}, wwwAuthenticate: [], body: '{"message":"404 Not Found"}' };
      }
      const r = await client.get(url, headers);
      if (u.pathname !== '/jwt/auth' || r.status !== 200) return r;
      const { token } = JSON.parse(r.body) as { token: string };
      const [head, payload, sig] = token.split('.');
      const claims = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as object), sub: account };
      return { ...r, body: JSON.stringify({ token: `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}` }) };
    },
    close() {
      client.close();
    },
  };
}

export interface TokenRecord {
  id: number;
  name: string;
  revoked: boolean;
  scopes: string[];
  active: boolean;
  expires_at: string;
  created_at: string;
  user_id: number;
}

/** A token record as GitLab's `GET /personal_access_tokens/self` gives it, expiring `days` from today (UTC). */
export function tokenRecord(name: string, scopes: string[], days: number, nowMs = Date.now()): TokenRecord {
  const d = new Date(nowMs + days * 86_400_000).toISOString().slice(0, 10);
  const created = new Date(nowMs - (90 - days) * 86_400_000).toISOString();
  return { id: 1, name, revoked: false, scopes, active: true, expires_at: d, created_at: created, user_id: 1 };
}

/**
 * `POST /personal_access_tokens/self/rotate` as GitLab answers it (lib/api/personal_access_tokens/self_rotation.rb:
 * the `api` or `self_rotate` scope, else 403 insufficient_scope; the old token revoked, its successor with the same
 * name and scopes and the given `expires_at`): the successor is the one `successors` names for the token.
 */
function rotate(url: string, old: string, expiresAt: string | null, records: Record<string, TokenRecord>, successors: Record<string, string>) {
  const answer = (status: number, body: object) => ({ url, status, headers: {}, wwwAuthenticate: [], body: JSON.stringify(body) });
  const record = records[old];
  const next = successors[old];
  if (!record || record.revoked) return answer(401, { message: '401 Unauthorized' });
  if (!record.scopes.some((s) => s === 'api' || s === 'self_rotate') || !next) return answer(403, { error: 'insufficient_scope' });
  record.revoked = true;
  record.active = false;
  records[next] = { ...record, id: record.id + 1, revoked: false, active: true, expires_at: expiresAt ?? record.expires_at };
  return answer(200, { ...records[next], token: next });
}
