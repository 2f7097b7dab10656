/** One test per doctor check (DOCTOR_CHECKS): each run alone on fake inputs (no network), its needs and skips too. */
import { afterAll, expect, test } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOCTOR_CHECKS, doctorContext, runCheck, type DoctorDeps, type DoctorInput } from '../../src/core/doctor.js';
import { gitlabBase, parseGitlabUrl, parseRegistry, type RegistryAddress } from '../../src/core/hosts.js';
import type { Access, CredentialType } from '../../src/core/credentials.js';
import type { EngineChoice } from '../../src/core/engine.js';
import { resolveRequest } from '../../src/core/request.js';
import { HttpError } from '../../src/core/http.js';
import type { NetProbes } from '../../src/core/netprobe.js';
import { fakeHttp, fakeJwt, fakeRunner, type Route } from '../helpers/fakes.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'grl-doctor-'));
  dirs.push(d);
  return d;
};
/** A PATH with these programs (empty scripts: the fake runner answers for them). */
function pathWith(...names: string[]): string {
  const d = dir();
  for (const n of names) {
    writeFileSync(path.join(d, n), '#!/bin/sh\n');
    chmodSync(path.join(d, n), 0o755);
  }
  return d;
}
/** A DOCKER_CONFIG directory holding `config` as config.json (none when undefined). */
function dockerConfig(config?: string): string {
  const d = dir();
  if (config !== undefined) writeFileSync(path.join(d, 'config.json'), config);
  return d;
}

const REGISTRY = parseRegistry('registry.gitlab.example.com');
const REALM = 'https://gitlab.example.com/jwt/auth';
const TOKEN = 'glpat-Checks000000000token';
const challenge = (extra: { date?: string; realm?: string } = {}) => ({
  status: 401,
  headers: extra.date ? { date: extra.date } : {},
  wwwAuthenticate: [`Bearer realm="${extra.realm ?? REALM}",service="container_registry"`],
});
/** GitLab and its registry as the checks see them; `over` answers first. */
/** A route that may pass a request on (undefined). */
type Over = (url: URL, headers: Record<string, string>) => ReturnType<Route> | undefined;
const gitlab =
  (over: Over = () => undefined): Route =>
  async (url, headers) => {
    const o = await over(url, headers);
    if (o) return o;
    if (url.pathname === '/v2/' && !headers.authorization) return challenge();
    if (url.pathname === '/jwt/auth' && !headers.authorization) return { status: 401, body: '{"errors":[]}' };
    if (url.pathname === '/jwt/auth') {
      const name = url.searchParams.get('scope')?.split(':')[1];
      return { status: 200, body: JSON.stringify({ token: fakeJwt(name ? [{ type: 'repository', name, actions: ['pull'] }] : []) }) };
    }
    if (headers.authorization?.startsWith('Bearer ')) return { status: 200, body: '{}' };
    return new HttpError('refused', 'refused');
  };
const probesOk: NetProbes = {
  lookup: async () => ['192.0.2.10'],
  connect: async () => undefined,
  tls: async () => ({ authorized: true, subject: 'registry.gitlab.example.com', issuer: 'CA', validTo: new Date(NOW + 90 * 86_400_000) }),
};
const noNetwork: NetProbes = {
  lookup: async () => {
    throw new Error('no lookup expected');
  },
  connect: async () => {
    throw new Error('no connect expected');
  },
  tls: async () => {
    throw new Error('no TLS expected');
  },
};

/** What a check is given: the answers (as flags) and the token. */
interface Given {
  registry?: RegistryAddress;
  gitlab?: URL;
  credentialType?: CredentialType;
  username?: string;
  project?: string;
  access?: Access;
  token?: string;
  engine?: EngineChoice;
}
/** The doctor's input: the answers as the request resolves them from flags (core/request.ts), and the token. */
function inputOf({ registry, gitlab: instance, token, engine = 'auto', ...answers }: Given): DoctorInput {
  const flags = { ...answers, ...(registry ? { registry: registry.registry } : {}), ...(instance ? { gitlab: gitlabBase(instance) } : {}) };
  return { request: resolveRequest({ flag: flags }), ...(token ? { token } : {}), trustRealm: false, engine, timeoutMs: 2000 };
}

