/**
 * `npm run bench`: the speed and memory goals, measured against the real registry harness.
 * Pairs run interleaved; medians; a report, never a pass/fail.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCert } from '../test/helpers/pki.js';
import { startGitlab } from '../test/helpers/gitlab.js';
import { startRegistry } from '../test/helpers/registry.js';
import { execFileSync } from 'node:child_process';

// Run from the package root (npm run bench): bundled, this file's own location is a temporary one.
const ROOT = process.cwd();
const BIN = path.join(ROOT, 'bin', 'gitlab-registry-login.js');

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TOKEN = 'glpat-Bench0000secret0000';
const DOCKER = ['/usr/local/bin/docker', '/usr/bin/docker'].find((f) => statSync(f, { throwIfNoEntry: false }));

interface Timed {
  ms: number;
  out: string;
}

/** Spawn and time a command; `until` ends the timing when that text first appears in its output. */
function timed(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; until?: string } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, out });
      if (opts.until) child.kill('SIGKILL');
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      if (opts.until && out.includes(opts.until)) finish();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (done) return;
      if (opts.until) reject(new Error(`${cmd} ${args.join(' ')} ended before "${opts.until}" appeared: ${out.slice(-500)}`));
      else if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`));
      else finish();
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else if (!opts.until) child.stdin.end();
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const pki = makeCert();
  const gl = await startGitlab(pki, { users: [{ kind: 'personal', username: 'alice', token: TOKEN, scopes: ['read_registry', 'write_registry'], projects: { 'group/app': 'developer' } }] });
  const reg = await startRegistry({ realm: gl.realm, certFile: pki.certFile });
  const home = mkdtempSync(path.join(tmpdir(), 'grl-bench-'));
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache'), DOCKER_CONFIG: path.join(home, 'docker'), CI: 'true' };
  const coldEnv = { ...env, XDG_CACHE_HOME: path.join(home, 'nocache-%') };
  const node = process.execPath;
  const verify = [BIN, 'verify', '--registry', reg.registry, '--type', 'personal-access-token', '--username', 'alice', '--project', 'group/app', '--token-stdin', '--json'];
  const login = [BIN, 'login', '--registry', reg.registry, '--type', 'personal-access-token', '--username', 'alice', '--project', 'group/app', '--token-stdin', '--json'];
  // A pseudo-terminal for the wizard's first frame: util-linux `script`.
  // The pty gets a size (script leaves it at 0 columns, where every frame wraps per character).
  const inPty = (command: string) => ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'];
  const samples: Record<string, number[]> = {};
  const add = (k: string, t: Timed) => (samples[k] ??= []).push(t.ms);

  // Warm the caches once (file system, realm memory).
  await timed(node, verify, { input: TOKEN, env });
  for (let i = 0; i < RUNS; i++) {
    add('bare node', await timed(node, ['-e', '0']));
    add('--version', await timed(node, [BIN, '--version']));
    add('--help', await timed(node, [BIN, '--help'], { env }));
    add('verify --json (realm remembered)', await timed(node, verify, { input: TOKEN, env }));
    add('verify --json (first run)', await timed(node, verify, { input: TOKEN, env: { ...coldEnv, XDG_CACHE_HOME: path.join(home, `cold-${i}`) } }));
    if (DOCKER) add('plain docker login', await timed(DOCKER, ['login', reg.registry, '-u', 'alice', '--password-stdin'], { input: TOKEN, env }));
    add('login --json', await timed(node, login, { input: TOKEN, env }));
    add('bare node first output (pty)', await timed('script', inPty(`${node} -e "console.log('READY')"`), { env, until: 'READY' }));
    add('wizard first frame (pty)', await timed('script', inPty(`${node} ${BIN} --registry ${reg.registry}`), { env: { ...env, TERM: 'xterm-256color' }, until: 'Which credential' }));
  }

  // Peak memory of a whole wizard run, driven through a pty with keys on stdin.
  const rssRun = await new Promise<string>((resolve) => {
    const child = spawn('script', inPty(`/usr/bin/time -f MAXRSS=%M ${node} ${BIN} --registry ${reg.registry} --type personal-access-token --username alice --project group/app --access push`), { env: { ...env, TERM: 'xterm-256color' } });
    let out = '';
    const keys = ['\r', `${TOKEN}\r`];
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (keys.length && out.includes(keys.length === 2 ? 'What you need' : 'Paste your')) child.stdin.write(keys.shift()!);
    });
    child.on('close', () => resolve(out));
    setTimeout(() => child.kill('SIGKILL'), 20_000);
  });
  const peakMiB = Number(/MAXRSS=(\d+)/.exec(rssRun)?.[1] ?? NaN) / 1024;
  if (Number.isNaN(peakMiB)) console.error(`the whole wizard run did not finish; its last output:\n${rssRun.slice(-800)}`);

  await reg.stop();
  await gl.close();
  pki.cleanup();
  rmSync(home, { recursive: true, force: true });

  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const bare = m['bare node']!;
  const rows: Array<[string, number, string, number | undefined, number]> = [
    ['--version', m['--version']!, 'bare node', bare, 1.5],
    ['--help', m['--help']!, 'bare node', bare, 1.5],
    ['verify --json (realm remembered)', m['verify --json (realm remembered)']!, 'bare node', bare, 1.6],
    ['verify --json (first run)', m['verify --json (first run)']!, 'bare node', bare, 1.6],
    ['login --json', m['login --json']!, 'bare node + docker login', DOCKER ? bare + m['plain docker login']! : undefined, 1.6],
    ['wizard first frame (pty)', m['wizard first frame (pty)']!, 'bare node (pty)', m['bare node first output (pty)']!, 3],
  ];
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\nmedians of ${RUNS} interleaved runs; node ${process.version}; ${ROOT}\n`);
  console.log(`${pad('measure', 34)}${pad('median', 10)}${pad('against', 36)}${pad('ratio', 8)}goal`);
  console.log(`${pad('bare node', 34)}${pad(`${bare.toFixed(1)} ms`, 10)}`);
  if (DOCKER) console.log(`${pad('plain docker login', 34)}${pad(`${m['plain docker login']!.toFixed(1)} ms`, 10)}`);
  for (const [name, value, against, base, goal] of rows) {
    const ratio = base ? value / base : NaN;
    console.log(`${pad(name, 34)}${pad(`${value.toFixed(1)} ms`, 10)}${pad(base ? `${against} ${base.toFixed(1)} ms` : 'n/a', 36)}${pad(Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '-', 8)}≤ ${goal}× ${ratio <= goal ? '✔' : '✘'}`);
  }
  console.log(`${pad('wizard run, peak memory', 34)}${pad(`${peakMiB.toFixed(1)} MiB`, 10)}${pad('', 36)}${pad('', 8)}≤ 80 MiB ${peakMiB <= 80 ? '✔' : '✘'}`);
  const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ size: number; unpackedSize: number; entryCount: number }>;
  const kib = pack[0]!.size / 1024;
  console.log(`${pad('package tarball', 34)}${pad(`${kib.toFixed(0)} KiB`, 10)}${pad(`${pack[0]!.entryCount} files, ${(pack[0]!.unpackedSize / 1024).toFixed(0)} KiB unpacked`, 44)}≤ 1024 KiB ${kib <= 1024 ? '✔' : '✘'}`);
}

await main();
