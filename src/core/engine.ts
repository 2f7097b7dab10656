import { createRequire } from 'node:module';
import type { ChildProcessWithoutNullStreams, SpawnOptionsWithoutStdio } from 'node:child_process';
import { verdict, type Verdict } from './verdict.js';
import { explainError } from './explain.js';
import { findOnPath } from './which.js';
import { storageFor, type Storage } from './stored.js';

export const ENGINES = ['docker', 'podman'] as const;
export type EngineName = (typeof ENGINES)[number];
export type EngineChoice = EngineName | 'auto';

export interface RunResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The executable was not found. */
  notFound: boolean;
}

/** Runs a program with text on stdin and an exact environment (nothing inherited). */
export type Runner = (file: string, args: readonly string[], options: { input: string; env: NodeJS.ProcessEnv; timeoutMs: number }) => Promise<RunResult>;

/** Process groups of engines still running, so an interruption can stop them and their children. */
const running = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** Stop every engine still running, with whatever it started (credential helpers). */
export function stopChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const pid of running) killGroup(pid, signal);
}

let exitHook = false;

// Loaded when an engine runs: child_process (with dgram) costs `verify` a few milliseconds otherwise.
const lazyRequire = createRequire(import.meta.url);
const spawn = (file: string, args: readonly string[], options: SpawnOptionsWithoutStdio): ChildProcessWithoutNullStreams =>
  (lazyRequire('node:child_process') as typeof import('node:child_process')).spawn(file, args, options);

/**
 * The real runner, on node:child_process. (execa was the first choice; bundled it costs ~55 ms to load,
 * more than `docker login` itself, and nothing here needs more than spawn.) The engine runs in its own
 * process group, so a timeout or an interruption stops it and any helper it started.
 */
export const spawnRunner: Runner = (file, args, options) =>
  new Promise((resolve) => {
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => stopChildren('SIGKILL'));
    }
    const child = spawn(file, args, { env: options.env, stdio: 'pipe', detached: true, windowsHide: true });
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const cap = 1024 * 1024;
    let size = 0;
    const keep = (into: Buffer[]) => (d: Buffer) => {
      size += d.length;
      if (size <= cap) into.push(d);
    };
    child.stdout.on('data', keep(out));
    child.stderr.on('data', keep(err));
    let timedOut = false;
    let hard: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid === undefined) return;
      killGroup(pid, 'SIGTERM');
      hard = setTimeout(() => killGroup(pid, 'SIGKILL'), 2000);
    }, options.timeoutMs);
    let notFound = false;
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'EACCES') notFound = true;
    });
    child.stdin.on('error', () => {
      /* the engine may exit without reading its stdin */
    });
    child.stdin.end(options.input);
    child.once('close', (code) => {
      clearTimeout(timer);
      clearTimeout(hard);
      if (pid !== undefined) {
        // Whatever the engine left behind in its group goes with it.
        killGroup(pid, 'SIGKILL');
        running.delete(pid);
      }
      const text = (b: Buffer[]) => Buffer.concat(b).toString('utf8').replace(/\n$/, '');
      resolve({ exitCode: code ?? undefined, stdout: text(out), stderr: text(err), timedOut, notFound });
    });
  });

export function resolveEngine(choice: EngineChoice, env: NodeJS.ProcessEnv = process.env): { engine: EngineName; file: string } | Verdict {
  const order: EngineName[] = choice === 'auto' ? ['docker', 'podman'] : [choice];
  for (const engine of order) {
    const file = findOnPath(engine, env);
    if (file) return { engine, file };
  }
  return verdict(
    'engine-missing',
    choice === 'auto' ? 'Neither docker nor podman is on PATH.' : `${choice} is not on PATH.`,
    'Install Docker (https://docs.docker.com/get-docker/) or Podman, or pass --engine with the one you have. The credential itself was verified.',
  );
}

/** The child's environment: ours, less every variable that holds the token. */
export function childEnv(env: NodeJS.ProcessEnv, token: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || (token !== '' && v.includes(token))) continue;
    out[k] = v;
  }
  return out;
}

/** A docker/podman error text as a message and a fix (the same table `doctor --error` uses). */
export function classifyEngineError(text: string, registry: string): { message: string; fix: string } {
  const first = text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-1)[0] ?? 'no output';
  const e = explainError(text, registry);
  if (e) return { message: `${e.cause} (${first.slice(0, 200)})`, fix: e.fix };
  return { message: `the engine said: ${first.slice(0, 300)}`, fix: 'Run `gitlab-registry-login doctor` to check each link.' };
}

