import { expect, test } from 'vitest';
import { runDoctor } from '../../src/core/doctor.js';
import { parseRegistry } from '../../src/core/hosts.js';
import { resolveRequest } from '../../src/core/request.js';
import type { NetProbes } from '../../src/core/netprobe.js';
import { HttpError } from '../../src/core/http.js';
import { fakeHttp, fakeRunner } from '../helpers/fakes.js';

const base = { trustRealm: false, engine: 'auto' as const, timeoutMs: 2000 };
/** A request naming the registry (as --registry does). */
const registry = (r: string) => ({ request: resolveRequest({ flag: { registry: parseRegistry(r).registry } }) });

test('DNS: a name that does not resolve fails, and TCP and TLS are skipped rather than failed again', async () => {
  const probes: NetProbes = {
    lookup: async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    },
    connect: async () => {
      throw new Error('must not be called');
    },
    tls: async () => {
      throw new Error('must not be called');
    },
  };
  const checks = await runDoctor(
    { ...base, ...registry('registry.example.test') },
    { http: fakeHttp(() => new HttpError('dns', 'no such host')).client, runner: fakeRunner().runner, env: { PATH: '/nonexistent' }, probes },
  );
  const by = Object.fromEntries(checks.map((c) => [c.id, c]));
  expect(by['network.dns']).toMatchObject({ status: 'fail', detail: 'registry.example.test does not resolve (ENOTFOUND)' });
  expect(by['network.tcp']!.status).toBe('skip');
  expect(by['network.tls']!.status).toBe('skip');
  expect(by['engine.found']!.status).toBe('fail');
});

test('DNS resolving, TLS valid for a long time: pass with the addresses and the certificate', async () => {
  const probes: NetProbes = {
    lookup: async () => ['192.0.2.10'],
    connect: async () => undefined,
    tls: async () => ({ authorized: true, subject: 'registry.example.test', issuer: 'Example CA', validTo: new Date(Date.now() + 90 * 86_400_000) }),
  };
  const checks = await runDoctor(
    { ...base, ...registry('registry.example.test') },
    { http: fakeHttp(() => new HttpError('refused', 'refused')).client, runner: fakeRunner().runner, env: { PATH: '/nonexistent' }, probes },
  );
  const by = Object.fromEntries(checks.map((c) => [c.id, c]));
  expect(by['network.dns']).toMatchObject({ status: 'pass', detail: 'registry.example.test → 192.0.2.10' });
  expect(by['network.tcp']).toMatchObject({ status: 'pass', detail: 'registry.example.test port 443 accepts connections' });
  expect(by['network.tls']).toMatchObject({ status: 'pass' });
  expect(by['network.tls']!.detail).toMatch(/certificate for registry\.example\.test issued by Example CA, valid (89|90) more days/);
});

test("a certificate's subject and issuer (read from an unverified certificate) are shown without control sequences", async () => {
  const evil = '\u001b]0;TITLE\u0007\u001b[2K\r\u001b[32m✔ all good\u009b0m';
  const probes: NetProbes = {
    lookup: async () => ['192.0.2.10'],
    connect: async () => undefined,
    tls: async () => ({
      authorized: false,
      error: 'SELF_SIGNED_CERT_IN_CHAIN',
      subject: evil,
      issuer: `${evil}${'I'.repeat(5000)}`,
      validTo: new Date(Date.now() + 90 * 86_400_000),
    }),
  };
  const checks = await runDoctor(
    { ...base, ...registry('registry.example.test') },
    { http: fakeHttp(() => new HttpError('refused', 'refused')).client, runner: fakeRunner().runner, env: { PATH: '/nonexistent' }, probes },
  );
  for (const c of checks) {
    expect(`${c.detail} ${c.fix ?? ''}`).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(c.detail.length).toBeLessThanOrEqual(600);
  }
  const tls = checks.find((c) => c.id === 'network.tls')!;
  expect(tls.detail).toContain('✔ all good');
  expect(tls.detail).not.toContain('TITLE');
});

test('TCP connect names the host and the port once (registry.example.test:5050 port 5050 repeated the port)', async () => {
  const probes: NetProbes = {
    lookup: async () => ['192.0.2.10'],
    connect: async () => undefined,
    tls: async () => ({ authorized: true, subject: 'x', issuer: 'y', validTo: new Date(Date.now() + 90 * 86_400_000) }),
  };
  const checks = await runDoctor(
    { ...base, ...registry('registry.example.test:5050') },
    { http: fakeHttp(() => new HttpError('refused', 'refused')).client, runner: fakeRunner().runner, env: { PATH: '/nonexistent' }, probes },
  );
  expect(checks.find((c) => c.id === 'network.tcp')!.detail).toBe('registry.example.test port 5050 accepts connections');
});
