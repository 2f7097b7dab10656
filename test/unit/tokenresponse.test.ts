/**
 * classifyTokenResponse and judgeGrant, from a table of GitLab's own answers. Each row names where GitLab
 * produces that answer (gitlabhq/gitlabhq paths, or the docs page).
 */
import { describe, expect, test } from 'vitest';
import { classifyTokenResponse, judgeGrant, missingFix, projectCandidates, type TokenAnswer, type TokenContext } from '../../src/core/tokenresponse.js';
import { readClaims } from '../../src/core/jwt.js';
import { exitCodeFor, type VerdictCode } from '../../src/core/verdict.js';
import type { CredentialType } from '../../src/core/credentials.js';

const GITLAB = 'https://gitlab.example.com';
/** app/controllers/jwt_controller.rb `render_access_denied` (asserted in spec/requests/jwt_controller_spec.rb). */
export const GL_401 = JSON.stringify({
  errors: [
    {
      code: 'UNAUTHORIZED',
      message: `HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped. See ${GITLAB}/help/user/profile/account/two_factor_authentication_troubleshooting.md#error-http-basic-access-denied-if-a-password-was-provided-for-git-authentication-`,
    },
  ],
});
/** app/services/auth/container_registry_authentication_service.rb `error` (rendered whole: http_status included). */
const glError = (code: string, message: string, status: number) => JSON.stringify({ errors: [{ code, message }], http_status: status });
/** ee/app/services/ee/auth/container_registry_authentication_service.rb `rescue StorageError`. */
export const GL_STORAGE = `Your action has been rejected because the namespace storage limit has been reached. For more information, visit ${GITLAB}/help/user/storage_usage_quotas.md.`;
/** lib/gitlab/auth/ip_blocked.rb, rendered `plain` by app/controllers/application_controller.rb. */
export const GL_IP_BLOCKED = 'Too many failed authentication attempts from this IP';

const ctx = (over: Partial<TokenContext> = {}): TokenContext => ({
  credentialType: 'personal-access-token',
  username: 'alice',
  access: 'push',
  project: 'group/app',
  realmHost: 'gitlab.example.com',
  ...over,
});

type Row = [name: string, answer: TokenAnswer, verdict: VerdictCode, step: 'realm' | 'credential', says: RegExp, never?: RegExp];
const rows: Row[] = [
  [
    '401 UNAUTHORIZED (jwt_controller.rb render_access_denied)',
    { status: 401, body: GL_401 },
    'invalid-credentials',
    'credential',
    /wrong, expired or revoked/,
  ],
  [
    '401, older bare text (older jwt_controller.rb)',
    { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"HTTP Basic: Access denied"}]}' },
    'invalid-credentials',
    'credential',
    /401/,
  ],
  [
    '403 DENIED access forbidden (execute: no registry ability)',
    { status: 403, body: glError('DENIED', 'access forbidden', 403) },
    'no-registry-scope',
    'credential',
    /read_registry and write_registry/,
  ],
  [
    '403 protected repository path (execute: repository_path_push_protected?)',
    { status: 403, body: glError('DENIED', 'Pushing to protected repository path forbidden', 403) },
    'insufficient-access',
    'credential',
    /Settings › Packages and registries › Container registry › Protected container repositories/,
  ],
  [
    '403 EE namespace storage limit on push (ee/…/container_registry_authentication_service.rb)',
    { status: 403, body: glError('DENIED', GL_STORAGE, 403) },
    'storage-limit',
    'credential',
    /storage limit[\s\S]*Pulling still works[\s\S]*Usage quotas/,
    /create a|scope|role on/i,
  ],
  [
    '403 text/plain IP ban (ip_blocked.rb via application_controller.rb)',
    { status: 403, body: GL_IP_BLOCKED, headers: { 'content-type': 'text/plain; charset=utf-8' } },
    'ip-blocked',
    'credential',
    /not checked[\s\S]*Wait/,
    /create a new|new token with/i,
  ],
  [
    '403 with a text this tool does not know: shown as it is, no guessed fix',
    { status: 403, body: glError('DENIED', 'Some future reason', 403) },
    'gitlab-refused',
    'credential',
    /"DENIED Some future reason"[\s\S]*not guessed/,
    /read_registry|role|scope/,
  ],
  [
    '403 DENIED with another message is not "access forbidden"',
    { status: 403, body: glError('DENIED', 'access forbidden for now', 403) },
    'gitlab-refused',
    'credential',
    /access forbidden for now/,
    /read_registry/,
  ],
  ['403 with an empty body (TooManyIps head :forbidden, or a proxy)', { status: 403, body: '' }, 'gitlab-refused', 'credential', /empty body/, /read_registry/],
  [
    '404 UNAVAILABLE registry not enabled (execute)',
    { status: 404, body: glError('UNAVAILABLE', 'registry not enabled', 404) },
    'registry-disabled',
    'credential',
    /whole instance/,
  ],
  ['404 empty (unknown service, or POST: config/routes.rb)', { status: 404, body: '' }, 'not-a-registry', 'realm', /did not answer like/],
  ['302 (never followed)', { status: 302, body: '', headers: { location: 'https://sso.example.net/login' } }, 'untrusted-realm', 'realm', /sso\.example\.net/],
  ['503 after retries', { status: 503, body: '' }, 'unreachable', 'realm', /503/],
  ['429 after retries', { status: 429, body: '' }, 'unreachable', 'realm', /rate-limiting/],
  ['200 without a token', { status: 200, body: '{}' }, 'not-a-registry', 'realm', /no token/],
];