async function run(id: string, given: Given = {}, deps: Partial<DoctorDeps> & { route?: Route } = {}) {
  const c = DOCTOR_CHECKS.find((k) => k.id === id);
  if (!c) throw new Error(`no check ${id}`);
  const http = fakeHttp(deps.route ?? gitlab());
  const ctx = doctorContext(inputOf(given), {
    http: http.client,
    runner: deps.runner ?? fakeRunner({ stdout: 'Docker version 28.0.0\n' }).runner,
    env: deps.env ?? { PATH: '/nonexistent', DOCKER_CONFIG: dockerConfig() },
    probes: deps.probes ?? probesOk,
    now: () => NOW,
  });
  return { check: await runCheck(c, ctx), seen: http.seen };
}

test('the report lists every check once, in order, each with an id section.name and a title', () => {
  const ids = DOCTOR_CHECKS.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.map((id) => id.split('.')[0])).toEqual([
    ...['engine', 'engine', 'docker', 'docker', 'docker', 'docker'],
    ...['network', 'network', 'network', 'network'],
    ...['registry', 'registry', 'registry', 'registry', 'credential', 'credential'],
  ]);
  for (const c of DOCTOR_CHECKS) expect(c.title).not.toBe('');
});

test('engine.found: no engine on PATH fails; docker found passes with its version; a failing --version warns', async () => {
  expect((await run('engine.found')).check).toMatchObject({ title: 'docker or podman', status: 'fail' });
  const env = { PATH: pathWith('docker'), DOCKER_CONFIG: dockerConfig() };
  const found = await run('engine.found', {}, { env });
  expect(found.check).toMatchObject({ title: 'docker found', status: 'pass', detail: `Docker version 28.0.0 at ${env.PATH}/docker` });
  const broken = await run('engine.found', {}, { env, runner: fakeRunner({ exitCode: 1, stdout: '' }).runner });
  expect(broken.check).toMatchObject({
    status: 'warn',
    detail: `docker (version unknown) at ${env.PATH}/docker`,
    fix: '`docker --version` failed: reinstall it.',
  });
});

test('engine.daemon: skipped without an engine; podman needs none; a docker daemon that does not answer warns', async () => {
  expect((await run('engine.daemon')).check).toMatchObject({ status: 'skip', detail: 'no engine' });
  const podman = await run('engine.daemon', { engine: 'podman' }, { env: { PATH: pathWith('podman') } });
  expect(podman.check).toMatchObject({ title: 'Engine daemon', status: 'pass', detail: 'podman needs no daemon' });
  const env = { PATH: pathWith('docker') };
  expect((await run('engine.daemon', {}, { env, runner: fakeRunner({ stdout: '28.0.0\n' }).runner })).check).toMatchObject({
    title: 'Docker daemon',
    status: 'pass',
    detail: 'running (28.0.0)',
  });
  expect((await run('engine.daemon', {}, { env, runner: fakeRunner({ exitCode: 1, stdout: '' }).runner })).check).toMatchObject({ status: 'warn' });
});

test('docker.config: missing is fine, valid passes, broken JSON fails with the repair', async () => {
  const missing = dockerConfig();
  expect((await run('docker.config', {}, { env: { DOCKER_CONFIG: missing } })).check).toMatchObject({
    status: 'pass',
    detail: `${missing}/config.json does not exist yet (written at the first login)`,
  });
  const valid = dockerConfig('{}');
  expect((await run('docker.config', {}, { env: { DOCKER_CONFIG: valid } })).check).toMatchObject({ status: 'pass', detail: `${valid}/config.json is valid` });
  const broken = dockerConfig('{nope');
  const c = (await run('docker.config', {}, { env: { DOCKER_CONFIG: broken } })).check;
  expect(c).toMatchObject({ status: 'fail', fix: `Repair ${broken}/config.json or move it aside; docker writes a new one at the next login.` });
  expect(c.detail).toMatch(/config\.json is not valid JSON/);
});

