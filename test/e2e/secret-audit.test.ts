/**
 * The secret hygiene audit: one recognisable token through every command and wizard path. It must appear in
 * no output stream, no process argument (every /proc/PID/cmdline, polled while they run), no child's
 * environment, no file under HOME but the engine's own credential store, no error or stack trace; and the
 * remembered-answers file holds only its documented keys.
 */
import { expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { BIN } from '../helpers/cli.js';
import { alice, basicAuth, cliTerminal, dockerConfigFile, fileSandbox, putOnPath, useStack } from '../helpers/e2e.js';

// A fresh canary each run: the watcher scans every process on the machine, and another run of this suite
// (a second checkout, a parallel CI job) must not be taken for a leak of this one.
const CANARY = `glpat-AUDITcanary${randomBytes(6).toString('hex')}`;
const CANARY_B64 = Buffer.from(`alice:${CANARY}`).toString('base64');
// renew's tokens: one that may rotate itself, and the successors GitLab hands out, each starting with the canary,
// so every check above (outputs, argv, environments, files) covers them too.
let rotations = 0;
const RENEWABLE = `${CANARY}r0`;
const WIZARD_RENEWABLE = `${CANARY}w0`;
const { gl, reg } = useStack({
  users: [
    alice(CANARY),
    alice(RENEWABLE, { scopes: ['read_registry', 'self_rotate'], expiresInDays: 5 }),
    // The wizard's "renew it now" (its own token, so the CLI's rotations above do not decide which one is live).
    alice(WIZARD_RENEWABLE, { scopes: ['read_registry', 'self_rotate'], expiresInDays: 5 }),
  ],
  jobTokens: [{ token: CANARY, project: 'group/app', allowedBy: [] }],
  successorToken: () => `${CANARY}r${++rotations}`,
});
const sb = fileSandbox({ docker: 'none' });
// docker, slowed down so the watcher sees it running, then the real one.
const real = ['/usr/local/bin/docker', '/usr/bin/docker'].find((f) => {
  try {
    readFileSync(f);
    return true;
  } catch {
    return false;
  }
});
putOnPath(sb, 'docker', `#!/bin/sh\nsleep 0.3\nexec ${real} "$@"\n`);

/** Every process's argv, and every process's environment but the CLI's own (CI hands it the token there). */
function watch(exclude: () => number[]) {
  const found: string[] = [];
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  // Between fork and exec a child is still the CLI itself (its argv and its memory, environment included): that
  // is the CLI's own environment, not a leak; once it has exec'd, its environment is the one it was given.
  const forkOfExcluded = (pid: string, cmdline: string) => {
    const ppid = Number(
      read(`/proc/${pid}/stat`)
        ?.replace(/^.*\) /s, '')
        .split(' ')[1],
    );
    return exclude().includes(ppid) && read(`/proc/${ppid}/cmdline`) === cmdline;
  };
  const scan = () => {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      if (Number(pid) === process.pid) continue;
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (cmdline.includes(CANARY)) found.push(`argv of ${pid}`);
        if (!exclude().includes(Number(pid)) && readFileSync(`/proc/${pid}/environ`, 'utf8').includes(CANARY) && !forkOfExcluded(pid, cmdline))
          found.push(`environment of ${pid}: ${cmdline.replace(/\0/g, ' ')}`);
      } catch {
        /* gone, or not ours to read */
      }
    }
  };
  const timer = setInterval(scan, 5);
  return { found, stop: () => clearInterval(timer) };
}

function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: opts.env ?? sb.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const w = watch(() => [child.pid ?? -1]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => {
      w.stop();
      if (w.found.length) out += `\nLEAK: ${w.found.join('; ')}`;
      resolve({ code, out });
    });
  });
}

test("the watcher sees a token in a running process's argv or environment (it can fail)", async () => {
  const w = watch(() => []);
  const leak = (args: string[], env: NodeJS.ProcessEnv) => new Promise<void>((res) => spawn('/bin/sh', args, { env }).on('close', () => res()));
  await leak(['-c', `sleep 0.2 # ${CANARY}`], {});
  await leak(['-c', 'sleep 0.2'], { LEAKED: CANARY });
  w.stop();
  expect(w.found.some((f) => f.startsWith('argv'))).toBe(true);
  expect(w.found.some((f) => f.startsWith('environment'))).toBe(true);
});

