import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { makeCert, type KeyPair } from '../helpers/pki.js';
import { dateInDays } from '../helpers/gitlab.js';
import { freePort } from '../helpers/registry.js';
import { tlsProxy } from '../helpers/servers.js';
import { run, type RunResult, type Sandbox } from '../helpers/cli.js';
import {
  alice,
  answerFlags,
  basicAuth as authFor,
  cliTerminal,
  parseJson,
  putOnPath,
  testSandbox,
  testServer as httpServer,
  useStack,
  writeDockerConfig,
} from '../helpers/e2e.js';

const GOOD = 'glpat-Doctor000good0000token';
const STALE = 'glpat-Doctor000stale000token';
const SOON = 'glpat-Doctor000soon00000token';
const PULLONLY = 'glpat-Doctor000pull00000token';
const { gl, reg } = useStack(() => ({
  users: [
    alice(GOOD, { expiresAt: dateInDays(90) }),
    alice(SOON, { username: 'sam', expiresAt: dateInDays(3) }),
    alice(PULLONLY, { username: 'pat', scopes: ['read_registry'] }),
  ],
}));
let tlsCert: KeyPair;
beforeAll(() => {
  tlsCert = makeCert('127.0.0.1', ['IP:127.0.0.1']);
});
afterAll(() => tlsCert?.cleanup());

/** A sandbox with docker's config `config` (none when undefined). */
function box(config?: string): Sandbox {
  const sb = testSandbox();
  if (config !== undefined) writeDockerConfig(sb, config);
  return sb;
}

