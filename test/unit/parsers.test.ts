import { describe, expect, test } from 'vitest';
import { fit } from '../../src/commands/io.js';
import { bearerChallenge, parseChallenges } from '../../src/core/challenge.js';
import { InputError } from '../../src/core/errors.js';
import { isLoopbackHost, parseGitlabUrl, parseProject, parseRegistry } from '../../src/core/hosts.js';
import { grantedActions, readClaims } from '../../src/core/jwt.js';
import { checkUsername, cleanToken } from '../../src/core/secret.js';
import { prefixWarning, needsSentence } from '../../src/core/credentials.js';
import { CREDENTIAL_TYPES, pick } from '../../src/core/choices.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

test('pick: a value from a closed list, typed, or undefined for anything else (a flag, the team file, a remembered answer)', () => {
  expect(pick(CREDENTIAL_TYPES, 'deploy-token')).toBe('deploy-token');
  for (const v of ['Deploy-Token', 'deploy-token ', '', undefined, null, 1, {}, ['deploy-token']]) expect(pick(CREDENTIAL_TYPES, v)).toBeUndefined();
});

describe('parseChallenges (RFC 7235)', () => {
  test("GitLab's challenge", () => {
    const c = parseChallenges('Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry"');
    expect(c).toEqual([{ scheme: 'bearer', params: { realm: 'https://gitlab.example.com/jwt/auth', service: 'container_registry' } }]);
  });
  test('quoted strings with escapes, commas and spaces', () => {
    const c = parseChallenges('Bearer realm="https://h/a\\"b,c", service = "x y" , scope="repository:a/b:pull,push"');
    expect(c[0]!.params).toEqual({ realm: 'https://h/a"b,c', service: 'x y', scope: 'repository:a/b:pull,push' });
  });
  test('several challenges in one header, and in several headers', () => {
    const one = parseChallenges('Basic realm="Registry", Bearer realm="https://g/jwt/auth",service="s"');
    expect(one.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(bearerChallenge(one)?.params.realm).toBe('https://g/jwt/auth');
    const many = parseChallenges(['Negotiate', 'Bearer realm=https://g/jwt/auth']);
    expect(many.map((c) => c.scheme)).toEqual(['negotiate', 'bearer']);
    expect(many[1]!.params.realm).toBe('https://g/jwt/auth');
  });
  test('token68, upper-case names, empty list elements', () => {
    expect(parseChallenges('Basic abc123==')[0]).toEqual({ scheme: 'basic', params: {}, token68: 'abc123==' });
    expect(parseChallenges(', BEARER REALM="x" ,,')[0]).toEqual({ scheme: 'bearer', params: { realm: 'x' } });
  });
  test('Basic-only has no bearer challenge; empty header has none', () => {
    expect(bearerChallenge(parseChallenges('Basic realm="Registry Realm"'))).toBeUndefined();
    expect(parseChallenges('')).toEqual([]);
    expect(bearerChallenge(parseChallenges('Bearer service="x"'))).toBeUndefined();
  });
  test('`Bearer realm=` is a token68 by the RFC, and gives no realm', () => {
    expect(parseChallenges('Bearer realm=')).toEqual([{ scheme: 'bearer', params: {}, token68: 'realm=' }]);
    expect(bearerChallenge(parseChallenges('Bearer realm='))).toBeUndefined();
  });
  test.each(['Bearer realm="unterminated', 'Bearer realm=, service=x', 'Bearer realm="a" junk"', '=x', 'Bearer ;'])('malformed %j throws InputError', (h) => {
    expect(() => parseChallenges(h)).toThrow(InputError);
  });
});

describe('hosts', () => {
  test('registry forms', () => {
    expect(parseRegistry('registry.gitlab.com')).toEqual({ hostname: 'registry.gitlab.com', registry: 'registry.gitlab.com' });
    expect(parseRegistry(' Registry.Example.com:5050 ')).toEqual({ hostname: 'registry.example.com', port: 5050, registry: 'registry.example.com:5050' });
    expect(parseRegistry('[::1]:5000')).toEqual({ hostname: '::1', port: 5000, registry: '[::1]:5000' });
    expect(parseRegistry('127.0.0.1:5000').registry).toBe('127.0.0.1:5000');
  });
  test.each([
    ['https://registry.example.com', /without a scheme/],
    ['registry.example.com/v2', /path/],
    ['user@registry.example.com', /user info/],
    ['reg istry', /spaces/],
    ['host:0', /bad port/],
    ['host:abc', /bad port/],
    ['-bad-.com', /not a valid host/],
    ['a:b:c', /IPv6 goes in brackets/],
    ['', /empty/],
  ])('registry %j is refused with the expected form', (v, re) => {
    expect(() => parseRegistry(v)).toThrow(re);
    expect(() => parseRegistry(v)).toThrow(/HOST\[:PORT\]|empty/);
  });
  test('GitLab URL forms', () => {
    expect(parseGitlabUrl('gitlab.com').href).toBe('https://gitlab.com/');
    expect(parseGitlabUrl('https://gitlab.example.com/').href).toBe('https://gitlab.example.com/');
    expect(parseGitlabUrl('https://example.com/gitlab/').pathname).toBe('/gitlab');
    expect(parseGitlabUrl('http://127.0.0.1:8080').href).toBe('http://127.0.0.1:8080/');
    expect(() => parseGitlabUrl('http://gitlab.example.com')).toThrow(/https/);
    expect(() => parseGitlabUrl('https://u:p@gitlab.example.com')).toThrow(/user info/);
    expect(() => parseGitlabUrl('ftp://gitlab.example.com')).toThrow(/https/);
    expect(() => parseGitlabUrl('https://gitlab.example.com/?a=1')).toThrow(/query/);
  });
  test('project paths are the registry path, lower case', () => {
    expect(parseProject('Group/Sub/My-App')).toBe('group/sub/my-app');
    expect(parseProject('/group/app/worker/')).toBe('group/app/worker');
    expect(() => parseProject('app')).toThrow(/names no group/);
    expect(() => parseProject('group/app:latest')).toThrow(/not a valid registry path/);
    expect(() => parseProject('group//app')).toThrow(InputError);
  });
  test('loopback', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['10.0.0.1', 'localhost.example.com', '128.0.0.1', 'gitlab.com', '::2']) expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('JWT claims', () => {
  test('reads access and maps * to pull and push', () => {
    const jwt = `${b64({ alg: 'RS256' })}.${b64({
      iss: 'gitlab',
      access: [
        { type: 'repository', name: 'g/p', actions: ['pull'] },
        { type: 'repository', name: 'g/q', actions: ['*'] },
      ],
    })}.sig`;
    const c = readClaims(jwt);
    expect(c.iss).toBe('gitlab');
    expect(grantedActions(c, 'g/p')).toEqual(['pull']);
    expect(grantedActions(c, 'g/q')).toEqual(['pull', 'push']);
    expect(grantedActions(c, 'g/none')).toEqual([]);
  });
  test('ignores junk entries in access', () => {
    const jwt = `${b64({})}.${b64({ access: [null, 7, { type: 'repository', name: 'g/p', actions: ['pull', 3] }], exp: 'soon' })}.s`;
    const c = readClaims(jwt);
    expect(c.exp).toBeUndefined();
    expect(grantedActions(c, 'g/p')).toEqual(['pull']);
  });
  test.each(['a.b', 'a.b.c.d', '', '!!!.e30.x', `${b64({})}.bm90IGpzb24.x`, `${b64({})}.${b64([1])}.x`, `${b64({})}.${b64('str')}.x`])(
    'garbage %j throws InputError',
    (j) => {
      expect(() => readClaims(j)).toThrow(InputError);
    },
  );
});

describe('token and username checks', () => {
  test('trailing newline and spaces are trimmed', () => {
    expect(cleanToken('glpat-abc\n')).toBe('glpat-abc');
    expect(cleanToken('  glpat-abc \r\n')).toBe('glpat-abc');
  });
  test.each([
    ['', /no token/],
    ['a\nb', /control characters/],
    ['a\u0000b', /control characters/],
    ['a b', /spaces/],
    ['tökén', /non-ASCII/],
    ['x'.repeat(4097), /longer than 4096/],
  ])('token %# is refused without being echoed', (t, re) => {
    let err: unknown;
    try {
      cleanToken(t);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(re);
    if (t.length > 3) expect((err as Error).message).not.toContain(t);
  });
  test('usernames', () => {
    expect(checkUsername(' gitlab+deploy-token-42 ')).toBe('gitlab+deploy-token-42');
    for (const u of ['', 'a:b', 'a b', 'a\r\nb', 'ünï', 'x'.repeat(256)]) expect(() => checkUsername(u)).toThrow(InputError);
  });
});

describe('credential knowledge', () => {
  test('prefix hints warn but never rule', () => {
    expect(prefixWarning('personal-access-token', 'glpat-x')).toBeUndefined();
    expect(prefixWarning('deploy-token', 'glpat-x')).toMatch(/gldt-.*personal access token/);
    expect(prefixWarning('personal-access-token', 'custom-x')).toMatch(/glpat-.*may go on/);
    expect(prefixWarning('ci-registry-password', 'anything')).toBeUndefined();
  });
  test('scopes and roles', () => {
    expect(needsSentence('personal-access-token', 'push')).toBe(
      'Needs the scope read_registry and write_registry and the Developer role (or higher) on the project.',
    );
    expect(needsSentence('deploy-token', 'pull')).toBe('Needs the scope read_registry.');
    expect(needsSentence('job-token', 'push')).toMatch(/push only to its own project/);
  });
});

describe('fit: long lines for a terminal', () => {
  const tty = (columns: number) => ({ write: () => true, isTTY: true, columns });
  test('breaks at spaces within the width, further lines under the text', () => {
    const line = `      Fix: ${'word '.repeat(30).trim()}`;
    const out = fit(line, tty(50), 11).split('\n');
    expect(out.length).toBeGreaterThan(2);
    for (const l of out) expect(l.length).toBeLessThanOrEqual(50);
    expect(out[0]!.startsWith('      Fix: word')).toBe(true);
    for (const l of out.slice(1)) expect(l).toMatch(/^ {11}word/);
    expect(out.join(' ').replace(/\s+/g, ' ').trim()).toBe(line.replace(/\s+/g, ' ').trim());
  });
  test('colour codes take no width', () => {
    const line = `\u001b[31m✘\u001b[39m ${'x'.repeat(45)}`;
    expect(fit(line, tty(47), 2)).toBe(line);
  });
  test('a pipe, an unknown or a tiny width: the line stays whole', () => {
    const line = 'a '.repeat(100);
    expect(fit(line, { write: () => true }, 2)).toBe(line);
    expect(fit(line, { write: () => true, isTTY: true }, 2)).toBe(line);
    expect(fit(line, tty(20), 2)).toBe(line);
  });
  test('a word longer than the width gets a line of its own', () => {
    const url = `https://example.com/${'p'.repeat(80)}`;
    expect(fit(`  see ${url} now`, tty(60), 2).split('\n')).toEqual(['  see', `  ${url}`, '  now']);
  });
});
