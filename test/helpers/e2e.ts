/**
 * The set-up every end-to-end test shares, each piece stopped by the test that started it: the test GitLab and the
 * real registry for a file (`useStack`), and per test a sandbox, the built CLI in a real terminal, a loopback
 * server — each removed or stopped when that test ends (`onTestFinished`), whether it passed or not.
 */
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeCert, type KeyPair } from './pki.js';
import { startGitlab, type FakeGitlab, type GitlabConfig, type UserToken } from './gitlab.js';
import { startRegistry, type RealRegistry } from './registry.js';
import { BIN, sandbox, type RunResult, type Sandbox } from './cli.js';
import { cliCommand, startTerminal, type Terminal } from './tmux.js';
import { httpServer, type Closable } from './servers.js';

/**
 * A value a `beforeAll` makes, usable by name in the file's tests: every property read goes to the value once it
 * exists (reading it before, outside a test, throws saying so). It lets a file write `gl.url` rather than
 * `stack.gl.url`.
 */
function later<T extends object>(name: string): { ref: T; set(value: T): void } {
  let value: T | undefined;
  const current = (): T => {
    if (value === undefined) throw new Error(`${name} is not started yet: use it inside a test or a hook after useStack's beforeAll`);
    return value;
  };
  const ref = new Proxy({} as T, {
    get: (_t, p) => Reflect.get(current(), p) as unknown,
    set: (_t, p, v) => Reflect.set(current(), p, v),
    has: (_t, p) => Reflect.has(current(), p),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_t, p) => {
      const d = Reflect.getOwnPropertyDescriptor(current(), p);
      return d && { ...d, configurable: true };
    },
  });
  return { ref, set: (v) => (value = v) };
}

export interface Stack {
  /** The key the test GitLab signs its JWTs with (the registry trusts its certificate). */
  pki: KeyPair;
  /** The test GitLab (test/helpers/gitlab.ts) on 127.0.0.1. */
  gl: FakeGitlab;
  /** The real CNCF distribution registry on 127.0.0.1, token auth with `gl`'s realm. */
  reg: RealRegistry;
}

/**
 * For the whole file: a signing key, the test GitLab answering `config`, and the real registry trusting it, started
 * in `beforeAll` and stopped in `afterAll`. Use the names in tests: `const { gl, reg } = useStack({ users: [...] })`.
 * A file that needs more (a second registry, a TLS certificate) starts it in its own `beforeAll` after this one,
 * and stops it in its own `afterAll` (which runs before this one's).
 */
export function useStack(config: GitlabConfig | (() => GitlabConfig), options: { issuer?: string } = {}): Stack {
  const pki = later<KeyPair>('pki');
  const gl = later<FakeGitlab>('the test GitLab');
  const reg = later<RealRegistry>('the registry');
  let started: Partial<Stack> = {};
  beforeAll(async () => {
    started.pki = makeCert();
    pki.set(started.pki);
    started.gl = await startGitlab(started.pki, typeof config === 'function' ? config() : config, options);
    gl.set(started.gl);
    started.reg = await startRegistry({ realm: started.gl.realm, certFile: started.pki.certFile });
    reg.set(started.reg);
  });
  afterAll(async () => {
    await started.reg?.stop();
    await started.gl?.close();
    started.pki?.cleanup();
    started = {};
  });
  return { pki: pki.ref, gl: gl.ref, reg: reg.ref };
}

/** Another test GitLab answering `config` and a registry trusting it (signed with `pki`), stopped when the test ends. */
export async function testStack(pki: KeyPair, config: GitlabConfig): Promise<{ gl: FakeGitlab; reg: RealRegistry }> {
  const gl = await startGitlab(pki, config);
  onTestFinished(() => gl.close());
  const reg = await startRegistry({ realm: gl.realm, certFile: pki.certFile });
  onTestFinished(() => reg.stop());
  return { gl, reg };
}

/** A personal access token of alice's: read_registry + write_registry, Developer on group/app (`extra` changes any of it). */
export function alice(token: string, extra: Partial<UserToken> = {}): UserToken {
  return { kind: 'personal', username: 'alice', token, scopes: ['read_registry', 'write_registry'], projects: { 'group/app': 'developer' }, ...extra };
}

/** A sandbox (test/helpers/cli.ts) removed when the current test ends. */
export function testSandbox(options: Parameters<typeof sandbox>[0] = {}): Sandbox {
  const sb = sandbox(options);
  onTestFinished(() => sb.cleanup());
  return sb;
}

/** A sandbox for the whole file: made now, removed after all its tests. */
export function fileSandbox(options: Parameters<typeof sandbox>[0] = {}): Sandbox {
  const sb = sandbox(options);
  afterAll(() => sb.cleanup());
  return sb;
}

/** The built CLI, as a shell runs it (`node bin/gitlab-registry-login.js`). */
export const CLI = `${process.execPath} ${BIN}`;

export interface TerminalOptions {
  /** Added to the sandbox's environment (which gets TERM=xterm-256color). */
  env?: NodeJS.ProcessEnv;
  size?: { width: number; height: number };
  cwd?: string;
  /** A shell command run after the CLI exits (e.g. `sleep 5`, to keep the last screen). */
  after?: string;
}