/** A docker config of its own under the sandbox, with a credential helper: failing, or keeping the token. */
function helperEnv(kind: 'broken' | 'insecure' | 'keeps'): NodeJS.ProcessEnv {
  const dir = path.join(sb.dir, `docker-${kind}`);
  mkdirSync(dir, { recursive: true });
  const helper = kind === 'keeps' ? 'auditkeeps' : 'auditdbus';
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credsStore: helper }));
  putOnPath(sb, 'docker-credential-auditdbus', "#!/bin/sh\ncat >/dev/null\necho 'Cannot autolaunch D-Bus without X11 $DISPLAY'\nexit 1\n");
  putOnPath(
    sb,
    'docker-credential-auditkeeps',
    // `list` names the login it keeps (docker-credential-helpers' format: {ServerURL: Username}), as a real store would.
    `#!/bin/sh\ncase "$1" in list) sleep 0.2; echo '{"${reg.registry}":"alice"}';; get) cat >/dev/null; printf '{"ServerURL":"x","Username":"alice","Secret":"${CANARY}"}';; *) cat >/dev/null;; esac\n`,
  );
  return { ...sb.env, DOCKER_CONFIG: dir };
}

async function reTested(r: Promise<{ code: number | null; out: string }>) {
  const done = await r;
  // The stored login was really re-tested against the test GitLab (not only listed).
  const logins = (JSON.parse(done.out) as { logins: Array<{ state: string; gitlab: string | null }> }).logins;
  expect(
    logins.some((l) => l.state === 'ok' && l.gitlab?.startsWith('http://127.0.0.1:')),
    done.out,
  ).toBe(true);
  return done;
}

/** A docker config of its own holding the renewable token (written once; renew replaces it with each successor). */
function renewEnv(): NodeJS.ProcessEnv {
  const dir = path.join(sb.dir, 'docker-renew');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'config.json');
  try {
    readFileSync(file);
  } catch {
    writeFileSync(file, JSON.stringify({ auths: { [reg.registry]: { auth: basicAuth('alice', RENEWABLE) } } }));
  }
  return { ...sb.env, DOCKER_CONFIG: dir };
}