test('docker.helpers: skipped when the config cannot be read; a helper not on PATH fails and keeps credsStore', async () => {
  expect((await run('docker.helpers', {}, { env: { DOCKER_CONFIG: dockerConfig('[') } })).check).toMatchObject({
    status: 'skip',
    detail: 'the config file could not be read',
  });
  const env = { PATH: '/nonexistent', DOCKER_CONFIG: dockerConfig('{"credsStore":"nonesuch"}') };
  const c = (await run('docker.helpers', { registry: REGISTRY }, { env })).check;
  expect(c).toMatchObject({ status: 'fail', detail: 'credsStore names docker-credential-nonesuch, which is not on PATH' });
  expect(c.fix).toContain('Do not remove credsStore');
  expect(c.fix).toContain('credHelpers["registry.gitlab.example.com"] = ""');
  const none = (await run('docker.helpers', {}, { env: { DOCKER_CONFIG: dockerConfig('{}') } })).check;
  expect(none).toMatchObject({ status: 'pass' });
  expect(none.detail).toMatch(/^none by default: logins are kept in/);
});

const authsFor = (username: string, secret: string) =>
  JSON.stringify({ auths: { 'registry.gitlab.example.com': { auth: Buffer.from(`${username}:${secret}`).toString('base64') } } });

test('docker.stored: skipped without a registry; a stored login passes with its username; none warns', async () => {
  expect((await run('docker.stored')).check).toMatchObject({ status: 'skip', detail: 'no registry given (--registry or --gitlab)' });
  const stored = await run('docker.stored', { registry: REGISTRY }, { env: { PATH: '/nonexistent', DOCKER_CONFIG: dockerConfig(authsFor('alice', TOKEN)) } });
  expect(stored.check).toMatchObject({ status: 'pass' });
  expect(stored.check.detail).toMatch(/^a login for registry\.gitlab\.example\.com as alice \(/);
  expect((await run('docker.stored', { registry: REGISTRY })).check).toMatchObject({ status: 'warn', detail: 'not logged in to registry.gitlab.example.com' });
  // A username read from a file is shown without its control sequences.
  const evil = { PATH: '/nonexistent', DOCKER_CONFIG: dockerConfig(authsFor('al\u001b]0;TITLE\u0007ice', TOKEN)) };
  expect((await run('docker.stored', { registry: REGISTRY }, { env: evil })).check.detail).not.toMatch(/[\u0000-\u001f]/);
});

test('docker.stored-accepted: skipped without a stored login; a stored token GitLab refuses fails, the token never shown', async () => {
  expect((await run('docker.stored-accepted', { registry: REGISTRY })).check).toMatchObject({ status: 'skip', detail: 'no stored login' });
  const env = { PATH: '/nonexistent', DOCKER_CONFIG: dockerConfig(authsFor('alice', TOKEN)) };
  const refused = gitlab((url, headers) =>
    url.pathname === '/jwt/auth' && headers.authorization
      ? { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"HTTP Basic: Access denied."}]}' }
      : undefined,
  );
  const c = (await run('docker.stored-accepted', { registry: REGISTRY }, { env, route: refused })).check;
  expect(c.status).toBe('fail');
  expect(c.detail).toMatch(/^the stored login for alice no longer works: /);
  expect(JSON.stringify(c)).not.toContain(TOKEN);
  expect((await run('docker.stored-accepted', { registry: REGISTRY }, { env })).check.status).toBe('pass');
});

test("docker.stored-accepted: a project access token's bot login is re-tested as the project access token given, as status does", async () => {
  const env = { PATH: '/nonexistent', DOCKER_CONFIG: dockerConfig(authsFor('project_7_bot_0a1b', TOKEN)) };
  const c = (await run('docker.stored-accepted', { registry: REGISTRY, credentialType: 'project-access-token' }, { env })).check;
  expect(c.status).toBe('pass');
  expect(c.detail).toContain('project access token');
});

test('network.proxy: skipped without a registry; names the proxy HTTPS_PROXY sets', async () => {
  expect((await run('network.proxy')).check).toMatchObject({ status: 'skip', detail: 'no registry given (--registry or --gitlab)' });
  const c = (await run('network.proxy', { registry: REGISTRY }, { env: { HTTPS_PROXY: 'http://proxy.example.test:3128' } })).check;
  expect(c).toMatchObject({ status: 'pass' });
  expect(c.detail).toMatch(/^http:\/\/proxy\.example\.test:3128 is used for registry\.gitlab\.example\.com/);
});

