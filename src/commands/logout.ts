import { engineLogout, resolveEngine } from '../core/engine.js';
import { spawnRunner, type Runner } from '../core/process.js';
import { readEngineConfig, readStoredLogin } from '../core/authconfig.js';
import { InputError } from '../core/errors.js';
import { commandRequest, type CommonFlags } from './request.js';
import type { IO } from './io.js';
import { writeJson } from './json.js';

/** `logout`: the engine's logout for the registry, and what was removed. */
export async function runLogout(opts: { flags: CommonFlags; io: IO; runner?: Runner }): Promise<number> {
  const { io } = opts;
  const { request, options: a } = commandRequest(opts.flags, io.env);
  if (!request.registry) throw new InputError('missing --registry HOST[:PORT]', '--registry');
  const registry = request.registry.value;
  const run = opts.runner ?? spawnRunner;
  const engine = resolveEngine(a.engine, io.env);
  if ('verdict' in engine) {
    if (a.json) writeJson(io, { ok: false, removed: false, registry, engine: null, message: engine.message });
    else io.stderr.write(`✘ ${engine.message}\n`);
    return 1;
  }
  const read = readEngineConfig(engine.engine, io.env);
  const had = 'config' in read ? await readStoredLogin(read.config, read.file, registry, io.env, run) : undefined;
  const r = await engineLogout({ engine: engine.engine, file: engine.file, registry: registry, hadLogin: had && { username: had.username, source: had.source }, env: io.env, timeoutMs: Math.max(a.timeoutMs, 30_000) }, run);
  if (a.json) writeJson(io, { ok: r.ok, removed: r.removed, registry, engine: engine.engine, message: r.message });
  else (r.ok ? io.stdout : io.stderr).write(`${r.ok ? '✔' : '✘'} ${r.message}\n`);
  return r.ok ? 0 : 1;
}
