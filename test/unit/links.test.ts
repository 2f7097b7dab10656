/** Token-creation links that work on the real instance (sources in src/core/links.ts). */
import { describe, expect, test } from 'vitest';
import { probePatPage, tokenLinks, tokenPage, tokenPageNotes } from '../../src/core/links.js';
import type { HttpClient, HttpResponse } from '../../src/core/http.js';

describe('token links', () => {
  test('an image path links to the project GitLab resolved (JWT meta.project_path)', () => {
    expect(tokenPage('https://gitlab.example.com', 'project-access-token', 'pull', 'acme/app/web', { projectPath: 'acme/app' })).toBe(
      'https://gitlab.example.com/acme/app/-/settings/access_tokens?name=container+registry&scopes=read_registry',
    );
    expect(tokenPage('https://gitlab.example.com', 'deploy-token', 'pull', 'acme/app/web', { projectPath: 'acme/app' })).toBe(
      'https://gitlab.example.com/acme/app/-/settings/repository#js-deploy-tokens',
    );
    expect(tokenLinks('https://gitlab.example.com', 'deploy-token', 'pull', 'acme/app/web', { projectPath: 'acme/app' })?.notes).toEqual([]);
  });

  test("without GitLab's answer the link says it assumes the path is the project", () => {
    expect(tokenPageNotes('https://gitlab.example.com', 'project-access-token', 'pull', 'acme/app/web')).toContain(
      "This link assumes acme/app/web is the project; if it is an image below the project, use the project's own path.",
    );
  });

  test('a personal namespace has no group pages: no group link, and the reason', () => {
    expect(tokenPage('https://gitlab.example.com', 'group-access-token', 'pull', 'alice/app', { username: 'alice' })).toBeUndefined();
    expect(tokenPageNotes('https://gitlab.example.com', 'group-access-token', 'pull', 'alice/app', { username: 'alice' })[0]).toMatch(
      /alice is a personal namespace/,
    );
    expect(tokenPageNotes('https://gitlab.example.com', 'group-access-token', 'pull', 'acme/app')[0]).toMatch(/If acme is a user's personal namespace/);
  });

  test('GitLab.com project and group access tokens need Premium or Ultimate', () => {
    expect(tokenPageNotes('https://gitlab.com', 'project-access-token', 'pull', 'acme/app', { projectPath: 'acme/app' })).toEqual([
      'On GitLab.com, project access tokens need the Premium or Ultimate tier.',
    ]);
    expect(tokenPageNotes('https://gitlab.com', 'group-access-token', 'pull', 'acme/app', { username: 'bob' })).toEqual([
      'On GitLab.com, group access tokens need the Premium or Ultimate tier.',
    ]);
    expect(tokenPageNotes('https://gitlab.example.com', 'project-access-token', 'pull', 'acme/app', { projectPath: 'acme/app' })).toEqual([]);
  });

  test('personal access tokens: /-/user_settings from 16.7 (with description=), /-/profile before, both when unknown', () => {
    const desc = 'description=docker+login+to+the+container+registry+%28gitlab-registry-login%29';
    expect(tokenLinks('https://gitlab.com', 'personal-access-token', 'push')).toEqual({
      url: `https://gitlab.com/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry,write_registry&${desc}`,
      alternates: [],
      notes: [],
    });
    expect(tokenPage('https://h', 'personal-access-token', 'pull', undefined, { version: '16.7.0-ee' })).toBe(
      `https://h/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry&${desc}`,
    );
    expect(tokenPage('https://h', 'personal-access-token', 'pull', undefined, { version: '16.6.2' })).toBe(
      'https://h/-/profile/personal_access_tokens?name=container+registry&scopes=read_registry',
    );
    const unknown = tokenLinks('https://h', 'personal-access-token', 'pull')!;
    expect(unknown.url).toContain('/-/user_settings/personal_access_tokens?');
    expect(unknown.alternates).toEqual(['https://h/-/profile/personal_access_tokens?name=container+registry&scopes=read_registry']);
    expect(unknown.notes).toEqual(['Before GitLab 16.7 this page is at the second link.']);
  });
});

describe('renewal: self_rotate prefilled on request (GitLab 17.9+, personal, project and group access tokens)', () => {
  const G = 'https://gitlab.example.com';
  test.each([
    [
      'personal-access-token',
      `${G}/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry,write_registry,self_rotate&description=`,
    ],
    ['project-access-token', `${G}/acme/app/-/settings/access_tokens?name=container+registry&scopes=read_registry,write_registry,self_rotate`],
    ['group-access-token', `${G}/groups/acme/-/settings/access_tokens?name=container+registry&scopes=read_registry,write_registry,self_rotate`],
  ] as const)('%s', (type, start) => {
    expect(tokenPage(G, type, 'push', 'acme/app', { selfRotate: true })).toMatch(new RegExp(`^${start.replace(/[.?+]/g, '\\$&')}`));
    expect(tokenPage(G, type, 'push', 'acme/app')).not.toContain('self_rotate');
  });
  test('the pre-16.7 page gets it too; a deploy token has no such scope', () => {
    expect(tokenLinks(G, 'personal-access-token', 'pull', undefined, { selfRotate: true })?.alternates[0]).toContain('scopes=read_registry,self_rotate');
    expect(tokenPage(G, 'deploy-token', 'pull', 'acme/app', { selfRotate: true })).not.toContain('self_rotate');
  });
});

describe('probePatPage: which personal-access-token page the instance proves, asked anonymously', () => {
  const client = (
    answer: (url: string, headers?: Record<string, string>) => Promise<HttpResponse>,
  ): HttpClient & { asked: Array<{ url: string; headers?: Record<string, string> }> } => {
    const asked: Array<{ url: string; headers?: Record<string, string> }> = [];
    return { asked, get: (url, headers) => (asked.push({ url, ...(headers ? { headers } : {}) }), answer(url, headers)), close: () => {} };
  };
  const answer =
    (status: number, location?: string) =>
    async (url: string): Promise<HttpResponse> => ({ url, status, headers: location ? { location } : {}, wwwAuthenticate: [], body: '' });

  test('a redirect of the old page to /-/user_settings/personal_access_tokens (GitLab 16.7+, relative URL root kept): current, one link', async () => {
    const c = client(answer(301, 'https://h.example/gitlab/-/user_settings/personal_access_tokens'));
    expect(await probePatPage(c, 'https://h.example/gitlab/')).toBe('current');
    expect(c.asked).toEqual([{ url: 'https://h.example/gitlab/-/profile/personal_access_tokens' }]);
    expect(tokenLinks('https://h.example/gitlab', 'personal-access-token', 'pull', undefined, { patPage: 'current' })!.alternates).toEqual([]);
  });

  test('a redirect to sign-in (before 16.7, or a GitLab without the redirect), a 404, a 200, a failure: inconclusive, both links', async () => {
    expect(await probePatPage(client(answer(302, 'https://h.example/users/sign_in')), 'https://h.example')).toBeUndefined();
    expect(await probePatPage(client(answer(404)), 'https://h.example')).toBeUndefined();
    expect(await probePatPage(client(answer(200)), 'https://h.example')).toBeUndefined();
    expect(await probePatPage(client(answer(301)), 'https://h.example')).toBeUndefined();
    expect(
      await probePatPage(
        client(() => Promise.reject(new Error('timed out'))),
        'https://h.example',
      ),
    ).toBeUndefined();
    expect(tokenLinks('https://h.example', 'personal-access-token', 'pull', undefined, { patPage: undefined })!.alternates).toHaveLength(1);
  });
});