describe('classifyTokenResponse: GitLab answers', () => {
  test.each(rows)('%s', (_name, answer, want, step, says, never) => {
    const r = classifyTokenResponse(answer, ctx());
    expect(r.kind).toBe('verdict');
    if (r.kind !== 'verdict') return;
    expect(r.verdict.verdict).toBe(want);
    expect(r.step).toBe(step);
    expect(`${r.verdict.message} ${r.verdict.fix}`).toMatch(says);
    if (never) expect(`${r.verdict.message} ${r.verdict.fix}`).not.toMatch(never);
  });

  test('200 {"token":…} (the whole success body GitLab sends) is a token', () => {
    expect(classifyTokenResponse({ status: 200, body: '{"token":"a.b.c"}' }, ctx())).toEqual({ kind: 'token', jwt: 'a.b.c' });
  });

  test('exit codes: the IP ban is 3 (the credential was never judged); storage and unknown 403s are 1', () => {
    expect(exitCodeFor('ip-blocked')).toBe(3);
    expect(exitCodeFor('storage-limit')).toBe(1);
    expect(exitCodeFor('gitlab-refused')).toBe(1);
  });

  test('server text is shown without control characters and capped', () => {
    const r = classifyTokenResponse({ status: 403, body: `evil\u001b[31m text\r\n${'x'.repeat(2000)}` }, ctx());
    if (r.kind !== 'verdict') throw new Error('expected a verdict');
    expect(r.verdict.message).not.toMatch(/[\u0000-\u001f]/);
    expect(r.verdict.message.length).toBeLessThan(600);
  });

  // Item 3: deploy tokens have no api scope (app/models/deploy_token.rb AVAILABLE_SCOPES).
  test.each(['deploy-token', 'personal-access-token', 'project-access-token', 'group-access-token'] as CredentialType[])(
    'no-registry-scope fix for %s mentions api only where that scope exists',
    (type) => {
      const r = classifyTokenResponse({ status: 403, body: glError('DENIED', 'access forbidden', 403) }, ctx({ credentialType: type }));
      if (r.kind !== 'verdict') throw new Error('expected a verdict');
      if (type === 'deploy-token') expect(r.verdict.fix).not.toMatch(/api works/);
      else expect(r.verdict.fix).toMatch(/api works too/);
    },
  );

  test('a personal access token 401 names the account states a new token cannot fix (lib/gitlab/auth.rb)', () => {
    const r = classifyTokenResponse({ status: 401, body: GL_401 }, ctx());
    if (r.kind !== 'verdict') throw new Error('expected a verdict');
    expect(r.verdict.fix).toMatch(/blocked, locked[\s\S]*password expired/);
  });
});

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = (access: unknown[]) => readClaims(`${b64({ alg: 'RS256' })}.${b64({ access })}.sig`);

