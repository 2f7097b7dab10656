/**
 * The test GitLab's `POST /api/v4/personal_access_tokens/self/rotate` answers as GitLab does
 * (lib/api/personal_access_tokens/self_rotation.rb, app/services/personal_access_tokens/rotate_service.rb,
 * lib/gitlab/auth/auth_finders.rb `revoke_token_family`, lib/api/api_guard.rb). The renew tests stand on it.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { dateInDays, startGitlab, type FakeGitlab, type UserToken } from '../helpers/gitlab.js';
import { makeCert, type KeyPair } from '../helpers/pki.js';

let signer: KeyPair;
let gitlab: FakeGitlab;
const user = (token: string, scopes: string[], extra: Partial<UserToken> = {}): UserToken => ({
  kind: 'personal',
  username: 'alice',
  token,
  scopes,
  projects: {},
  name: 'laptop',
  expiresInDays: 5,
  ...extra,
});

beforeAll(async () => {
  signer = makeCert();
  gitlab = await startGitlab(signer, {
    users: [
      user('t-rotate', ['read_registry', 'self_rotate']),
      user('t-api', ['api']),
      user('t-read', ['read_registry']),
      user('t-expired', ['self_rotate'], { expiresInDays: 0 }),
      user('t-max', ['self_rotate']),
      user('t-family', ['self_rotate']),
    ],
  });
});
afterAll(async () => {
  await gitlab.close();
  signer.cleanup();
});

async function rotate(token: string, expiresAt?: string) {
  const q = expiresAt ? `?expires_at=${expiresAt}` : '';
  const r = await fetch(`${gitlab.url}/api/v4/personal_access_tokens/self/rotate${q}`, { method: 'POST', headers: { 'private-token': token } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}
const self = async (token: string) => (await fetch(`${gitlab.url}/api/v4/personal_access_tokens/self`, { headers: { 'private-token': token } })).status;

test('self_rotate: the old token is revoked; the successor has the same name and scopes and, by default, a week', async () => {
  const r = await rotate('t-rotate');
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ name: 'laptop', scopes: ['read_registry', 'self_rotate'], revoked: false, active: true, expires_at: dateInDays(7) });
  expect(typeof r.body.token).toBe('string');
  expect(r.body.token).not.toBe('t-rotate');
  expect(await self('t-rotate')).toBe(401);
  expect(await self(String(r.body.token))).toBe(200);
});

test('api scope rotates too, with the expires_at asked for', async () => {
  const r = await rotate('t-api', dateInDays(30));
  expect(r.status).toBe(200);
  expect(r.body.expires_at).toBe(dateInDays(30));
});

test('without api or self_rotate: 403 insufficient_scope, nothing revoked', async () => {
  const r = await rotate('t-read');
  expect(r).toEqual({
    status: 403,
    body: {
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: 'api self_rotate',
    },
  });
  expect(await self('t-read')).toBe(200);
});

test('an expired token: 401 with api_guard.rb text', async () => {
  expect(await rotate('t-expired')).toEqual({
    status: 401,
    body: { error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' },
  });
});

test('expires_at past the maximum lifetime: 400 with the model text, and the old token stays active', async () => {
  const r = await rotate('t-max', dateInDays(400));
  expect(r).toEqual({ status: 400, body: { message: `400 Bad request - Expiration date must be before ${dateInDays(365)}` } });
  expect(await self('t-max')).toBe(200);
  expect((await rotate('t-max', 'soon')).status).toBe(400);
});

test('rotating a revoked token again revokes its whole family (the successor too)', async () => {
  const first = await rotate('t-family');
  const successor = String(first.body.token);
  const second = await rotate(successor);
  const third = String(second.body.token);
  expect(await self(third)).toBe(200);
  // The first token is revoked; presenting it to the rotate path revokes every token rotated from it.
  expect(await rotate('t-family')).toEqual({
    status: 401,
    body: { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' },
  });
  expect(await self(third)).toBe(401);
});

test('a revoked token asked about (GET /self) revokes nothing', async () => {
  const g = await startGitlab(signer, { users: [user('u1', ['self_rotate'])] });
  try {
    const res = await fetch(`${g.url}/api/v4/personal_access_tokens/self/rotate`, { method: 'POST', headers: { 'private-token': 'u1' } });
    const next = String(((await res.json()) as { token: string }).token);
    expect((await fetch(`${g.url}/api/v4/personal_access_tokens/self`, { headers: { 'private-token': 'u1' } })).status).toBe(401);
    expect((await fetch(`${g.url}/api/v4/personal_access_tokens/self`, { headers: { 'private-token': next } })).status).toBe(200);
  } finally {
    await g.close();
  }
});

test('a lost answer: the rotation happened, the connection closed without one', async () => {
  const g = await startGitlab(signer, { users: [user('u2', ['self_rotate'])], loseRotateAnswer: 'drop' });
  try {
    await expect(fetch(`${g.url}/api/v4/personal_access_tokens/self/rotate`, { method: 'POST', headers: { 'private-token': 'u2' } })).rejects.toThrow();
    expect(g.config.users!.find((u) => u.token === 'u2')!.revoked).toBe(true);
    expect(g.config.users!.find((u) => u.previous === 'u2')).toBeDefined();
  } finally {
    await g.close();
  }
});