interface Report {
  ok: boolean;
  checks: Array<{ id: string; title: string; status: string; detail: string; fix?: string }>;
}
const report = (r: RunResult) => parseJson<Report>(r);
const check = (r: Report, id: string) => {
  const c = r.checks.find((k) => k.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};

describe('doctor against the real registry', () => {
  test('a healthy setup with a stored login that works, and a token on stdin', async () => {
    const sb = box(JSON.stringify({ auths: { [reg.registry]: { auth: authFor('alice', GOOD) } } }));
    const r = await run(['doctor', ...answerFlags(reg.registry, { access: 'push' }), '--token-stdin', '--json'], { input: GOOD, env: sb.env });
    const rep = report(r);
    const status = Object.fromEntries(rep.checks.map((c) => [c.id, c.status]));
    expect(status).toEqual({
      'engine.found': 'pass',
      'engine.daemon': 'warn', // no daemon on this machine: a warning only
      'docker.config': 'pass',
      'docker.helpers': 'pass',
      'docker.stored': 'pass',
      'docker.stored-accepted': 'pass',
      'network.proxy': 'pass',
      'network.dns': 'skip',
      'network.tcp': 'pass',
      'network.tls': 'skip',
      'registry.challenge': 'pass',
      'registry.realm': 'warn',
      'registry.realm-answers': 'pass',
      'registry.clock': 'pass',
      'credential.verify': 'pass',
      'credential.token-info': 'pass',
    });
    expect(rep.ok).toBe(true);
    expect(r.code).toBe(0);
    expect(check(rep, 'credential.token-info').detail).toMatch(/scopes: read_registry, write_registry; expires .* \(\d+ days\)/);
    expect(r.stdout).not.toContain(GOOD);
    expect(r.stdout).not.toContain(authFor('alice', GOOD));
  });

  test('human report: sections, marks and the fix under each failure', async () => {
    const sb = box('{not json');
    const r = await run(['doctor', '--registry', reg.registry], { env: sb.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Engine\n {2}✔ docker found/m);
    expect(r.stdout).toMatch(/Docker config\n {2}✘ Config file: .*config\.json is not valid JSON/);
    expect(r.stdout).toMatch(/\n {6}Fix: Repair .*config\.json or move it aside/);
    expect(r.stdout).toMatch(/\d+ failed/);
  });

  test('in a narrow terminal, long details and fixes wrap at spaces under their own text', async () => {
    const sb = box('{not json');
    const t = cliTerminal(sb, ['doctor', '--registry', reg.registry], { env: { NO_COLOR: '1' }, size: { width: 72, height: 80 } });
    const screen = await t.waitFor('EXIT=');
    const lines = screen.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('EXIT=') && !l.startsWith('Pane is dead'));
    // Section titles and the summary start at the left edge; everything else is indented: a line the
    // terminal itself had to wrap would start at column 0 in mid-word.
    const edge = lines.filter((l) => !l.startsWith(' '));
    expect(
      edge.every((l) => /^(Engine|Docker config|Network|Registry|Credential)$|^\d+ failed|^nothing failed/.test(l)),
      edge.join('\n'),
    ).toBe(true);
    expect(screen).toMatch(/\n {6}Fix: Repair .*\n {11}\S/);
  });

  test('not logged in is a warning, not a failure', async () => {
    const sb = box();
    const rep = report(await run(['doctor', '--registry', reg.registry, '--json'], { env: sb.env }));
    expect(check(rep, 'docker.stored')).toMatchObject({ status: 'warn', detail: `not logged in to ${reg.registry}` });
    expect(rep.ok).toBe(true);
  });

  test('a stored credential GitLab rejects', async () => {
    const sb = box(JSON.stringify({ auths: { [reg.registry]: { auth: authFor('alice', STALE) } } }));
    const r = await run(['doctor', '--registry', reg.registry, '--json'], { env: sb.env });
    const c = check(report(r), 'docker.stored-accepted');
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/no longer works: GitLab rejected/);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(STALE);
  });

  test('a stored credential read through a credential helper, and accepted', async () => {
    const sb = box(JSON.stringify({ credsStore: 'testhelper' }));
    putOnPath(
      sb,
      'docker-credential-testhelper',
      `#!/bin/sh\nread host\n[ "$1" = get ] && [ "$host" = "${reg.registry}" ] && printf '{"ServerURL":"%s","Username":"alice","Secret":"${GOOD}"}' "$host" && exit 0\necho "credentials not found" >&2\nexit 1\n`,
    );
    const r = await run(['doctor', '--registry', reg.registry, '--json'], { env: sb.env });
    const rep = report(r);
    expect(check(rep, 'docker.helpers')).toMatchObject({ status: 'pass' });
    expect(check(rep, 'docker.stored')).toMatchObject({ status: 'pass', detail: `a login for ${reg.registry} as alice (docker-credential-testhelper)` });
    expect(check(rep, 'docker.stored-accepted').status).toBe('pass');
    expect(r.stdout).not.toContain(GOOD);
  });

  test('credsStore naming a helper that is not installed', async () => {
    const sb = box(JSON.stringify({ credsStore: 'desktop' }));
    const rep = report(await run(['doctor', '--registry', reg.registry, '--json'], { env: sb.env }));
    expect(check(rep, 'docker.helpers')).toMatchObject({ status: 'fail', detail: 'credsStore names docker-credential-desktop, which is not on PATH' });
    expect(check(rep, 'docker.helpers').fix).toMatch(
      /Install docker-credential-desktop, or keep just this registry's login in the file: `gitlab-registry-login login --insecure-storage`/,
    );
    expect(check(rep, 'docker.helpers').fix).not.toMatch(/remove the entry|(?<!not )remove .?credsStore/i);
  });

  test('only this registry\'s helper is checked; credHelpers[REG] = "" is the file, not a missing program', async () => {
    const sb = box(
      JSON.stringify({
        credsStore: 'desktop',
        credHelpers: { [reg.registry]: '', '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
        auths: { [reg.registry]: { auth: authFor('alice', GOOD) } },
      }),
    );
    const rep = report(await run(['doctor', '--registry', reg.registry, '--json'], { env: sb.env }));
    expect(check(rep, 'docker.helpers')).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/credHelpers\[".*"\] is "": docker keeps this registry's login in .*config\.json/),
    });
    expect(check(rep, 'docker.stored')).toMatchObject({ status: 'pass', detail: expect.stringContaining('as alice') });
    expect(JSON.stringify(rep)).not.toMatch(/ecr-login|docker-credential-desktop/);
  });

  test('a helper failing on get is reported as that, with its words, not as "not logged in"', async () => {
    const sb = box(JSON.stringify({ credsStore: 'secretservice' }));
    putOnPath(sb, 'docker-credential-secretservice', '#!/bin/sh\ncat >/dev/null\necho "Cannot autolaunch D-Bus without X11 \\$DISPLAY"\nexit 1\n');
    const r = await run(['doctor', '--registry', reg.registry, '--json'], { env: sb.env });
    const stored = check(report(r), 'docker.stored');
    expect(stored).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^docker-credential-secretservice failed: Cannot autolaunch D-Bus without X11 \$DISPLAY \(credsStore in .*config\.json\)/),
    });
    expect(stored.fix).toMatch(/desktop keyring.*--insecure-storage/);
    expect(r.code).toBe(1);
  });

  test('a helper hanging on get is stopped after 3 s and reported as such', async () => {
    const sb = box(JSON.stringify({ credHelpers: { [reg.registry]: 'slow' } }));
    putOnPath(sb, 'docker-credential-slow', '#!/bin/sh\nexec sleep 60\n');
    const rep = report(await run(['doctor', '--registry', reg.registry, '--json'], { env: sb.env }));
    expect(check(rep, 'docker.stored')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^docker-credential-slow did not answer `get` within 3 s/),
    });
  });

  test("glab's helper is recognised and asked for glab's login", async () => {
    const sb = box(JSON.stringify({ credHelpers: { [reg.registry]: 'glab' } }));
    putOnPath(
      sb,
      'docker-credential-glab',
      `#!/bin/sh\nread host\n[ "$1" = get ] && printf '{"ServerURL":"%s","Username":"alice","Secret":"${GOOD}"}' "$host" && exit 0\nexit 1\n`,
    );
    const r = await run(['doctor', '--registry', reg.registry, '--json'], { env: sb.env });
    const rep = report(r);
    expect(check(rep, 'docker.helpers')).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/docker-credential-glab .*glab auth configure-docker/),
    });
    expect(check(rep, 'docker.stored')).toMatchObject({ status: 'pass', detail: `a login for ${reg.registry} as alice (docker-credential-glab)` });
    expect(check(rep, 'docker.stored-accepted').status).toBe('pass');
    expect(r.stdout).not.toContain(GOOD);
  });

  test('a closed port', async () => {
    const sb = box();
    const port = await freePort();
    const r = await run(['doctor', '--registry', `127.0.0.1:${port}`, '--json'], { env: sb.env });
    const rep = report(r);
    expect(check(rep, 'network.tcp')).toMatchObject({ status: 'fail' });
    expect(check(rep, 'network.tcp').detail).toContain('ECONNREFUSED');
    expect(check(rep, 'network.tls').status).toBe('skip');
    expect(check(rep, 'registry.challenge').status).toBe('fail');
    expect(r.code).toBe(1);
  });

  test('a registry without a challenge', async () => {
    const web = await httpServer((_q, res) => res.end('{}'));
    const rep = report(await run(['doctor', '--registry', `127.0.0.1:${web.port}`, '--json'], { env: box().env }));
    expect(check(rep, 'registry.challenge')).toMatchObject({ status: 'fail' });
    expect(check(rep, 'registry.challenge').detail).toMatch(/without asking for credentials/);
  });

  test('a realm on another host than the instance: nothing is sent there, not even the stored login', async () => {
    const sb = box(JSON.stringify({ auths: { [reg.registry]: { auth: authFor('alice', GOOD) } } }));
    const before = gl.authorizations.length;
    const r = await run(['doctor', ...answerFlags(reg.registry, { project: null }), '--gitlab', 'https://gitlab.example.com', '--token-stdin', '--json'], {
      input: GOOD,
      env: sb.env,
    });
    const rep = report(r);
    expect(check(rep, 'registry.realm')).toMatchObject({ status: 'fail' });
    expect(check(rep, 'registry.realm').detail).toMatch(/not the GitLab instance gitlab\.example\.com/);
    expect(check(rep, 'docker.stored-accepted').status).toBe('skip');
    expect(check(rep, 'credential.verify').status).toBe('skip');
    expect(gl.authorizations.length).toBe(before);
  });

  test('a TLS registry with a self-signed CA: the fix names both this tool and docker; --ca-file passes', async () => {
    const front = await tlsProxy(tlsCert.certPem, tlsCert.keyPem, `http://${reg.registry}`);
    onTestFinished(() => front.close());
    const sb = box();
    const bad = report(await run(['doctor', '--registry', `127.0.0.1:${front.port}`, '--json'], { env: sb.env }));
    const tls = check(bad, 'network.tls');
    expect(tls.status).toBe('fail');
    expect(tls.detail).toMatch(/not signed by a CA this machine trusts/);
    expect(tls.fix).toContain('NODE_EXTRA_CA_CERTS');
    expect(tls.fix).toContain('--ca-file');
    expect(tls.fix).toContain(`/etc/docker/certs.d/127.0.0.1:${front.port}/ca.crt`);
    const good = report(await run(['doctor', '--registry', `127.0.0.1:${front.port}`, '--ca-file', tlsCert.certFile, '--json'], { env: sb.env }));
    // Trusted now; the test certificate lives two days, so the expiry check warns.
    expect(check(good, 'network.tls')).toMatchObject({ status: 'warn', fix: 'The certificate expires soon: tell the instance admin.' });
    expect(check(good, 'network.tls').detail).toMatch(/certificate for 127\.0\.0\.1 issued by 127\.0\.0\.1, valid 1 more days/);
    expect(check(good, 'registry.challenge').status).toBe('pass');
  });

  test('a registry whose clock is off by five minutes', async () => {
    const skewed = await httpServer((_q, res) => {
      res.writeHead(401, { date: new Date(Date.now() - 300_000).toUTCString(), 'www-authenticate': `Bearer realm="${gl.realm}",service="container_registry"` });
      res.end();
    });
    const rep = report(await run(['doctor', '--registry', `127.0.0.1:${skewed.port}`, '--json'], { env: box().env }));
    expect(check(rep, 'registry.clock')).toMatchObject({ status: 'fail' });
    expect(check(rep, 'registry.clock').detail).toMatch(/clock is 30\d s ahead of the registry's/);
  });

  test('a personal access token that expires within a week is a warning; one without write_registry fails for push', async () => {
    const soon = report(
      await run(['doctor', ...answerFlags(reg.registry, { username: 'sam', project: null }), '--token-stdin', '--json'], {
        input: SOON,
        env: box().env,
      }),
    );
    expect(check(soon, 'credential.token-info')).toMatchObject({ status: 'warn' });
    expect(check(soon, 'credential.token-info').fix).toMatch(/expires within a week/);
    const pull = report(
      await run(['doctor', ...answerFlags(reg.registry, { username: 'pat', access: 'push' }), '--token-stdin', '--json'], {
        input: PULLONLY,
        env: box().env,
      }),
    );
    expect(check(pull, 'credential.token-info')).toMatchObject({ status: 'fail' });
    expect(check(pull, 'credential.token-info').fix).toMatch(/lacks write_registry/);
    expect(check(pull, 'credential.verify')).toMatchObject({ status: 'fail' });
  });
});

