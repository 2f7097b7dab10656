// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import { engineLogout, resolveEngine } from '../core/engine.js';
import { spawnRunner, type Runner } from '../core/process.js';
import { askStore } from '../core/credstore.js';
import { InputError } from '../core/errors.js';
import { commandRequest } from './request.js';
import type { LogoutFlags } from './options.js';
import type { IO } from './io.js';
import { writeJson } from './json.js';

/** `logout`: ask the store what is there (3 s), run the engine's logout, and say what was removed. */
export async function runLogout(opts: { flags: LogoutFlags; io: IO; runner?: Runner }): Promise<number> {
  const { io } = opts;
  const { request, options: a } = commandRequest(opts.flags, io.env);
  if (!request.registry) throw new InputError('missing --registry HOST[:PORT]', '--registry');
  const registry = request.registry.value;
  const run = opts.runner ?? spawnRunner;
  const found = resolveEngine(a.engine, io.env);
  if (!found.ok) {
    if (a.json) writeJson(io, { ok: false, removed: false, registry, engine: null, message: found.verdict.message });
    else io.stderr.write(`✘ ${found.verdict.message}\n`);
    return 1;
  }
  const engine = found.value;
  const store = await askStore({ engine: engine.engine, engineFile: engine.file, registry, env: io.env, op: 'list' }, run);
  // A store that cannot be asked (a failing helper) must not stop the logout: the engine's own logout still runs.
  const had =
    store.state === 'logged-in' ? { username: store.username, source: store.source } : store.state === 'unreadable' ? ('unknown' as const) : undefined;
  const couldNotCheck = store.state === 'unreadable' ? `Could not check for a login to ${registry}: ${store.message}.` : undefined;
  if (couldNotCheck && !a.json) io.stderr.write(`⚠ ${couldNotCheck}\n`);
  const r = await engineLogout(
    { engine: engine.engine, file: engine.file, registry, hadLogin: had, env: io.env, timeoutMs: Math.max(a.timeoutMs, 30_000) },
    run,
  );
  if (a.json) {
    writeJson(io, {
      ok: r.ok,
      removed: r.removed ?? null,
      checked: !couldNotCheck,
      registry,
      engine: engine.engine,
      message: couldNotCheck ? `${couldNotCheck} ${r.message}` : r.message,
      ...(r.engineSaid ? { engineSaid: r.engineSaid } : {}),
    });
  } else (r.ok ? io.stdout : io.stderr).write(`${r.ok ? '✔' : '✘'} ${r.message}\n`);
  return r.ok ? 0 : 1;
}
