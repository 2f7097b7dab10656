/**
 * The end-to-end smoke on each Node line people run (.ci/run): for every binary in SMOKE_NODE (comma-separated),
 * against the real registry and the test GitLab, with the real docker CLI:
 *   1. `verify --json` passes;
 *   2. `login --json` passes and docker's config then holds the registry;
 *   3. the wizard's first frame appears in a real terminal (tmux);
 *   4. the packed tarball (npm pack), installed into an empty prefix, runs `--version` and `verify` on that Node.
 * Run: node scripts/run-ts.mjs .ci/smoke.ts (after npm run build). Exits 1 on the first failure, saying which.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCert } from '../test/helpers/pki.js';
import { startGitlab } from '../test/helpers/gitlab.js';
import { startRegistry } from '../test/helpers/registry.js';
import { startTerminal } from '../test/helpers/tmux.js';

const ROOT = process.cwd();
const verdictOf = (stdout: string): unknown => (JSON.parse(stdout || '{}') as { verdict?: unknown }).verdict;
const TOKEN = 'glpat-Smoke0000secret0000';
const nodes = (process.env.SMOKE_NODE || process.execPath).split(',').filter(Boolean);

const pki = makeCert();
const gl = await startGitlab(pki, {
  users: [{ kind: 'personal', username: 'alice', token: TOKEN, scopes: ['read_registry', 'write_registry'], projects: { 'group/app': 'developer' } }],
});
const reg = await startRegistry({ realm: gl.realm, certFile: pki.certFile });
const work = mkdtempSync(path.join(tmpdir(), 'grl-smoke-'));
let failed = false;

function check(what: string, ok: boolean, detail: string) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok ? '' : `\n${detail.trim().replace(/^/gm, '     ')}`}`);
  if (!ok) failed = true;
}

try {
  const tarball = path.join(
    work,
    execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!,
  );
  for (const node of nodes) {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const home = mkdtempSync(path.join(work, `home-${version}-`));
    const env = { PATH: `${path.dirname(node)}:${process.env.PATH}`, HOME: home, DOCKER_CONFIG: path.join(home, 'docker'), LANG: 'C.UTF-8' };
    const args = ['--registry', reg.registry, '--type', 'personal-access-token', '--username', 'alice', '--project', 'group/app', '--token-stdin', '--json'];
    // Asynchronous: the test GitLab answers from this process.
    const cli = (bin: string, a: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(node, [bin, ...a], { env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('close', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr })));
        child.stdin.end(TOKEN);
      });
    const bin = path.join(ROOT, 'bin', 'gitlab-registry-login.js');

    const verify = await cli(bin, ['verify', ...args]);
    check(`${version} verify --json`, verify.status === 0 && verdictOf(verify.stdout) === 'ok', verify.stdout + verify.stderr);

    const login = await cli(bin, ['login', ...args]);
    let auths = '';
    try {
      auths = JSON.stringify((JSON.parse(readFileSync(path.join(home, 'docker', 'config.json'), 'utf8')) as { auths?: unknown }).auths ?? {});
    } catch {
      // no config: reported below
    }
    check(
      `${version} login --json (docker's config holds ${reg.registry})`,
      login.status === 0 && verdictOf(login.stdout) === 'ok' && auths.includes(reg.registry),
      login.stdout + login.stderr + auths,
    );

    const term = startTerminal(`${node} ${bin} --registry ${reg.registry}`, { ...env, TERM: 'xterm-256color' }, { width: 120, height: 40 });
    try {
      await term.waitFor('Which credential', 20_000);
      check(`${version} wizard first frame (tmux)`, true, '');
    } catch (e) {
      check(`${version} wizard first frame (tmux)`, false, (e as Error).message);
    } finally {
      term.kill();
    }

    const prefix = mkdtempSync(path.join(work, `prefix-${version}-`));
    const install = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--offline', '--ignore-scripts', tarball], {
      env: { ...process.env, PATH: env.PATH },
      encoding: 'utf8',
    });
    const installed = path.join(prefix, 'node_modules', 'gitlab-registry-login', 'bin', 'gitlab-registry-login.js');
    const pkgVersion = spawnSync(path.join(prefix, 'node_modules', '.bin', 'gitlab-registry-login'), ['--version'], { env, encoding: 'utf8' });
    check(
      `${version} packed tarball installs and runs --version (on this Node, via its #! line)`,
      install.status === 0 && pkgVersion.status === 0 && /^\d+\.\d+\.\d+/.test(pkgVersion.stdout),
      install.stderr + pkgVersion.stdout + pkgVersion.stderr,
    );
    const packedVerify = await cli(installed, ['verify', ...args]);
    check(
      `${version} packed tarball verify --json`,
      packedVerify.status === 0 && verdictOf(packedVerify.stdout) === 'ok',
      packedVerify.stdout + packedVerify.stderr,
    );
  }
} finally {
  await reg.stop();
  await gl.close();
  pki.cleanup();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