test('every command and wizard path keeps the token to itself', async () => {
  const common = ['--registry', reg.registry, '--project', 'group/app'];
  const pat = ['--type', 'personal-access-token', '--username', 'alice', '--token-stdin'];
  const runs: Array<[string, Promise<{ code: number | null; out: string }> | (() => Promise<{ code: number | null; out: string }>)]> = [
    ['verify', () => runCli(['verify', ...common, ...pat], { input: CANARY })],
    ['verify --json', () => runCli(['verify', ...common, ...pat, '--json'], { input: CANARY })],
    [
      'verify, rejected',
      () => runCli(['verify', ...common, ...pat.slice(0, 2), '--username', 'bob', '--type', 'deploy-token', '--token-stdin'], { input: CANARY }),
    ],
    ['verify, untrusted realm', () => runCli(['verify', ...common, ...pat, '--gitlab', 'https://gitlab.example.com'], { input: CANARY })],
    ['verify, token refused as input', () => runCli(['verify', ...common, ...pat], { input: `${CANARY}\r\nX-Injected: 1` })],
    ['login', () => runCli(['login', ...common, ...pat, '--access', 'push'], { input: CANARY })],
    [
      'login --ci',
      () =>
        runCli(['login', '--ci', '--type', 'job-token'], {
          env: { ...sb.env, CI_REGISTRY: reg.registry, CI_JOB_TOKEN: CANARY, CI_PROJECT_PATH: 'group/app', CI_SERVER_URL: gl.url },
        }),
    ],
    ['doctor with the token and the stored login', () => runCli(['doctor', ...common, ...pat], { input: CANARY })],
    ['doctor --json', () => runCli(['doctor', ...common, '--json'])],
    ['doctor --error with the token pasted in', () => runCli(['doctor', '--error', '-'], { input: `Error: unauthorized: authentication required` })],
    ['logout', () => runCli(['logout', '--registry', reg.registry])],
    // Credential helpers: one failing (store-failed, --insecure-storage, logout that cannot check), one holding the token.
    ['login, helper failing: store-failed', () => runCli(['login', ...common, ...pat], { input: CANARY, env: helperEnv('broken') })],
    ['login --insecure-storage', () => runCli(['login', ...common, ...pat, '--insecure-storage'], { input: CANARY, env: helperEnv('insecure') })],
    ['logout, helper failing', () => runCli(['logout', '--registry', reg.registry], { env: helperEnv('broken') })],
    ['login through a helper', () => runCli(['login', ...common, ...pat], { input: CANARY, env: helperEnv('keeps') })],
    ['doctor, the login read from a helper', () => runCli(['doctor', ...common, '--json'], { env: helperEnv('keeps') })],
    ['logout, the login in a helper', () => runCli(['logout', '--registry', reg.registry, '--json'], { env: helperEnv('keeps') })],
    // In a CI job the token is in the CLI's own environment: the helper asked before docker must not inherit it.
    [
      'login --ci, helper asked first',
      () =>
        runCli(['login', '--ci', '--type', 'job-token'], {
          env: { ...helperEnv('keeps'), CI_REGISTRY: reg.registry, CI_JOB_TOKEN: CANARY, CI_PROJECT_PATH: 'group/app', CI_SERVER_URL: gl.url },
        }),
    ],
    // --debug: every request and engine command on stderr, with the secrets on their way redacted.
    ['verify --debug', () => runCli(['verify', ...common, ...pat, '--debug'], { input: CANARY })],
    [
      'verify --debug, rejected',
      () => runCli(['verify', ...common, '--type', 'deploy-token', '--username', 'bob', '--token-stdin', '--debug'], { input: CANARY }),
    ],
    ['login --debug', () => runCli(['login', ...common, ...pat, '--access', 'push', '--debug'], { input: CANARY })],
    [
      'login --ci with GITLAB_REGISTRY_LOGIN_DEBUG=1',
      () =>
        runCli(['login', '--ci', '--type', 'job-token'], {
          env: {
            ...sb.env,
            GITLAB_REGISTRY_LOGIN_DEBUG: '1',
            CI_REGISTRY: reg.registry,
            CI_JOB_TOKEN: CANARY,
            CI_PROJECT_PATH: 'group/app',
            CI_SERVER_URL: gl.url,
          },
        }),
    ],
    ['doctor --debug with the token and the stored login', () => runCli(['doctor', ...common, ...pat, '--debug'], { input: CANARY })],
    ['logout --debug', () => runCli(['logout', '--registry', reg.registry, '--debug'])],
    ['login through a helper --debug', () => runCli(['login', ...common, ...pat, '--debug'], { input: CANARY, env: helperEnv('keeps') })],
    ['doctor --debug, the login read from a helper', () => runCli(['doctor', ...common, '--debug'], { env: helperEnv('keeps') })],
    ['login, docker syntax', () => runCli(['login', reg.registry, '-u', 'nobody', '--password-stdin'], { input: `${CANARY}\n` })],
    [
      'verify, push without a project (scopes from the token API)',
      () => runCli(['verify', reg.registry, '--access', 'push', '-u', 'alice', '--password-stdin', '--json'], { input: CANARY }),
    ],
    ['verify --debug, the token record asked too', () => runCli(['verify', reg.registry, '-u', 'alice', '--password-stdin', '--debug'], { input: CANARY })],
    // status: every stored login's secret read into memory (the file's, a helper's `get`) and sent to GitLab again.
    ['status', () => runCli(['status'])],
    // The stored secret really was read and re-tested (a status that checked nothing would prove nothing).
    ['status --json', () => reTested(runCli(['status', '--json']))],
    ['status, the login read from a helper', () => reTested(runCli(['status', '--json'], { env: helperEnv('keeps') }))],
    ['status, helper failing', () => runCli(['status'], { env: helperEnv('broken') })],
    ['status --debug', () => runCli(['status', '--debug'])],
    // renew: the stored token read from docker's file, rotated, its successor verified and given to docker; refused
    // (no self_rotate) through a helper; rotated with the token piped in; and a rotation whose answer is lost.
    ['renew', () => runCli(['renew', '--registry', reg.registry], { env: renewEnv() })],
    ['renew --json --debug', () => runCli(['renew', '--registry', reg.registry, '--json', '--debug'], { env: renewEnv() })],
    ['renew through a helper, refused', () => runCli(['renew', '--registry', reg.registry], { env: helperEnv('keeps') })],
    ['renew --token-stdin', () => runCli(['renew', '--registry', reg.registry, '--token-stdin'], { input: `${CANARY}r2`, env: renewEnv() })],
    [
      'renew, the answer lost --debug',
      async () => {
        gl.config.loseRotateAnswer = 'drop';
        try {
          return await runCli(['renew', '--registry', reg.registry, '--debug'], { env: renewEnv() });
        } finally {
          delete gl.config.loseRotateAnswer;
        }
      },
    ],
  ];
  for (const [name, go] of runs) {
    const r = await (typeof go === 'function' ? go() : go);
    expect(r.out, name).not.toContain(CANARY);
    expect(r.out, name).not.toContain(CANARY_B64);
    expect(r.out, name).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT GitLab issued
    expect(r.out, name).not.toMatch(/\n\s+at .*\(/);
    if (name.includes('--debug') || name.includes('DEBUG=1'))
      expect(r.out, name).toMatch(name.startsWith('logout') ? /^debug \+\d+ ms gitlab-registry-login / : /^debug \+\d+ ms http GET /m);
    expect(r.out, name).not.toContain('LEAK');
  }
  // renew really rotated each time it was let (r0 → r1 → r2, the piped r2 → r3, and the lost r3 → r4): its successors were audited.
  expect(rotations).toBe(4);

  // -p VALUE puts the secret in argv by the caller's own hand: refused, and never echoed back.
  const refused = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'login', reg.registry, '-u', 'alice', '-p', CANARY], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
  expect(refused.code).toBe(2);
  expect(refused.out).not.toContain(CANARY);

  // The wizard: success, then a failure and troubleshooting, in a real terminal.
  const wiz = (args: string, env: NodeJS.ProcessEnv = {}) => cliTerminal(sb, [args], { env, size: { width: 160, height: 60 }, after: 'sleep 10' });
  const w = watch(() => []);
  try {
    // login's own prompt (no Ink): the token typed at a masked prompt.
    const p = wiz(`login ${reg.registry}`);
    try {
      await p.waitFor('Personal access token:');
      p.type(`${CANARY}\r`);
      const s = await p.waitFor('EXIT=', 15_000);
      expect(s).toContain('EXIT=0');
      expect(s).not.toContain(CANARY);
    } finally {
      p.kill();
    }
    const t = wiz(`--registry ${reg.registry} --type personal-access-token --username alice --project group/app --access push`);
    try {
      await t.waitFor('Paste your');
      t.type(`${CANARY}\r`);
      const s = await t.waitFor('EXIT=', 15_000);
      expect(s).toContain('EXIT=0');
      expect(s).not.toContain(CANARY);
    } finally {
      t.kill();
    }
    const f = wiz(`--registry ${reg.registry} --type personal-access-token --username alice --project other/secret --access pull`);
    try {
      await f.waitFor('Paste your');
      f.type(`${CANARY}\r`);
      await f.waitFor('Troubleshoot');
      f.keys('Down', 'Down', 'Enter');
      // doctor's report with the token in memory, then the menu again: Quit.
      await f.waitFor(/Troubleshooting: every link[\s\S]*❯ Troubleshoot[\s\S]*Quit/, 15_000);
      f.keys('Down', 'Enter');
      const s = await f.waitFor('EXIT=', 15_000);
      expect(s).toContain('EXIT=1');
      expect(s).not.toContain(CANARY);
    } finally {
      f.kill();
    }
    // The wizard's "renew it now": the token kept in memory until the wizard ends, rotated through core/renew.ts,
    // its successor verified and given to docker.
    const renewDir = path.join(sb.dir, 'docker-wizard-renew');
    mkdirSync(renewDir, { recursive: true });
    const rw = wiz(`--registry ${reg.registry} --type personal-access-token --project group/app --access pull`, { DOCKER_CONFIG: renewDir });
    try {
      await rw.waitFor('Paste your');
      rw.type(`${WIZARD_RENEWABLE}\r`);
      await rw.waitFor('r: renew it now', 15_000);
      rw.type('r');
      await rw.waitFor('Renew this token now?');
      rw.type('y');
      const s = await rw.waitFor('EXIT=', 15_000);
      expect(s).toContain('EXIT=0');
      expect(s).toContain('Renewed the token');
      expect(s).not.toContain(CANARY);
      expect(rotations).toBe(5);
    } finally {
      rw.kill();
    }
  } finally {
    w.stop();
  }
  // The wizard's processes ran under tmux: only argv is ours to judge there (the tmux server's env is the test's).
  expect(w.found.filter((x) => x.startsWith('argv'))).toEqual([]);

  // Files: the token is only in docker's own credential store.
  // docker's own stores: the config files it writes, and the fake helper that plays the keyring.
  const dockerStores = [
    dockerConfigFile(sb),
    path.join(sb.dir, 'docker-insecure', 'config.json'),
    path.join(sb.dir, 'docker-renew', 'config.json'),
    path.join(sb.dir, 'docker-wizard-renew', 'config.json'),
    path.join(sb.dir, 'bin', 'docker-credential-auditkeeps'),
  ];
  for (const [file, content] of sb.files()) {
    if (dockerStores.includes(file)) continue;
    expect(content, file).not.toContain(CANARY);
    expect(content, file).not.toContain(CANARY_B64);
  }
  // The remembered answers: documented keys only.
  const conf = JSON.parse(readFileSync(path.join(sb.home, '.config', 'gitlab-registry-login', 'config.json'), 'utf8')) as {
    last: string;
    instances: Record<string, object>;
  };
  expect(Object.keys(conf).sort()).toEqual(['instances', 'last']);
  for (const r of Object.values(conf.instances)) {
    for (const k of Object.keys(r)) expect(['gitlab', 'registry', 'credentialType', 'access', 'username', 'project']).toContain(k);
  }
  mkdirSync(sb.home, { recursive: true });
}, 120_000);
