/** Run the built CLI as a user would, and collect everything it printed. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'gitlab-registry-login.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function run(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; keepStdinOpen?: boolean } = {},
): Promise<RunResult> {
  const started = Date.now();
  // Without an env of its own, each run gets empty config and cache directories: no test sees what another
  // remembered (a realm for a port the OS has since handed to another test's server).
  const own = opts.env ? undefined : mkdtempSync(path.join(tmpdir(), 'grl-run-'));
  const env = opts.env ?? { ...process.env, XDG_CONFIG_HOME: path.join(own!, 'config'), XDG_CACHE_HOME: path.join(own!, 'cache') };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (own) rmSync(own, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.on('error', () => {});
    // keepStdinOpen: a pipe that never closes, as some CI runners hand over.
    if (opts.keepStdinOpen) child.stdin.write(opts.input ?? '');
    else child.stdin.end(opts.input ?? '');
  });
}

/** A sandbox HOME, DOCKER_CONFIG and a PATH whose docker records its argv and environment. */
export interface Sandbox {
  dir: string;
  home: string;
  dockerConfig: string;
  log: string;
  env: NodeJS.ProcessEnv;
  /** Every file under the sandbox (path -> content), for leak scans. */
  files(): Map<string, string>;
  cleanup(): void;
}

/** `docker`: 'real' (the machine's), 'none' (no docker on PATH), or the path of a fake to put there. */
export function sandbox(options: { docker?: string } = {}): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-e2e-'));
  const home = path.join(dir, 'home');
  const dockerConfig = path.join(dir, 'docker');
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'log');
  for (const d of [home, dockerConfig, bin, log]) mkdirSync(d, { recursive: true });
  const realDocker = ['/usr/local/bin/docker', '/usr/bin/docker'].find((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
  const mode = options.docker ?? 'real';
  if (mode === 'real' && realDocker) {
    // Records what the child really got (argv, environment, whether stdin had data) and runs the real docker.
    writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${log}/argv.$$"\nenv > "${log}/env.$$"\nexec ${realDocker} "$@"\n`);
    chmodSync(path.join(bin, 'docker'), 0o755);
  } else if (mode !== 'none' && mode !== 'real') {
    writeFileSync(path.join(bin, 'docker'), mode);
    chmodSync(path.join(bin, 'docker'), 0o755);
  }
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: home,
    DOCKER_CONFIG: dockerConfig,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    LANG: 'C.UTF-8',
    CI: 'true',
  };
  const files = () => {
    const out = new Map<string, string>();
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) out.set(p, readFileSync(p, 'utf8'));
      }
    };
    walk(dir);
    return out;
  };
  return { dir, home, dockerConfig, log, env, files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
