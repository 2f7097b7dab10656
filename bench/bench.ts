/**
 * `npm run bench`: the speed and memory goals, measured against the real registry harness. A report, never a
 * pass/fail. Honest by construction:
 * - every figure is measured in the same run, on every Node asked for (`BENCH_NODE=path[,path…]`, one column
 *   each; `npm run bench:nodes` fetches and uses the official 22, 24 and 26);
 * - one warm-up round is discarded; then, in each round, every command on every Node runs once, in a freshly
 *   shuffled order, so no figure always follows the same neighbour (a baseline timed right after a heavy run
 *   is a flattering baseline);
 * - a command timed until a text appears (the pty runs) is killed with every process it started, and the next
 *   command starts only once all of them are gone;
 * - the spread is printed (median [min–max]); ratios are of medians, against the same Node's bare start;
 * - if hyperfine is installed, its figure for bare `node -e 0` is printed beside ours as a cross-check.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { makeCert } from '../test/helpers/pki.js';
import { startGitlab } from '../test/helpers/gitlab.js';
import { startRegistry } from '../test/helpers/registry.js';

// Run from the package root (npm run bench): bundled, this file's own location is a temporary one.
const ROOT = process.cwd();
const BIN = path.join(ROOT, 'bin', 'gitlab-registry-login.js');
const FLOOR = path.join(ROOT, 'bench', 'floor.mjs');
const FLOOR_NET = path.join(ROOT, 'bench', 'floor-net.cjs');

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TOKEN = 'glpat-Bench0000secret0000';
const DOCKER = ['/usr/local/bin/docker', '/usr/bin/docker'].find((f) => statSync(f, { throwIfNoEntry: false }));
const NODES = (process.env.BENCH_NODE || process.execPath)
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);

interface Timed {
  ms: number;
  out: string;
}

/** The pids of every descendant of `pid` (from /proc), deepest last. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parentOf.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is gone for our purposes
  } catch {
    return false;
  }
};

/** Kill `pid` and everything it started (a pty's shell and node live in their own session), and wait until all are gone. */
async function reap(pid: number): Promise<void> {
  const all = [pid, ...descendants(pid)];
  for (const p of all) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 5000;
  while (all.some(alive)) {
    if (Date.now() > deadline) throw new Error(`processes ${all.filter(alive).join(', ')} outlived SIGKILL`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Spawn and time a command; `until` ends the timing when that text first appears in its output. */
function timed(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; until?: string } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let ms: number | undefined;
    const onData = (d: Buffer) => {
      out += d.toString();
      if (opts.until && ms === undefined && out.includes(opts.until)) {
        ms = Number(process.hrtime.bigint() - start) / 1e6;
        reap(child.pid!).then(() => resolve({ ms: ms!, out }), reject);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (opts.until) {
        if (ms === undefined) reject(new Error(`${cmd} ${args.join(' ')} ended before "${opts.until}" appeared: ${out.slice(-500)}`));
      } else if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`));
      else resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, out });
    });
    child.stdin.on('error', () => {});
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else if (!opts.until) child.stdin.end();
  });
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const shuffle = <T>(xs: T[]): T[] => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};

async function main() {
  const versions = NODES.map((n) => execFileSync(n, ['--version'], { encoding: 'utf8' }).trim());
  const pki = makeCert();
  const gl = await startGitlab(pki, {
    users: [{ kind: 'personal', username: 'alice', token: TOKEN, scopes: ['read_registry', 'write_registry'], projects: { 'group/app': 'developer' } }],
  });
  const reg = await startRegistry({ realm: gl.realm, certFile: pki.certFile });
  const home = mkdtempSync(path.join(tmpdir(), 'grl-bench-'));
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    DOCKER_CONFIG: path.join(home, 'docker'),
    CI: 'true',
  };
  // bench/ink-minimum.tsx, bundled as the CLI is (its plugins, minified, split), with a compile cache of its own.
  const inkDir = path.join(home, 'ink-minimum');
  // Loaded from the package root at run time (this file runs bundled from a temporary directory, where neither
  // esbuild nor scripts/ resolve).
  const { bundleOptions } = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'build.mjs')).href)) as typeof import('../scripts/build.mjs');
  const { build } = (await import(pathToFileURL(createRequire(path.join(ROOT, 'package.json')).resolve('esbuild')).href)) as typeof import('esbuild');
  await build({ ...bundleOptions(), entryPoints: { 'ink-minimum': path.join(ROOT, 'bench', 'ink-minimum.tsx') }, outdir: inkDir });
  writeFileSync(path.join(inkDir, 'package.json'), '{"type":"module"}');
  const inkMinimum = (node: string) => `NODE_COMPILE_CACHE=${path.join(home, 'ink-cache')} ${node} ${path.join(inkDir, 'ink-minimum.js')}`;
  const common = ['--registry', reg.registry, '--type', 'personal-access-token', '--username', 'alice', '--project', 'group/app', '--token-stdin', '--json'];
  // A pseudo-terminal for the wizard's first frame: util-linux `script`. The pty gets a size (script leaves it
  // at 0 columns, where every frame wraps per character).
  const inPty = (command: string) => ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'];
  const tty = { ...env, TERM: 'xterm-256color' };

  type Task = { key: string; node: number | undefined; run: () => Promise<Timed> };
  const tasks: Task[] = [];
  let cold = 0;
  NODES.forEach((node, i) => {
    const add = (key: string, run: () => Promise<Timed>) => tasks.push({ key, node: i, run });
    add('bare node', () => timed(node, ['-e', '0'], { env }));
    add('--version', () => timed(node, [BIN, '--version'], { env }));
    add('--help', () => timed(node, [BIN, '--help'], { env }));
    add('verify (realm remembered)', () => timed(node, [BIN, 'verify', ...common], { input: TOKEN, env }));
    // A cache directory of its own each time: no remembered realm, and no compiled code cached either.
    add('verify (first run)', () =>
      timed(node, [BIN, 'verify', ...common], { input: TOKEN, env: { ...env, XDG_CACHE_HOME: path.join(home, `cold-${cold++}`) } }),
    );
    add('login', () => timed(node, [BIN, 'login', ...common], { input: TOKEN, env }));
    // What verify's requests cost without the CLI (bench/floor.mjs): the distance to it is the CLI's own.
    add('floor', () => timed(node, [FLOOR, reg.registry, gl.url], { input: TOKEN, env }));
    // The lowest a Node client can go (bench/floor-net.cjs): the same requests straight onto node:net sockets.
    add('floor over node:net', () => timed(node, [FLOOR_NET, reg.registry, gl.url], { input: TOKEN, env }));
    add('bare node first output (pty)', () => timed('script', inPty(`${node} -e "console.log('READY')"`), { env: tty, until: 'READY' }));
    add('wizard first frame (pty)', () => timed('script', inPty(`${node} ${BIN} --registry ${reg.registry}`), { env: tty, until: 'Which credential' }));
    add('Ink minimum first output (pty)', () => timed('script', inPty(inkMinimum(node)), { env: tty, until: 'Which credential' }));
  });
  if (DOCKER)
    tasks.push({
      key: 'plain docker login',
      node: undefined,
      run: () => timed(DOCKER, ['login', reg.registry, '-u', 'alice', '--password-stdin'], { input: TOKEN, env }),
    });

  const samples = new Map<string, number[]>();
  const at = (key: string, node: number | undefined) => `${key}@${node ?? '-'}`;
  process.stderr.write(`bench: ${RUNS} rounds of ${tasks.length} commands after a warm-up round, on ${versions.join(', ')}\n`);
  for (let round = 0; round <= RUNS; round++) {
    for (const t of shuffle(tasks)) {
      const r = await t.run();
      if (round > 0) (samples.get(at(t.key, t.node)) ?? samples.set(at(t.key, t.node), []).get(at(t.key, t.node))!).push(r.ms);
    }
    process.stderr.write(round === 0 ? 'warm-up done\n' : `round ${round}/${RUNS}\r`);
  }
  process.stderr.write('\n');

  // Peak memory of a whole wizard run, driven through a pty with keys on stdin: the largest of three per Node.
  const peak: number[] = [];
  for (const node of NODES) {
    let most = NaN;
    for (let i = 0; i < 3; i++) {
      const out = await wizardRun(node, inPty, reg.registry, tty);
      const kib = Number(/MAXRSS=(\d+)/.exec(out)?.[1] ?? NaN);
      if (Number.isNaN(kib)) console.error(`a whole wizard run on ${node} did not finish; its last output:\n${out.slice(-800)}`);
      most = Number.isNaN(most) ? kib : Math.max(most, kib);
    }
    peak.push(most / 1024);
  }

  // hyperfine's figure for the same bare start, as a cross-check of this harness's own (spawned from Node).
  const hyper = NODES.map((node) => {
    const file = path.join(home, 'hyperfine.json');
    const r = spawnSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(Math.max(RUNS, 10)), '--export-json', file, '--style', 'none', `${node} -e 0`], {
      encoding: 'utf8',
    });
    if (r.status !== 0) return undefined;
    const res = (JSON.parse(readFileSync(file, 'utf8')) as { results: Array<{ median: number; min: number; max: number }> }).results[0];
    return res && { median: res.median * 1000, min: res.min * 1000, max: res.max * 1000 };
  });

  await reg.stop();
  await gl.close();
  pki.cleanup();
  rmSync(home, { recursive: true, force: true });

  const get = (key: string, node: number | undefined) => samples.get(at(key, node)) ?? [];
  const cell = (xs: number[]) => (xs.length ? `${median(xs).toFixed(0)} [${sorted(xs)[0]!.toFixed(0)}–${sorted(xs).at(-1)!.toFixed(0)}]` : 'n/a');
  const W = 40;
  const C = 26;
  const line = (label: string, cells: string[], goal = '') => console.log(`${label.padEnd(W)}${cells.map((c) => c.padEnd(C)).join('')}${goal}`);
  console.log(`\nms as median [min–max] of ${RUNS} rounds (after a warm-up round), commands shuffled in each round; ratios of medians`);
  console.log(`${ROOT}, ${new Date().toISOString()}\n`);
  line(
    '',
    versions.map((v) => `Node ${v}`),
    'goal',
  );
  line(
    'bare node (node -e 0)',
    NODES.map((_, i) => cell(get('bare node', i))),
  );
  if (hyper.some(Boolean))
    line(
      '  hyperfine -N, same command',
      hyper.map((h) => (h ? `${h.median.toFixed(0)} [${h.min.toFixed(0)}–${h.max.toFixed(0)}]` : 'n/a')),
    );
  if (DOCKER)
    line(
      'plain docker login',
      NODES.map(() => cell(get('plain docker login', undefined))),
    );
  line(
    'bare node first output (pty)',
    NODES.map((_, i) => cell(get('bare node first output (pty)', i))),
  );
  const ratioRows: Array<[string, string, (i: number) => number | undefined, number]> = [
    ['--version', '--version', (i) => median(get('bare node', i)), 1.3],
    ['--help', '--help', (i) => median(get('bare node', i)), 1.5],
    ['verify --json (realm remembered)', 'verify (realm remembered)', (i) => median(get('bare node', i)), 1.6],
    ['verify --json (first run)', 'verify (first run)', (i) => median(get('bare node', i)), 1.6],
    ['  floor: same requests, no CLI', 'floor', (i) => median(get('bare node', i)), 1.6],
    ['  floor over node:net, no http', 'floor over node:net', (i) => median(get('bare node', i)), 1.6],
    [
      'login --json (÷ bare + docker login)',
      'login',
      (i) => (DOCKER ? median(get('bare node', i)) + median(get('plain docker login', undefined)) : undefined),
      1.6,
    ],
    ['wizard first frame (÷ bare, pty)', 'wizard first frame (pty)', (i) => median(get('bare node first output (pty)', i)), 2.5],
    ['  Ink minimum: one line, no CLI', 'Ink minimum first output (pty)', (i) => median(get('bare node first output (pty)', i)), 2.5],
  ];
  for (const [label, key, base, goal] of ratioRows) {
    line(
      label,
      NODES.map((_, i) => cell(get(key, i))),
    );
    const ratios = NODES.map((_, i) => {
      const b = base(i);
      return b ? median(get(key, i)) / b : NaN;
    });
    line(
      '',
      ratios.map((r) => (Number.isFinite(r) ? `${r.toFixed(2)}× ${r <= goal ? '✔' : '✘'}` : '-')),
      `≤ ${goal}×`,
    );
  }
  line(
    'wizard run, peak RSS (max of 3)',
    peak.map((p) => `${p.toFixed(1)} MiB ${p <= 80 ? '✔' : '✘'}`),
    '≤ 80 MiB',
  );
  const pack = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as Array<{ size: number; unpackedSize: number; entryCount: number }>;
  const kib = pack[0]!.size / 1024;
  console.log(
    `${'package tarball'.padEnd(W)}${`${kib.toFixed(0)} KiB ${kib <= 1024 ? '✔' : '✘'} (${pack[0]!.entryCount} files, ${(pack[0]!.unpackedSize / 1024).toFixed(0)} KiB unpacked)`.padEnd(C * NODES.length)}≤ 1024 KiB`,
  );
}

/** One whole wizard run in a pty (Enter on "What you need", the token at "Paste your"), under /usr/bin/time. */
function wizardRun(node: string, inPty: (c: string) => string[], registry: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise<string>((resolve) => {
    const child = spawn(
      'script',
      inPty(`/usr/bin/time -f MAXRSS=%M ${node} ${BIN} --registry ${registry} --type personal-access-token --username alice --project group/app --access push`),
      { env },
    );
    let out = '';
    const keys = ['\r', `${TOKEN}\r`];
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (keys.length && out.includes(keys.length === 2 ? 'What you need' : 'Paste your')) child.stdin.write(keys.shift()!);
    });
    const timer = setTimeout(() => void reap(child.pid!), 20_000);
    child.on('close', () => {
      clearTimeout(timer);
      reap(child.pid!).then(
        () => resolve(out),
        () => resolve(out),
      );
    });
  });
}

await main();
