/**
 * `npm run demo`: the whole flow without a GitLab account. Starts a throwaway container registry (the real CNCF
 * distribution registry, Debian's docker-registry, installed if missing as .ci/run does) and the GitLab-like
 * token endpoint the tests use, prints demo tokens and what each can do, then opens the wizard pointed at them
 * with a temporary DOCKER_CONFIG (and temporary config and cache directories), so nothing of yours is touched.
 * Everything stops when the wizard ends (or on Ctrl-C, SIGTERM, SIGHUP).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCert, type KeyPair } from '../test/helpers/pki.js';
import { startGitlab, type FakeGitlab } from '../test/helpers/gitlab.js';
import { REGISTRY_BIN, startRegistry, type RealRegistry } from '../test/helpers/registry.js';

const BIN = path.resolve('bin', 'gitlab-registry-login.js');
const PROJECT = 'my-group/my-app';
const TOKENS = [
  {
    name: 'alice',
    type: 'personal-access-token',
    username: 'alice',
    token: 'glpat-demoAlicePushPull00',
    can: `pull and push ${PROJECT} (read_registry + write_registry, Developer)`,
  },
  {
    name: 'rita',
    type: 'personal-access-token',
    username: 'rita',
    token: 'glpat-demoRitaPullOnly000',
    can: `pull ${PROJECT} only (read_registry, Reporter): push is refused, with the fix`,
  },
  {
    name: 'nora',
    type: 'personal-access-token',
    username: 'nora',
    token: 'glpat-demoNoraNoRegistry0',
    can: 'nothing on the registry (only read_user): no-registry-scope',
  },
  {
    name: 'deploy',
    type: 'deploy-token',
    username: 'gitlab+deploy-token-1',
    token: 'gldt-demoDeployPull000000',
    can: `pull ${PROJECT} (a deploy token: its username is gitlab+deploy-token-1)`,
  },
];

function ensureRegistry(): void {
  if (existsSync(REGISTRY_BIN)) return;
  console.log(`${REGISTRY_BIN} is missing: installing the Debian package docker-registry (apt-get, as .ci/run does)…`);
  const root = process.getuid?.() === 0;
  const apt = (args: string[]) =>
    spawnSync(root ? 'apt-get' : 'sudo', root ? args : ['apt-get', ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (
    apt(['update', '-qq']).status !== 0 ||
    apt(['install', '-y', '-qq', '--no-install-recommends', 'docker-registry']).status !== 0 ||
    !existsSync(REGISTRY_BIN)
  ) {
    console.error(
      'Could not install docker-registry. On Debian or Ubuntu: sudo apt-get install docker-registry (or set GRL_REGISTRY_BIN to a registry binary), then npm run demo again.',
    );
    process.exit(1);
  }
}

async function main(): Promise<number> {
  ensureRegistry();
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-demo-'));
  let pki: KeyPair | undefined, gl: FakeGitlab | undefined, reg: RealRegistry | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await reg?.stop();
      await gl?.close();
      pki?.cleanup();
      rmSync(dir, { recursive: true, force: true });
      console.log('Demo stopped: registry and token endpoint shut down, temporary files removed.');
    })());
  try {
    pki = makeCert();
    gl = await startGitlab(pki, {
      users: [
        { kind: 'personal', username: 'alice', token: TOKENS[0]!.token, scopes: ['read_registry', 'write_registry'], projects: { [PROJECT]: 'developer' } },
        { kind: 'personal', username: 'rita', token: TOKENS[1]!.token, scopes: ['read_registry'], projects: { [PROJECT]: 'reporter' } },
        { kind: 'personal', username: 'nora', token: TOKENS[2]!.token, scopes: ['read_user'], projects: { [PROJECT]: 'developer' } },
      ],
      deployTokens: [{ username: 'gitlab+deploy-token-1', token: TOKENS[3]!.token, scopes: ['read_registry'], project: PROJECT }],
    });
    reg = await startRegistry({ realm: gl.realm, certFile: pki.certFile });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DOCKER_CONFIG: path.join(dir, 'docker'),
      REGISTRY_AUTH_FILE: path.join(dir, 'containers', 'auth.json'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
    };
    const width = Math.max(...TOKENS.map((t) => t.token.length));
    console.log(`
gitlab-registry-login demo: a throwaway registry and a GitLab-like token endpoint on this machine.

  GitLab     ${gl.url}
  registry   ${reg.registry}
  project    ${PROJECT}
  docker     DOCKER_CONFIG=${env.DOCKER_CONFIG} (temporary: your own docker logins are not touched)

Demo tokens (paste one when the wizard asks; only the deploy token also needs its username, GitLab ignores it for the others):
${TOKENS.map((t) => `  ${t.token.padEnd(width)}  ${t.type}, ${t.type === 'deploy-token' ? 'username' : 'account'} ${t.username}: ${t.can}`).join('\n')}

Try alice's token for a success, then rita's with push for a failure and its fix. In another terminal, the
commands of the README work against this demo after:
  export GITLAB=${gl.url} REGISTRY=${reg.registry} TOKEN=${TOKENS[0]!.token} DOCKER_CONFIG=${env.DOCKER_CONFIG}

Opening the wizard (Ctrl-C ends the demo)…
`);
    const args = [BIN, '--gitlab', gl.url, '--registry', reg.registry, ...process.argv.slice(2)];
    const child = spawn(process.execPath, args, { stdio: 'inherit', env });
    // Ctrl-C reaches the wizard from the terminal; the demo waits for it to end, then cleans up.
    const onSignal = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null) child.kill(signal);
    };
    process.on('SIGINT', () => {});
    process.on('SIGTERM', onSignal('SIGTERM'));
    process.on('SIGHUP', onSignal('SIGHUP'));
    const code = await new Promise<number>((resolve) => child.once('exit', (c, s) => resolve(c ?? (s === 'SIGINT' ? 130 : 143))));
    return code;
  } finally {
    await stop();
  }
}

process.exitCode = await main();