test('network.dns: no lookup for an IP address; a name that does not resolve fails, or warns behind a proxy', async () => {
  const ip = await run('network.dns', { registry: parseRegistry('192.0.2.10:5050') }, { probes: noNetwork });
  expect(ip.check).toMatchObject({ status: 'skip', detail: '192.0.2.10 needs no lookup' });
  const unknown: NetProbes = { ...noNetwork, lookup: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) };
  expect((await run('network.dns', { registry: REGISTRY }, { probes: unknown })).check).toMatchObject({
    status: 'fail',
    detail: 'registry.gitlab.example.com does not resolve (ENOTFOUND)',
  });
  const proxied = await run('network.dns', { registry: REGISTRY }, { probes: unknown, env: { HTTPS_PROXY: 'http://proxy.example.test:3128' } });
  expect(proxied.check).toMatchObject({ status: 'warn', detail: 'registry.gitlab.example.com does not resolve (ENOTFOUND); the proxy may resolve it' });
});

test('network.tcp: skipped when the name does not resolve; a refused connection fails with the port', async () => {
  const unknown: NetProbes = { ...noNetwork, lookup: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) };
  expect((await run('network.tcp', { registry: REGISTRY }, { probes: unknown })).check).toMatchObject({ status: 'skip', detail: 'the name does not resolve' });
  const refused: NetProbes = { ...probesOk, connect: async () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })) };
  expect((await run('network.tcp', { registry: REGISTRY }, { probes: refused })).check).toMatchObject({
    status: 'fail',
    detail: 'cannot connect to registry.gitlab.example.com port 443 (ECONNREFUSED)',
  });
});

test('network.tls: skipped on a plain-HTTP loopback registry and without a connection; an unknown CA fails with the fix', async () => {
  const loopback = parseRegistry('127.0.0.1:5000');
  const plain: Route = (url) =>
    url.protocol === 'http:' && url.pathname === '/v2/'
      ? { status: 401, wwwAuthenticate: ['Bearer realm="http://127.0.0.1:8080/jwt/auth"'] }
      : new HttpError('refused', 'refused');
  expect((await run('network.tls', { registry: loopback }, { route: plain, probes: { ...noNetwork, connect: async () => undefined } })).check).toMatchObject({
    status: 'skip',
    detail: 'the loopback registry answers plain HTTP',
  });
  const refused: NetProbes = { ...probesOk, connect: async () => Promise.reject(new Error('refused')) };
  expect((await run('network.tls', { registry: REGISTRY }, { probes: refused })).check).toMatchObject({ status: 'skip', detail: 'no connection' });
  const unknownCa: NetProbes = { ...probesOk, tls: async () => ({ authorized: false, error: 'SELF_SIGNED_CERT_IN_CHAIN', subject: 'registry' }) };
  const c = (await run('network.tls', { registry: REGISTRY }, { probes: unknownCa })).check;
  expect(c).toMatchObject({ status: 'fail', detail: 'certificate for registry: not signed by a CA this machine trusts (SELF_SIGNED_CERT_IN_CHAIN)' });
  expect(c.fix).toContain('/etc/docker/certs.d/registry.gitlab.example.com/ca.crt');
  const soon: NetProbes = { ...probesOk, tls: async () => ({ authorized: true, validTo: new Date(NOW + 5 * 86_400_000) }) };
  expect((await run('network.tls', { registry: REGISTRY }, { probes: soon })).check).toMatchObject({
    status: 'warn',
    detail: 'certificate, valid 5 more days',
  });
});

test('registry.challenge: skipped without a registry; shows the realm; a registry that does not answer fails', async () => {
  expect((await run('registry.challenge')).check).toMatchObject({ status: 'skip', detail: 'no registry given' });
  expect((await run('registry.challenge', { registry: REGISTRY })).check).toMatchObject({
    status: 'pass',
    detail: `Bearer realm="${REALM}", service="container_registry"`,
  });
  const down = (await run('registry.challenge', { registry: REGISTRY }, { route: () => new HttpError('refused', 'connection refused') })).check;
  expect(down.status).toBe('fail');
});