/**
 * The built CLI with `args` in a real terminal (tmux), with exactly the sandbox's environment plus TERM and
 * `options.env`; the screen ends with `EXIT=N`. The terminal is killed when the test ends.
 */
export function cliTerminal(sb: Sandbox, args: string[], options: TerminalOptions = {}): Terminal {
  const env = { ...sb.env, TERM: 'xterm-256color', ...options.env };
  return ownedTerminal(startTerminal(cliCommand(CLI, env, args, options.after), env, options.size, options.cwd));
}

/** A terminal killed when the current test ends. */
export function ownedTerminal(t: Terminal): Terminal {
  onTestFinished(() => t.kill());
  return t;
}

/** A loopback HTTP server (test/helpers/servers.ts) closed when the current test ends. */
export async function testServer(handler: Parameters<typeof httpServer>[0], host?: string): Promise<Closable> {
  const s = await httpServer(handler, host);
  onTestFinished(() => s.close());
  return s;
}

/** An executable `name` on the sandbox's PATH (a fake docker, credential helper, browser opener…). */
export function putOnPath(sb: Sandbox, name: string, script: string): string {
  const file = path.join(sb.dir, 'bin', name);
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return file;
}

/** docker's config file in the sandbox. */
export const dockerConfigFile = (sb: Sandbox): string => path.join(sb.dockerConfig, 'config.json');

/** Write docker's config in the sandbox: a string as it is, anything else as JSON (tab-indented, as docker writes). */
export function writeDockerConfig(sb: Sandbox, config: string | object): void {
  writeFileSync(dockerConfigFile(sb), typeof config === 'string' ? config : JSON.stringify(config, null, '\t'));
}

/** `user:secret` as docker's config stores it for a registry (`auths[registry].auth`, base64). */
export const basicAuth = (user: string, secret: string): string => Buffer.from(`${user}:${secret}`).toString('base64');

/** What docker's config holds for `registry`, decoded: `user:secret`. */
export function storedLogin(sb: Sandbox, registry: string): string {
  const cfg = JSON.parse(readFileSync(dockerConfigFile(sb), 'utf8')) as { auths: Record<string, { auth: string }> };
  return Buffer.from(cfg.auths[registry]!.auth, 'base64').toString();
}

/** Whether the sandbox's recording docker ran at all. */
export const dockerRan = (sb: Sandbox): boolean => readdirSync(sb.log).some((f) => f.startsWith('argv.'));

/** Every argv and environment the sandbox's docker recorded, as one text. */
export function childLogs(sb: Sandbox): string {
  return readdirSync(sb.log)
    .map((f) => readFileSync(path.join(sb.log, f), 'utf8'))
    .join('\n');
}

/** The CLI's stdout as JSON; if it is not JSON, an error that shows what it printed and its exit code. */
export function parseJson<T = Record<string, unknown>>(r: RunResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/** The wizard's remembered answers for `gitlab` in the sandbox, as the wizard writes them (a 0700 directory, a 0600 file). */
export function rememberAnswers(sb: Sandbox, gitlab: string, answers: Record<string, string>): void {
  const dir = path.join(sb.home, '.config', 'gitlab-registry-login');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ last: gitlab, instances: { [gitlab]: { gitlab, ...answers } } }), { mode: 0o600 });
}

/** A checkout (`DIR/repo`, with a .git) whose committed team file holds `answers`. Returns its path. */
export function teamRepo(dir: string, answers: Record<string, string | undefined>): string {
  const repo = path.join(dir, 'repo');
  mkdirSync(path.join(repo, '.git'), { recursive: true });
  writeFileSync(path.join(repo, '.gitlab-registry-login.json'), JSON.stringify(answers));
  return repo;
}

/**
 * The flags that answer everything but the token: `--registry REGISTRY --type personal-access-token --username alice
 * --project group/app`, any of them changed (or, as `null`, left out) by `answers`, and `--access` when given.
 */
export function answerFlags(
  registry: string,
  answers: { type?: string; username?: string | null; project?: string | null; access?: 'pull' | 'push' } = {},
): string[] {
  const { type = 'personal-access-token', username = 'alice', project = 'group/app', access } = answers;
  return [
    ...['--registry', registry, '--type', type],
    ...(username === null ? [] : ['--username', username]),
    ...(project === null ? [] : ['--project', project]),
    ...(access ? ['--access', access] : []),
  ];
}

/** Sets `patch` on `target` (the test GitLab's `gl.config`, say) for the current test: each key is put back when it ends. */
export function setForTest<T extends object>(target: T, patch: Partial<T>): void {
  const saved = (Object.keys(patch) as Array<keyof T>).map((key) => ({ key, had: Object.hasOwn(target, key), value: target[key] }));
  Object.assign(target, patch);
  onTestFinished(() => {
    for (const { key, had, value } of saved) {
      if (had) target[key] = value;
      else delete target[key];
    }
  });
}