describe('judgeGrant: what the issued token grants', () => {
  test('write_registry without read_registry, asked for push: push granted, pull not; add read_registry, no role', () => {
    const j = judgeGrant(claims([{ type: 'repository', name: 'group/app', actions: ['push'] }]), { ...ctx(), project: 'group/app' });
    expect(j.verdict?.verdict).toBe('insufficient-access');
    expect(j.verdict?.message).toMatch(/granted push but not pull/);
    expect(j.verdict?.fix).toMatch(/Add read_registry/);
    expect(`${j.verdict?.message} ${j.verdict?.fix}`).not.toMatch(/granted no access|Reporter|Developer|role/);
  });

  test('nothing granted on a path five levels deep: the depth is named (lib/container_registry/path.rb)', () => {
    const j = judgeGrant(claims([]), { ...ctx(), project: 'group/app/a/b/c' });
    expect(projectCandidates('group/app/a/b/c')).toEqual(['group/app/a/b/c', 'group/app/a/b', 'group/app/a']);
    expect(j.verdict?.message).toMatch(/only at group\/app\/a\/b\/c, group\/app\/a\/b, group\/app\/a[\s\S]*more than two levels below/);
    expect(j.verdict?.fix).toMatch(/at most two levels below the project/);
  });

  test('nothing granted on a shallow path names the project registry setting too', () => {
    const j = judgeGrant(claims([]), { ...ctx(), project: 'group/app' });
    expect(j.verdict?.message).toMatch(/Settings › General › Visibility, project features, permissions › Container registry/);
    expect(j.verdict?.message).not.toMatch(/two levels/);
  });

  test('job token pull refused: the triggering user, the allowlist, and public/internal projects are named', () => {
    const j = judgeGrant(claims([]), { ...ctx({ credentialType: 'job-token', username: 'gitlab-ci-token', access: 'pull' }), project: 'other/lib' });
    expect(j.verdict?.fix).toMatch(/user who started the job is a member/);
    expect(j.verdict?.fix).toMatch(/Only Project Members/);
  });

  test('protected and immutable tags qualify "can push" (meta.tag_deny_access_patterns, EE tag_immutable_patterns)', () => {
    const j = judgeGrant(
      claims([
        {
          type: 'repository',
          name: 'group/app',
          actions: ['pull', 'push'],
          meta: { project_path: 'group/app', tag_deny_access_patterns: { push: ['v*'] }, tag_immutable_patterns: ['release-*'] },
        },
      ]),
      { ...ctx(), project: 'group/app' },
    );
    expect(j.verdict).toBeUndefined();
    expect(j.notes).toEqual([
      'push allowed, except tags matching v* (protected tags)',
      'tags matching release-* are immutable: pushed once, never overwritten',
    ]);
    expect(j.meta?.projectPath).toBe('group/app');
  });

  test('meta.project_path gives the project of an image path', () => {
    const j = judgeGrant(claims([{ type: 'repository', name: 'acme/app/web', actions: ['pull'], meta: { project_path: 'acme/app' } }]), {
      ...ctx({ access: 'pull' }),
      project: 'acme/app/web',
    });
    expect(j.meta?.projectPath).toBe('acme/app');
    expect(j.granted).toEqual(['pull']);
  });
});

test('the fix for access not granted asks that the project’s registry be turned on, not off', () => {
  for (const type of ['personal-access-token', 'deploy-token', 'project-access-token'] as const)
    for (const missing of ['pull', 'push'] as const) {
      const fix = missingFix(type, missing, 'group/app');
      expect(fix).toMatch(/its container registry is turned on \(Settings › General/);
      expect(fix).not.toMatch(/turned off/);
    }
});