test('registry.realm: skipped without a challenge; a realm off the given instance fails; plain HTTP warns', async () => {
  expect((await run('registry.realm')).check).toMatchObject({ status: 'skip', detail: 'no registry challenge' });
  expect((await run('registry.realm', { registry: REGISTRY, gitlab: parseGitlabUrl('https://gitlab.example.com') })).check).toMatchObject({
    status: 'pass',
    detail: 'https://gitlab.example.com over HTTPS, on the instance gitlab.example.com',
  });
  expect((await run('registry.realm', { registry: REGISTRY, gitlab: parseGitlabUrl('https://other.example.com') })).check.status).toBe('fail');
  const loopback = parseRegistry('127.0.0.1:5000');
  const plain: Route = (url) =>
    url.protocol === 'http:' && url.pathname === '/v2/'
      ? { status: 401, wwwAuthenticate: ['Bearer realm="http://127.0.0.1:8080/jwt/auth"'] }
      : new HttpError('refused', 'refused');
  expect((await run('registry.realm', { registry: loopback }, { route: plain })).check).toMatchObject({
    status: 'warn',
    detail: 'http://127.0.0.1:8080 is plain HTTP (allowed on loopback only)',
  });
});

test('registry.realm-answers: skipped when the realm is refused (it was missing from the report); HTML is not GitLab', async () => {
  expect((await run('registry.realm-answers', { registry: REGISTRY, gitlab: parseGitlabUrl('https://other.example.com') })).check).toMatchObject({
    status: 'skip',
    detail: 'the token realm failed above',
  });
  expect((await run('registry.realm-answers', { registry: REGISTRY })).check).toMatchObject({ status: 'pass', detail: 'HTTP 401 from gitlab.example.com' });
  const html = gitlab((url, headers) => (url.pathname === '/jwt/auth' && !headers.authorization ? { status: 502, body: '<html>' } : undefined));
  expect((await run('registry.realm-answers', { registry: REGISTRY }, { route: html })).check).toMatchObject({
    status: 'fail',
    detail: "gitlab.example.com answered HTTP 502 without JSON, not like GitLab's token endpoint",
  });
});

test("registry.clock: skipped without a Date header; more than a minute off the registry's clock fails", async () => {
  expect((await run('registry.clock', { registry: REGISTRY })).check).toMatchObject({ status: 'skip', detail: 'the registry sent no Date header' });
  const dated = (ms: number) =>
    gitlab((url, headers) => (url.pathname === '/v2/' && !headers.authorization ? challenge({ date: new Date(ms).toUTCString() }) : undefined));
  expect((await run('registry.clock', { registry: REGISTRY }, { route: dated(NOW - 5000) })).check).toMatchObject({
    status: 'pass',
    detail: "within 5 s of the registry's",
  });
  expect((await run('registry.clock', { registry: REGISTRY }, { route: dated(NOW - 300_000) })).check).toMatchObject({
    status: 'fail',
    detail: "this machine's clock is 300 s ahead of the registry's",
  });
});

test('credential.verify: skipped without a token; a token GitLab accepts passes; one it refuses fails', async () => {
  expect((await run('credential.verify', { registry: REGISTRY })).check).toMatchObject({ status: 'skip', detail: 'no token given (--token-stdin)' });
  const input = { registry: REGISTRY, token: TOKEN, username: 'alice', credentialType: 'personal-access-token' as const, project: 'group/app' };
  expect((await run('credential.verify', input)).check.status).toBe('pass');
  const refused = gitlab((url, headers) =>
    url.pathname === '/jwt/auth' && headers.authorization
      ? { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"HTTP Basic: Access denied."}]}' }
      : undefined,
  );
  const c = (await run('credential.verify', input, { route: refused })).check;
  expect(c.status).toBe('fail');
  expect(JSON.stringify(c)).not.toContain(TOKEN);
});

