// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** The process runner: a program with text on stdin, an exact environment, a time limit, and its whole process group stopped. */
import { createRequire } from 'node:module';
import type { ChildProcessWithoutNullStreams, SpawnOptionsWithoutStdio } from 'node:child_process';
import { traceRunner } from './debug.js';
import { sanitise } from './sanitise.js';

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

/**
 * How a process and everything it started is stopped. POSIX: the child leads its own process group
 * (`detached`), and the group gets the signal. Windows has no process groups and no signals:
 * `taskkill /T /F /PID` ends the process and its children (there is no gentle step to take first).
 */
export function stopPlan(
  pid: number,
  signal: NodeJS.Signals,
  platform: NodeJS.Platform = process.platform,
): { kill: [pid: number, signal: NodeJS.Signals] } | { run: [file: string, args: string[]] } {
  if (platform === 'win32') return { run: ['taskkill', ['/T', '/F', '/PID', String(pid)]] };
  return { kill: [-pid, signal] };
}

/** How a program is started: on Windows a .cmd/.bat needs cmd.exe (Node refuses to spawn one directly). */
export function launchPlan(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): { file: string; args: string[]; detached: boolean; verbatim: boolean } {
  if (platform !== 'win32') return { file, args: [...args], detached: true, verbatim: false };
  if (!/\.(cmd|bat)$/i.test(file)) return { file, args: [...args], detached: false, verbatim: false };
  // cmd.exe re-parses its line: refuse what it would interpret rather than escape it.
  for (const a of [file, ...args]) if (/["%^&|<>!\r\n]/.test(a)) throw new Error(`cannot pass ${JSON.stringify(a.slice(0, 40))} through cmd.exe to ${file}`);
  const comspec = Object.entries(env).find(([k]) => k.toUpperCase() === 'COMSPEC')?.[1] || 'cmd.exe';
  return { file: comspec, args: ['/d', '/s', '/c', `"${[file, ...args].map((a) => `"${a}"`).join(' ')}"`], detached: false, verbatim: true };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  const plan = stopPlan(pid, signal);
  try {
    if ('kill' in plan) process.kill(...plan.kill);
    else spawn(plan.run[0], plan.run[1], { windowsHide: true }).on('error', () => {});
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
export const spawnRunner: Runner = traceRunner(
  (file, args, options) =>
    // --debug: a line per command (core/debug.ts)
    new Promise((resolve) => {
      if (!exitHook) {
        exitHook = true;
        process.once('exit', () => stopChildren('SIGKILL'));
      }
      let plan: ReturnType<typeof launchPlan>;
      try {
        plan = launchPlan(file, args, options.env);
      } catch (e) {
        resolve({ exitCode: undefined, stdout: '', stderr: (e as Error).message, timedOut: false, notFound: true });
        return;
      }
      const child = spawn(plan.file, plan.args, {
        env: options.env,
        stdio: 'pipe',
        detached: plan.detached,
        windowsHide: true,
        windowsVerbatimArguments: plan.verbatim,
      });
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
          // Whatever the engine left behind in its group goes with it (POSIX: the group outlives its leader;
          // on Windows the tree cannot be found once its root is gone, and the pid may be reused).
          if (process.platform !== 'win32') killGroup(pid, 'SIGKILL');
          running.delete(pid);
        }
        const text = (b: Buffer[]) => Buffer.concat(b).toString('utf8').replace(/\n$/, '');
        resolve({ exitCode: code ?? undefined, stdout: text(out), stderr: text(err), timedOut, notFound });
      });
    }),
);

/**
 * GitLab CI/CD's secret variables (docs.gitlab.com/ci/variables/predefined_variables/): no engine or credential
 * helper reads them, so no child gets them, whatever command runs it (login, logout, doctor, a helper's list/get).
 */
const CI_SECRETS = new Set([
  'CI_JOB_TOKEN',
  'CI_REGISTRY_PASSWORD',
  'CI_DEPLOY_PASSWORD',
  'CI_DEPENDENCY_PROXY_PASSWORD',
  'CI_JOB_JWT',
  'CI_JOB_JWT_V1',
  'CI_JOB_JWT_V2',
]);

/** The child's environment: ours, less every variable that holds the token and CI/CD's secret variables. */
export function childEnv(env: NodeJS.ProcessEnv, token: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || CI_SECRETS.has(k) || (token !== '' && v.includes(token))) continue;
    out[k] = v;
  }
  return out;
}

/**
 * What a program (an engine, a credential helper) said, as one safe line: the one sanitiser (controls and escape
 * sequences, C1 included, removed; length capped), with whitespace folded.
 */
export function programText(text: string, max = 300): string {
  return sanitise(text.replace(/\s+/g, ' ').trim(), max);
}
