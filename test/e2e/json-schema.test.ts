/**
 * Every command's `--json` output, from the built CLI against the real registry and the test GitLab, validated
 * against its JSON Schema in schemas/. Validation here is strict: a field the schema does not describe fails,
 * so the schemas (and the README that points to them) stay complete. Consumers get the schemas as they are:
 * additional fields allowed, as the additive-only promise within a schemaVersion needs.
 */
import { afterAll, expect, test } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { ROOT, run } from '../helpers/cli.js';
import { alice, answerFlags, dockerConfigFile, fileSandbox, putOnPath, testSandbox, useStack, writeDockerConfig } from '../helpers/e2e.js';

const TOKEN = 'glpat-Schema000secret0000';
const RENEW = 'glpat-Schema0Renew0secret0';
const RENEW_LOST = 'glpat-Schema0Lost00secret0';
const SCHEMAS = path.join(ROOT, 'schemas');
const seen = new Set<string>();
const { gl, reg } = useStack({
  users: [alice(TOKEN), ...[RENEW, RENEW_LOST].map((token) => alice(token, { scopes: ['read_registry', 'self_rotate'], expiresInDays: 5 }))],
});
const sb = fileSandbox();
afterAll(() => {
  // Every schema kept in the repository was used by some case above.
  expect([...seen].sort()).toEqual(
    readdirSync(SCHEMAS)
      .filter((f) => f.endsWith('.schema.json'))
      .sort(),
  );
});