test("credential.token-info: only for personal access tokens; a token lacking the access's scope fails; one expiring soon warns", async () => {
  const deploy = { registry: REGISTRY, token: TOKEN, username: 'gitlab+deploy-token-1', credentialType: 'deploy-token' as const };
  const skipped = (await run('credential.token-info', deploy)).check;
  expect(skipped).toMatchObject({ status: 'skip' });
  expect(skipped.detail).toMatch(/^GitLab shows these only for personal access tokens/);
  const pat = (self: object) =>
    gitlab((url) => (url.pathname === '/api/v4/personal_access_tokens/self' ? { status: 200, body: JSON.stringify(self) } : undefined));
  const input = { registry: REGISTRY, token: TOKEN, username: 'alice', credentialType: 'personal-access-token' as const, access: 'push' as const };
  expect((await run('credential.token-info', input, { route: pat({ scopes: ['read_registry'] }) })).check).toMatchObject({
    status: 'fail',
    fix: 'The token lacks write_registry: create one with read_registry and write_registry.',
  });
  const soon = await run('credential.token-info', input, { route: pat({ scopes: ['api'], expires_at: '2026-06-04' }) });
  expect(soon.check).toMatchObject({ status: 'warn', detail: 'scopes: api; expires 2026-06-04 (3 days)' });
  // Sent to the instance only, as the private token.
  expect(soon.seen.filter((r) => r.url.endsWith('/personal_access_tokens/self')).map((r) => r.url)).toEqual([
    'https://gitlab.example.com/api/v4/personal_access_tokens/self',
  ]);
});

test("credential.token-info after credential.verify reads the verification's token record: GitLab is asked for it once", async () => {
  // The verification reads the record with the real clock: an expiry 3 days from today.
  const in3Days = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const self = { name: 'ci', scopes: ['read_registry', 'write_registry'], expires_at: in3Days, active: true, revoked: false };
  const http = fakeHttp(gitlab((url) => (url.pathname === '/api/v4/personal_access_tokens/self' ? { status: 200, body: JSON.stringify(self) } : undefined)));
  const input = { registry: REGISTRY, token: TOKEN, username: 'alice', credentialType: 'personal-access-token' as const, access: 'push' as const };
  const ctx = doctorContext(inputOf(input), {
    http: http.client,
    runner: fakeRunner().runner,
    env: { PATH: '/nonexistent', DOCKER_CONFIG: dockerConfig() },
    probes: probesOk,
  });
  const byId = (id: string) => DOCTOR_CHECKS.find((k) => k.id === id)!;
  expect((await runCheck(byId('credential.verify'), ctx)).status).toBe('pass');
  const info = await runCheck(byId('credential.token-info'), ctx);
  expect(http.seen.filter((r) => r.url.endsWith('/personal_access_tokens/self'))).toHaveLength(1);
  expect(info).toMatchObject({ status: 'warn', detail: `scopes: read_registry, write_registry; expires ${in3Days} (3 days)` });
});

test("doctor reads the request as verify does: a team file's answers at their rank, the realm's instance no trust anchor", async () => {
  const request = resolveRequest({
    'team-file': { registry: REGISTRY.registry, project: 'group/app', credentialType: 'personal-access-token', username: 'alice' },
    realm: { gitlab: 'https://gitlab.example.com' },
  });
  expect(request.gitlab?.source).toBe('realm');
  const http = fakeHttp(gitlab());
  const ctx = doctorContext(
    { request, token: TOKEN, trustRealm: false, engine: 'auto', timeoutMs: 2000 },
    { http: http.client, runner: fakeRunner().runner, env: { PATH: '/nonexistent', DOCKER_CONFIG: dockerConfig() }, probes: probesOk, now: () => NOW },
  );
  const byId = (id: string) => DOCTOR_CHECKS.find((k) => k.id === id)!;
  // The instance the realm named is where the realm is, not a given instance it was checked against.
  expect(await runCheck(byId('registry.realm'), ctx)).toMatchObject({ status: 'pass', detail: 'https://gitlab.example.com over HTTPS' });
  expect((await runCheck(byId('credential.verify'), ctx)).status).toBe('pass');
  const asked = http.seen.filter((r) => r.url.includes('/jwt/auth') && r.headers.authorization).map((r) => new URL(r.url).searchParams.get('scope'));
  expect(asked).toEqual(['repository:group/app:pull']);
});
