/** Registry discovery for a self-managed GitLab (src/core/hosts.ts registryCandidates, registry.ts discoverRegistry). */
import { expect, test } from 'vitest';
import { registryCandidates } from '../../src/core/hosts.js';
import { discoverRegistry, findRegistry, noRegistryFound } from '../../src/core/registry.js';
import { HttpError } from '../../src/core/http.js';
import { challenge, fakeHttp } from '../helpers/fakes.js';

test("candidates: registry.HOST, the Helm chart's registry.DOMAIN beside gitlab.DOMAIN, then HOST:5050", () => {
  expect(registryCandidates('gitlab.example.com')).toEqual(['registry.gitlab.example.com', 'registry.example.com', 'gitlab.example.com:5050']);
  expect(registryCandidates('code.example.com')).toEqual(['registry.code.example.com', 'code.example.com:5050']);
  expect(registryCandidates('gitlab.com.example')).toEqual(['registry.gitlab.com.example', 'registry.com.example', 'gitlab.com.example:5050']);
  expect(registryCandidates('gitlab.local')).toEqual(['registry.gitlab.local', 'gitlab.local:5050']);
  expect(registryCandidates('10.0.0.5')).toEqual(['10.0.0.5:5050']);
});

test('the Helm layout is found: registry.example.com, whose realm is gitlab.example.com', async () => {
  const { client } = fakeHttp((url) => {
    if (url.host === 'registry.example.com' && url.pathname === '/v2/') return challenge('https://gitlab.example.com/jwt/auth');
    return new HttpError('dns', 'getaddrinfo ENOTFOUND');
  });
  expect(await discoverRegistry(client, new URL('https://gitlab.example.com'))).toEqual({
    registry: 'registry.example.com',
    realm: 'https://gitlab.example.com/jwt/auth',
  });
});

test('registry.DOMAIN whose realm is another instance is not taken', async () => {
  const { client } = fakeHttp((url) => {
    if (url.host === 'registry.example.com' && url.pathname === '/v2/') return challenge('https://other-gitlab.example.com/jwt/auth');
    return new HttpError('dns', 'getaddrinfo ENOTFOUND');
  });
  expect(await discoverRegistry(client, new URL('https://gitlab.example.com'))).toBeUndefined();
});

test('registry.HOST wins over registry.DOMAIN when both answer for the instance', async () => {
  const { client } = fakeHttp((url) =>
    url.pathname === '/v2/' && url.host.startsWith('registry.')
      ? challenge('https://gitlab.example.com/jwt/auth')
      : new HttpError('refused', 'connection refused'),
  );
  expect((await discoverRegistry(client, new URL('https://gitlab.example.com')))?.registry).toBe('registry.gitlab.example.com');
});

test('nothing found: what was tried and why the first candidate failed, each candidate asked once', async () => {
  const http = fakeHttp((url) =>
    url.host === 'registry.gitlab.example.com' ? challenge('https://other-gitlab.example.com/jwt/auth') : new HttpError('dns', 'getaddrinfo ENOTFOUND'),
  );
  const gitlab = new URL('https://gitlab.example.com');
  const d = await findRegistry(http.client, gitlab);
  expect(d).toEqual({
    tried: ['registry.gitlab.example.com', 'registry.example.com', 'gitlab.example.com:5050'],
    why: 'registry.gitlab.example.com does not send logins to gitlab.example.com',
  });
  expect(noRegistryFound(gitlab, d)).toBe(
    'No registry found for gitlab.example.com (tried registry.gitlab.example.com, registry.example.com and gitlab.example.com:5050): registry.gitlab.example.com does not send logins to gitlab.example.com.',
  );
  const asked = http.seen.map((r) => new URL(r.url).host);
  expect(asked.filter((h) => h === 'registry.gitlab.example.com')).toHaveLength(1);
});