/** The schema with `additionalProperties: false` on every object that lists its properties. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema))
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strict(s)])) : strict(v);
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

function validate(file: string, stdout: string): Record<string, unknown> {
  seen.add(file);
  const schema = JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8'));
  const ajv = new Ajv2020.default({ allErrors: true, strict: true });
  const check = ajv.compile(strict(schema) as object);
  const value = JSON.parse(stdout) as Record<string, unknown>;
  expect(check(value), `${file}: ${ajv.errorsText(check.errors)}\n${stdout}`).toBe(true);
  expect(Object.keys(value)[0]).toBe('schemaVersion');
  expect(value.schemaVersion).toBe(1);
  return value;
}

test("a token's record has one shape: the schemas that carry one (verify and login, status) agree", () => {
  const read = (f: string) => JSON.parse(readFileSync(path.join(SCHEMAS, f), 'utf8'));
  const verifyToken = read('verify.schema.json').properties.token;
  expect(verifyToken).toBeDefined();
  expect(read('status.schema.json').properties.logins.items.properties.token).toEqual(verifyToken);
});

const verifyArgs = (token = TOKEN) => ({ args: [...answerFlags(reg.registry, { access: 'push' }), '--token-stdin', '--json'], input: token });

test('verify: ok, rejected and unreachable', async () => {
  const { args, input } = verifyArgs();
  expect(validate('verify.schema.json', (await run(['verify', ...args], { input, env: sb.env })).stdout)).toMatchObject({ ok: true, verdict: 'ok' });
  const bad = verifyArgs('glpat-Wrong0000000000000');
  expect(validate('verify.schema.json', (await run(['verify', ...bad.args], { input: bad.input, env: sb.env })).stdout)).toMatchObject({
    verdict: 'invalid-credentials',
  });
  const down = await run(['verify', ...answerFlags('127.0.0.1:1', { project: null }), '--token-stdin', '--json', '--timeout', '2'], {
    input: TOKEN,
    env: sb.env,
  });
  expect(validate('verify.schema.json', down.stdout)).toMatchObject({ verdict: 'unreachable' });
});

test('login (with storage), logout (removed, then nothing to remove), logout without an engine', async () => {
  const { args, input } = verifyArgs();
  const login = validate('verify.schema.json', (await run(['login', ...args], { input, env: sb.env })).stdout);
  expect(login).toMatchObject({ ok: true, loggedIn: true, engine: 'docker', storage: { kind: 'file' } });
  expect(validate('logout.schema.json', (await run(['logout', '--registry', reg.registry, '--json'], { env: sb.env })).stdout)).toMatchObject({
    ok: true,
    removed: true,
  });
  expect(validate('logout.schema.json', (await run(['logout', '--registry', reg.registry, '--json'], { env: sb.env })).stdout)).toMatchObject({
    ok: true,
    removed: false,
  });
  const none = testSandbox({ docker: 'none' });
  const r = await run(['logout', '--engine', 'docker', '--registry', reg.registry, '--json'], { env: none.env });
  expect(r.code).toBe(1);
  expect(validate('logout.schema.json', r.stdout)).toMatchObject({ ok: false, engine: null });
});

test('credential helpers: store-failed, --insecure-storage, logout that could not check', async () => {
  const { args, input } = verifyArgs();
  const broken = testSandbox();
  writeDockerConfig(broken, '{"credsStore":"dbus"}');
  putOnPath(broken, 'docker-credential-dbus', "#!/bin/sh\ncat >/dev/null\necho 'Cannot autolaunch D-Bus without X11 $DISPLAY'\nexit 1\n");
  expect(validate('verify.schema.json', (await run(['login', ...args], { input, env: broken.env })).stdout)).toMatchObject({
    verdict: 'store-failed',
    store: { state: 'failed', helper: 'dbus' },
  });
  expect(validate('logout.schema.json', (await run(['logout', '--registry', reg.registry, '--json'], { env: broken.env })).stdout)).toMatchObject({
    checked: false,
    removed: null,
  });
  expect(validate('verify.schema.json', (await run(['login', ...args, '--insecure-storage'], { input, env: broken.env })).stdout)).toMatchObject({
    ok: true,
    storage: { kind: 'file', insecure: {} },
  });
});

test('doctor, with and without a token; doctor --error recognised and not', async () => {
  expect(validate('doctor.schema.json', (await run(['doctor', '--registry', reg.registry, '--json'], { env: sb.env })).stdout)).toHaveProperty('checks');
  const { args, input } = verifyArgs();
  const withToken = validate('doctor.schema.json', (await run(['doctor', ...args], { input, env: sb.env })).stdout);
  expect((withToken.checks as Array<{ id: string }>).map((c) => c.id)).toContain('credential.verify');
  expect(validate('doctor-error.schema.json', (await run(['doctor', '--error', 'denied: access forbidden', '--json'], { env: sb.env })).stdout)).toMatchObject({
    recognised: true,
  });
  expect(validate('doctor-error.schema.json', (await run(['doctor', '--error', 'something else entirely', '--json'], { env: sb.env })).stdout)).toMatchObject({
    recognised: false,
    cause: null,
  });
});

test('renew: renewed, refused (no self_rotate/api scope), not logged in, answer lost', async () => {
  const box = testSandbox();
  const renew = (input?: string) =>
    run(['renew', '--registry', reg.registry, '--json', ...(input ? ['--token-stdin'] : [])], { env: box.env, ...(input ? { input } : {}) });
  expect(validate('renew.schema.json', (await renew()).stdout)).toMatchObject({ ok: false, verdict: 'not-logged-in', rotation: 'none', token: null });
  expect(validate('renew.schema.json', (await renew(TOKEN)).stdout)).toMatchObject({
    verdict: 'no-rotate-scope',
    rotation: 'none',
    token: { name: 'registry' },
  });
  expect(validate('renew.schema.json', (await renew(RENEW)).stdout)).toMatchObject({
    ok: true,
    rotation: 'rotated',
    stored: true,
    storage: { kind: 'file' },
  });
  gl.config.loseRotateAnswer = 'drop';
  const lost = await renew(RENEW_LOST);
  delete gl.config.loseRotateAnswer;
  expect(lost.code).toBe(3);
  expect(validate('renew.schema.json', lost.stdout)).toMatchObject({ verdict: 'rotation-unknown', rotation: 'rotated', stored: false });
});

test('status: a working login, a failing helper, a registry that is not GitLab, DOCKER_AUTH_CONFIG; no login', async () => {
  const box = testSandbox();
  const { args, input } = verifyArgs();
  expect((await run(['login', ...args], { input, env: box.env })).code).toBe(0);
  const file = dockerConfigFile(box);
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, object>; credHelpers?: Record<string, string> };
  // A helper that fails for another GitLab-like address (this one's /v2/ is refused: listed, not checked), and a non-registry key.
  cfg.credHelpers = { '127.0.0.1:1': 'dbus' };
  cfg.auths['https://index.docker.io/v1/'] = { auth: Buffer.from('carol:x').toString('base64') };
  writeFileSync(file, JSON.stringify(cfg));
  putOnPath(box, 'docker-credential-dbus', "#!/bin/sh\ncat >/dev/null\necho 'Cannot autolaunch D-Bus'\nexit 1\n");
  const env = { ...box.env, DOCKER_AUTH_CONFIG: '{"auths":{}}' };
  const r = await run(['status', '--json', '--timeout', '3'], { env });
  const j = validate('status.schema.json', r.stdout) as { logins: Array<{ registry: string; state: string }>; warnings: string[] };
  expect(j.logins.find((l) => l.registry === reg.registry)).toMatchObject({ state: 'ok', token: { state: 'active' }, storage: { kind: 'file' } });
  expect(j.logins.find((l) => l.registry === '127.0.0.1:1')).toMatchObject({ storage: { kind: 'helper', helper: 'dbus' } });
  expect(j.logins.find((l) => l.registry === 'index.docker.io')).toMatchObject({ state: 'not-checked' });
  expect(j.warnings).toHaveLength(1);
  const none = testSandbox();
  expect(validate('status.schema.json', (await run(['status', '--json', '--registry', reg.registry], { env: none.env })).stdout)).toMatchObject({
    ok: false,
    logins: [],
  });
});
