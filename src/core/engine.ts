// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** The engines (docker, podman): which one runs, its login and logout, and what its errors mean. */
import { failure, success, verdict, type Result, type Verdict } from './verdict.js';
import { explainError } from './explain.js';
import { findOnPath } from './which.js';
import { withoutSecret } from './secret.js';
import { childEnv, programText, spawnRunner, type Runner } from './process.js';

import type { EngineChoice, EngineName } from './choices.js';

export type { EngineChoice, EngineName } from './choices.js';

/** The engine to log in with: the one chosen, or (auto) docker, else podman, found on PATH. */
export function resolveEngine(choice: EngineChoice, env: NodeJS.ProcessEnv = process.env): Result<{ engine: EngineName; file: string }> {
  const order: EngineName[] = choice === 'auto' ? ['docker', 'podman'] : [choice];
  for (const engine of order) {
    const file = findOnPath(engine, env);
    if (file) return success({ engine, file });
  }
  return failure(
    verdict(
      'engine-missing',
      choice === 'auto' ? 'Neither docker nor podman is on PATH.' : `${choice} is not on PATH.`,
      'Install Docker (https://docs.docker.com/get-docker/) or Podman, or pass --engine with the one you have. The credential itself was verified.',
    ),
  );
}

/** A docker/podman error text as a message and a fix (the same table `doctor --error` uses). */
export function classifyEngineError(text: string, registry: string): { message: string; fix: string } {
  const first =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-1)[0] ?? 'no output';
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

/** Where the engine keeps the credential for a registry. */
export interface Storage {
  kind: 'file' | 'helper';
  /** The config or auth file. */
  file: string;
  /** The credential helper's name (`desktop`, `pass`, ...), for kind `helper`. */
  helper?: string;
  /** `--insecure-storage` set credHelpers[REG] = "" for this login; the config before it is kept here. */
  insecure?: { backup: string };
}

export interface EngineLoginResult extends Verdict {
  loggedIn: boolean;
  storage?: Storage;
  /** The engine's own warning (e.g. "stored unencrypted"), if any. */
  warning?: string;
  /** The engine was stopped at the time limit. */
  timedOut?: boolean;
  /** The credential helper's own words when docker could not store the login with it. */
  storeError?: string;
}

/** Whether a login's answer is an engine's (it ran, or a store check stopped it), not a verdict from before it ran. */
export function engineAnswered(r: EngineLoginResult | Verdict | undefined): r is EngineLoginResult {
  return r !== undefined && Object.hasOwn(r, 'loggedIn');
}

/** `docker|podman login REGISTRY -u USER --password-stdin`, the token on stdin only. */
export async function engineLogin(req: EngineLoginRequest, run: Runner = spawnRunner): Promise<EngineLoginResult> {
  const args = ['login', '--username', req.username, '--password-stdin'];
  if (req.engine === 'podman' && req.plainHttpLoopback) args.push('--tls-verify=false');
  args.push(req.registry);
  const r = await run(req.file, args, { input: `${req.token}\n`, env: childEnv(req.env, req.token), timeoutMs: req.timeoutMs });
  // Nothing the engine prints may echo the token back to our output.
  const out = withoutSecret(`${r.stdout}\n${r.stderr}`, req.token);
  if (r.notFound) return { ...verdict('engine-missing', `${req.engine} could not be started.`, `Install ${req.engine} or pass --engine.`), loggedIn: false };
  if (r.timedOut) {
    return {
      ...verdict(
        'login-failed',
        `${req.engine} login did not finish within ${Math.round(req.timeoutMs / 1000)} s and was stopped.`,
        'Check that the engine is not waiting for a credential helper or a hung network; raise --timeout on a slow link.',
      ),
      loggedIn: false,
      timedOut: true,
    };
  }
  if (r.exitCode !== 0) {
    const c = classifyEngineError(out, req.registry);
    const storeError = storeErrorText(out);
    return {
      ...verdict('login-failed', `${req.engine} login failed: ${c.message}`, c.fix),
      loggedIn: false,
      ...(storeError !== undefined ? { storeError } : {}),
    };
  }
  const warning = /WARNING!?\s*(Your password will be stored unencrypted[^\n]*)/i.exec(out)?.[1];
  return {
    ...verdict('ok', `Logged in to ${req.registry} with ${req.engine}.`),
    loggedIn: true,
    ...(warning ? { warning } : {}),
  };
}

export interface EngineLogoutResult {
  /** Whether a login was there to remove (undefined: the store could not be asked). */
  removed: boolean | undefined;
  message: string;
  ok: boolean;
  /** What the engine itself said, when it ran. */
  engineSaid?: string;
}

/**
 * `docker|podman logout REGISTRY`, saying what was removed (the engines say "removing" either way). With a known
 * absent login nothing runs; when the store could not be asked (`had: 'unknown'`), the engine's logout runs anyway.
 */
export async function engineLogout(
  req: {
    engine: EngineName;
    file: string;
    registry: string;
    hadLogin: { username: string; source: string } | 'unknown' | undefined;
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
  },
  run: Runner = spawnRunner,
): Promise<EngineLogoutResult> {
  if (!req.hadLogin) return { removed: false, ok: true, message: `There was no ${req.engine} login for ${req.registry}; nothing to remove.` };
  // Filtered as for login: the caller's secrets do not reach the engine or its credential helpers.
  const r = await run(req.file, ['logout', req.registry], { input: '', env: childEnv(req.env, ''), timeoutMs: req.timeoutMs });
  const said = programText(`${r.stdout} ${r.stderr}`);
  if (r.exitCode !== 0) {
    const c = r.timedOut
      ? { message: `it did not finish within ${Math.round(req.timeoutMs / 1000)} s` }
      : classifyEngineError(`${r.stdout}\n${r.stderr}`, req.registry);
    return { removed: false, ok: false, message: `${req.engine} logout failed: ${c.message}`, ...(said ? { engineSaid: said } : {}) };
  }
  if (req.hadLogin === 'unknown')
    return {
      removed: undefined,
      ok: true,
      message: `Ran \`${req.engine} logout ${req.registry}\`; ${req.engine} said: ${said || '(nothing)'}`,
      ...(said ? { engineSaid: said } : {}),
    };
  return {
    removed: true,
    ok: true,
    message: `Removed the login for ${req.registry} (${req.hadLogin.username}) from ${req.hadLogin.source}.`,
    ...(said ? { engineSaid: said } : {}),
  };
}

/** docker's own text when the helper failed on `store`: `error storing credentials - err: …, out: \`TEXT\``. */
function storeErrorText(out: string): string | undefined {
  if (!/error storing credentials|error saving credentials|executable file not found.*docker-credential/i.test(out)) return undefined;
  const said = /out: `([^`]*)`/.exec(out)?.[1] || /err: ([^\n]*)/.exec(out)?.[1] || out;
  return programText(said);
}
