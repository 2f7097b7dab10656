/** Token-creation links that work on the real instance (sources in src/core/links.ts). */
import { describe, expect, test } from 'vitest';
import { tokenLinks, tokenPage, tokenPageNotes } from '../../src/core/links.js';

describe('token links', () => {
  test('an image path links to the project GitLab resolved (JWT meta.project_path)', () => {
    expect(tokenPage('https://gitlab.example.com', 'project-access-token', 'pull', 'acme/app/web', { projectPath: 'acme/app' })).toBe(
      'https://gitlab.example.com/acme/app/-/settings/access_tokens?name=container+registry&scopes=read_registry',
    );
    expect(tokenPage('https://gitlab.example.com', 'deploy-token', 'pull', 'acme/app/web', { projectPath: 'acme/app' })).toBe('https://gitlab.example.com/acme/app/-/settings/repository#js-deploy-tokens');
    expect(tokenLinks('https://gitlab.example.com', 'deploy-token', 'pull', 'acme/app/web', { projectPath: 'acme/app' })?.notes).toEqual([]);
  });

  test('without GitLab\'s answer the link says it assumes the path is the project', () => {
    expect(tokenPageNotes('https://gitlab.example.com', 'project-access-token', 'pull', 'acme/app/web')).toContain('This link assumes acme/app/web is the project; if it is an image below the project, use the project\'s own path.');
  });

  test('a personal namespace has no group pages: no group link, and the reason', () => {
    expect(tokenPage('https://gitlab.example.com', 'group-access-token', 'pull', 'alice/app', { username: 'alice' })).toBeUndefined();
    expect(tokenPageNotes('https://gitlab.example.com', 'group-access-token', 'pull', 'alice/app', { username: 'alice' })[0]).toMatch(/alice is a personal namespace/);
    expect(tokenPageNotes('https://gitlab.example.com', 'group-access-token', 'pull', 'acme/app')[0]).toMatch(/If acme is a user's personal namespace/);
  });

  test('GitLab.com project and group access tokens need Premium or Ultimate', () => {
    expect(tokenPageNotes('https://gitlab.com', 'project-access-token', 'pull', 'acme/app', { projectPath: 'acme/app' })).toEqual(['On GitLab.com, project access tokens need the Premium or Ultimate tier.']);
    expect(tokenPageNotes('https://gitlab.com', 'group-access-token', 'pull', 'acme/app', { username: 'bob' })).toEqual(['On GitLab.com, group access tokens need the Premium or Ultimate tier.']);
    expect(tokenPageNotes('https://gitlab.example.com', 'project-access-token', 'pull', 'acme/app', { projectPath: 'acme/app' })).toEqual([]);
  });

  test('personal access tokens: /-/user_settings from 16.7 (with description=), /-/profile before, both when unknown', () => {
    const desc = 'description=docker+login+to+the+container+registry+%28gitlab-registry-login%29';
    expect(tokenLinks('https://gitlab.com', 'personal-access-token', 'push')).toEqual({ url: `https://gitlab.com/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry,write_registry&${desc}`, alternates: [], notes: [] });
    expect(tokenPage('https://h', 'personal-access-token', 'pull', undefined, { version: '16.7.0-ee' })).toBe(`https://h/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry&${desc}`);
    expect(tokenPage('https://h', 'personal-access-token', 'pull', undefined, { version: '16.6.2' })).toBe('https://h/-/profile/personal_access_tokens?name=container+registry&scopes=read_registry');
    const unknown = tokenLinks('https://h', 'personal-access-token', 'pull')!;
    expect(unknown.url).toContain('/-/user_settings/personal_access_tokens?');
    expect(unknown.alternates).toEqual(['https://h/-/profile/personal_access_tokens?name=container+registry&scopes=read_registry']);
    expect(unknown.notes).toEqual(['Before GitLab 16.7 this page is at the second link.']);
  });
});