export interface EngineLoginRequest {
  engine: EngineName;
  file: string;
  registry: string;
  username: string;
  token: string;
  /** podman only: the registry is plain HTTP on loopback. */
  plainHttpLoopback?: boolean;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
}

export interface EngineLoginResult extends Verdict {
  loggedIn: boolean;
  storage?: Storage;
  /** The engine's own warning (e.g. "stored unencrypted"), if any. */
  warning?: string;
}

/** `docker|podman login REGISTRY -u USER --password-stdin`, the token on stdin only. */
export async function engineLogin(req: EngineLoginRequest, run: Runner = spawnRunner): Promise<EngineLoginResult> {
  const args = ['login', '--username', req.username, '--password-stdin'];
  if (req.engine === 'podman' && req.plainHttpLoopback) args.push('--tls-verify=false');
  args.push(req.registry);
  const r = await run(req.file, args, { input: `${req.token}\n`, env: childEnv(req.env, req.token), timeoutMs: req.timeoutMs });
  // Nothing the engine prints may echo the token back to our output.
  const out = `${r.stdout}\n${r.stderr}`.split(req.token).join('[token]');
  if (r.notFound) return { ...verdict('engine-missing', `${req.engine} could not be started.`, `Install ${req.engine} or pass --engine.`), loggedIn: false };
  if (r.timedOut) {
    return { ...verdict('login-failed', `${req.engine} login did not finish within ${Math.round(req.timeoutMs / 1000)} s and was stopped.`, 'Check that the engine is not waiting for a credential helper or a hung network; raise --timeout on a slow link.'), loggedIn: false };
  }
  if (r.exitCode !== 0) {
    const c = classifyEngineError(out, req.registry);
    return { ...verdict('login-failed', `${req.engine} login failed: ${c.message}`, c.fix), loggedIn: false };
  }
  const warning = /WARNING!?\s*(Your password will be stored unencrypted[^\n]*)/i.exec(out)?.[1];
  return {
    ...verdict('ok', `Logged in to ${req.registry} with ${req.engine}.`),
    loggedIn: true,
    storage: storageFor(req.engine, req.registry, req.env),
    ...(warning ? { warning } : {}),
  };
}

export interface EngineLogoutResult {
  /** Whether a login was there to remove. */
  removed: boolean;
  message: string;
  ok: boolean;
}

/** `docker|podman logout REGISTRY`, saying what was removed (the engines say "removing" either way). */
export async function engineLogout(req: { engine: EngineName; file: string; registry: string; hadLogin: { username: string; source: string } | undefined; env: NodeJS.ProcessEnv; timeoutMs: number }, run: Runner = spawnRunner): Promise<EngineLogoutResult> {
  if (!req.hadLogin) return { removed: false, ok: true, message: `There was no ${req.engine} login for ${req.registry}; nothing to remove.` };
  const r = await run(req.file, ['logout', req.registry], { input: '', env: req.env, timeoutMs: req.timeoutMs });
  if (r.exitCode !== 0) {
    const c = classifyEngineError(`${r.stdout}\n${r.stderr}`, req.registry);
    return { removed: false, ok: false, message: `${req.engine} logout failed: ${c.message}` };
  }
  return { removed: true, ok: true, message: `Removed the login for ${req.registry} (${req.hadLogin.username}) from ${req.hadLogin.source}.` };
}

/**
 * The login that follows a passed verification, for `login` and the wizard alike: find the engine, then log in
 * to the registry exactly as verified (plain HTTP only where verification found a plain-HTTP loopback registry).
 */
export async function loginAfterVerify(
  verified: { registry: string; registryUrl?: string | undefined },
  req: { choice: EngineChoice; username: string; token: string; env: NodeJS.ProcessEnv; timeoutMs: number },
  run: Runner = spawnRunner,
): Promise<{ engine: EngineName | null; result: EngineLoginResult | Verdict }> {
  const engine = resolveEngine(req.choice, req.env);
  if ('verdict' in engine) return { engine: null, result: engine };
  const result = await engineLogin(
    {
      engine: engine.engine,
      file: engine.file,
      registry: verified.registry,
      username: req.username,
      token: req.token,
      // fetchChallenge falls back to plain HTTP for loopback registries only.
      plainHttpLoopback: verified.registryUrl?.startsWith('http:') === true,
      timeoutMs: req.timeoutMs,
      env: req.env,
    },
    run,
  );
  return { engine: engine.engine, result };
}