describe('doctor --error', () => {
  const samples: Array<[string, string, RegExp]> = [
    [
      'remote: HTTP Basic: Access denied. The provided password or token is incorrect or your account has 2FA enabled and you must use a personal access token instead of a password.',
      'http-basic-access-denied',
      /two-factor/,
    ],
    ['denied: access forbidden', 'access-forbidden', /read_registry/],
    ['denied: requested access to the resource is denied', 'requested-access-denied', /Docker Hub/],
    ['unauthorized: authentication required', 'authentication-required', /Log in again/],
    [
      'Error response from daemon: Head "https://registry.example.com/v2/g/p/manifests/latest": no basic auth credentials',
      'no-basic-auth-credentials',
      /registry\.example\.com/,
    ],
    [
      'Error response from daemon: Get "https://registry.example.com/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      'unknown-authority',
      /certs\.d\/registry\.example\.com\/ca\.crt/,
    ],
    [
      'Error response from daemon: Get "https://registry.example.com:5050/v2/": http: server gave HTTP response to HTTPS client',
      'http-response-to-https',
      /HTTPS/,
    ],
    ['Error saving credentials: error storing credentials - err: exit status 1, out: `pass not initialized`', 'error-storing-credentials', /credsStore/],
    [
      'Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`',
      'dbus-secret-service',
      /keyring/,
    ],
    [
      'Error response from daemon: Get "https://registry.example.com/v2/": dial tcp: lookup registry.example.com on 127.0.0.53:53: no such host',
      'no-such-host',
      /registry\.example\.com/,
    ],
    ['Error response from daemon: Get "https://registry.example.com/v2/": dial tcp 203.0.113.7:443: i/o timeout', 'io-timeout', /HTTPS_PROXY/],
    ['toomanyrequests: You have reached your pull rate limit.', 'too-many-requests', /Wait/],
    ['denied: Pushing to protected repository path forbidden', 'protected-path', /Maintainer/],
    [
      'Error response from daemon: Get "https://registry.example.com/v2/": {"errors":[{"code":"NOT_FOUND","message":"registry not enabled"}]}',
      'registry-not-enabled',
      /registry_enabled/,
    ],
    [
      'Error response from daemon: login attempt to https://registry.example.com/v2/ failed with status: 401 Unauthorized',
      'registry-rejects-gitlab-token',
      /instance admin/,
    ],
  ];
  test.each(samples)('%s', async (line, id, fix) => {
    const r = await run(['doctor', '--error', line, '--json']);
    const j = JSON.parse(r.stdout) as { recognised: boolean; id: string; cause: string; fix: string };
    expect(j).toMatchObject({ recognised: true, id });
    expect(`${j.cause} ${j.fix}`).toMatch(fix);
    expect(r.code).toBe(0);
  });
  test('from stdin, as a person pastes it', async () => {
    const r = await run(['doctor', '--error', '-'], {
      input:
        'Login did not succeed, error: Error response from daemon: login attempt to https://registry.example.com/v2/ failed with status: 401 Unauthorized\n',
    });
    expect(r.stdout).toMatch(/^Cause: The registry rejected the login \(401\) although GitLab issued a token/);
    expect(r.stdout).toMatch(/Fix: +A server-side fault/);
  });
  test('unknown text: an honest "not recognised" and the checks to run (exit 1)', async () => {
    const r = await run(['doctor', '--error', 'the flux capacitor is out of sync']);
    expect(r.stdout).toMatch(/^Not recognised/);
    expect(r.stdout).toContain('gitlab-registry-login doctor --registry HOST');
    expect(r.code).toBe(1);
  });
});
