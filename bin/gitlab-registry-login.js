#!/usr/bin/env node
// Node 22.1+ keeps the compiled bundle in the tool's cache directory, beside realms.json: later runs skip parsing
// and compiling it (see the README's Performance section for what it saves). Best effort: where the directory
// cannot be made or written, or on Node 20, there is simply no cache. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import module from 'node:module';

function compileCacheDir(env) {
  const base = env.XDG_CACHE_HOME || (env.HOME ? `${env.HOME}/.cache` : '');
  if (!base.startsWith('/')) return undefined; // XDG: a relative path is to be ignored (and Windows is not a target)
  const dir = `${base}/gitlab-registry-login/compile-cache`;
  // One level at a time: a recursive mkdir on Node 22 and 24 never returns where mkdir answers ENOENT (under /proc).
  const { mkdirSync } = process.getBuiltinModule?.('node:fs') ?? module.createRequire(import.meta.url)('node:fs');
  for (const d of [base, `${base}/gitlab-registry-login`, dir]) {
    try {
      mkdirSync(d, 0o700);
    } catch (e) {
      if (e?.code !== 'EEXIST') return undefined;
    }
  }
  return dir;
}

if (module.enableCompileCache && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  try {
    const dir = compileCacheDir(process.env);
    if (dir) module.enableCompileCache(dir);
  } catch {
    // no cache: the tool runs as it would without one
  }
}
await import('../dist/cli.js');
