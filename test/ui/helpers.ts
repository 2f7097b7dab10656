import { stripVTControlCharacters } from 'node:util';
import type { HttpClient } from '../../src/core/http.js';

export const KEY = { enter: '\r', down: '\u001b[B', up: '\u001b[A', esc: '\u001b', ctrlC: '\u0003', backspace: '\u007f' };
export const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/** The frame as a person reads it. */
export const plain = (frame: string | undefined) => stripVTControlCharacters(frame ?? '');

/** Wait until the last frame matches (Ink renders asynchronously). */
export async function until(lastFrame: () => string | undefined, pattern: RegExp | string, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = plain(lastFrame());
    if (typeof pattern === 'string' ? f.includes(pattern) : pattern.test(f)) return f;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; last frame:\n${f}`);
    await tick(10);
  }
}

/**
 * A fake GitLab (test/helpers/fakes.ts) that also names the account: the registry token it issues carries
 * `sub` = `account`, as GitLab's does (app/services/auth/container_registry_authentication_service.rb sets the
 * subject to the user's username), and `GET /api/v4/personal_access_tokens/self` answers each token's record as
 * lib/api/personal_access_tokens/self_information.rb does (a token with no record: 404, an instance without it).
 */
export function namingAccount(client: HttpClient, account: string, records: Record<string, object> = {}): HttpClient {
  return {
    async get(url, headers = {}) {
      const u = new URL(url);
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

/** A token record as GitLab's `GET /personal_access_tokens/self` gives it, expiring `days` from today (UTC). */
export function tokenRecord(name: string, scopes: string[], days: number, nowMs = Date.now()): object {
  const d = new Date(nowMs + days * 86_400_000).toISOString().slice(0, 10);
  return { id: 1, name, revoked: false, scopes, active: true, expires_at: d, user_id: 1 };
}
