import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openConfStore, sanitize } from '../../src/core/remembered.js';
import { originRemote, parseRemoteUrl } from '../../src/core/gitremote.js';
import { tokenPage } from '../../src/core/links.js';
import { loginLine } from '../../src/core/snippet.js';

describe('conf store', () => {
  test('0600, documented keys only, forget clears', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-store-'));
    try {
      const store = await openConfStore({ cwd: dir });
      await store.save({
        gitlab: 'https://gitlab.example.com',
        registry: 'r.example.com',
        credentialType: 'deploy-token',
        access: 'pull',
        username: 'gitlab+deploy-token-1',
        project: 'g/p',
        token: 'glpat-SHOULD-NOT-BE-KEPT',
        password: 'x',
      } as never);
      const text = readFileSync(store.path, 'utf8');
      expect(statSync(store.path).mode & 0o777).toBe(0o600);
      expect(text).not.toContain('SHOULD-NOT');
      expect(text).not.toContain('password');
      expect(store.load()).toEqual({
        gitlab: 'https://gitlab.example.com',
        registry: 'r.example.com',
        credentialType: 'deploy-token',
        access: 'pull',
        username: 'gitlab+deploy-token-1',
        project: 'g/p',
      });
      expect(store.load('https://other.example.com')).toBeUndefined();
      await store.forget();
      expect(store.load()).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('sanitize drops unknown and invalid values', () => {
    expect(sanitize({ gitlab: 'g', credentialType: 'password', access: 'write', extra: 1 })).toEqual({ gitlab: 'g' });
    // A record is kept under its instance, or under its registry when only a registry was given; with neither it
    // could never be found again.
    expect(sanitize({ registry: 'r', gitlab: '' })).toEqual({ registry: 'r' });
    expect(sanitize({ credentialType: 'deploy-token', username: 'u' })).toBeUndefined();
    expect(sanitize({ gitlab: '', registry: '' })).toBeUndefined();
  });
});

describe('git remote', () => {
  test.each([
    ['https://gitlab.example.com/group/sub/app.git', 'https://gitlab.example.com', 'group/sub/app'],
    ['https://oauth2:tok@gitlab.com/Group/App', 'https://gitlab.com', 'group/app'],
    ['git@gitlab.example.com:group/app.git', 'https://gitlab.example.com', 'group/app'],
    ['ssh://git@gitlab.example.com:2222/group/app.git', 'https://gitlab.example.com', 'group/app'],
  ])('%s', (url, gitlab, project) => {
    expect(parseRemoteUrl(url)).toEqual({ gitlab, project });
  });
  test.each(['/local/path/repo', 'https://gitlab.example.com/justone', 'not a url'])('%s is no GitLab remote', (url) => {
    expect(parseRemoteUrl(url)).toBeUndefined();
  });
  test('read from .git/config of an enclosing checkout', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-git-'));
    try {
      mkdirSync(path.join(dir, '.git'));
      mkdirSync(path.join(dir, 'deep', 'er'), { recursive: true });
      writeFileSync(
        path.join(dir, '.git', 'config'),
        '[core]\n\tbare = false\n[remote "upstream"]\n\turl = git@other.example:x/y.git\n[remote "origin"]\n\turl = git@gitlab.example.com:team/app.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
      );
      expect(originRemote(path.join(dir, 'deep', 'er'))).toEqual({ gitlab: 'https://gitlab.example.com', project: 'team/app' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('token pages and CI lines', () => {
  expect(tokenPage('https://gitlab.example.com', 'personal-access-token', 'pull')).toBe(
    'https://gitlab.example.com/-/user_settings/personal_access_tokens?name=container+registry&scopes=read_registry&description=docker+login+to+the+container+registry+%28gitlab-registry-login%29',
  );
  expect(tokenPage('https://gitlab.example.com/', 'deploy-token', 'push', 'g/p')).toBe('https://gitlab.example.com/g/p/-/settings/repository#js-deploy-tokens');
  expect(tokenPage('https://h', 'group-access-token', 'push', 'g/p')).toBe(
    'https://h/groups/g/-/settings/access_tokens?name=container+registry&scopes=read_registry,write_registry',
  );
  expect(tokenPage('https://h', 'project-access-token', 'push')).toBeUndefined();
  expect(loginLine('job-token')).toContain('$CI_JOB_TOKEN');
});

// The wizard's state machine: test/unit/wizard-machine.test.ts.
