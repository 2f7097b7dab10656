// src/: the entry. launch.ts (the bundle's entry) turns on Node's compile cache and loads cli.ts, which runs program.ts
// (commander's definitions), each command loaded lazily; version.ts holds the version. Below: commands/, ui/, core/ (ARCHITECTURE.md).
import module from 'node:module';
import path from 'node:path';
import { compileCacheDir, privateDir, writableByOthers } from './core/paths.js';

/** Node 22.1+ (@types/node here is Node 20's, which has no such function). */
const nodeModule = module as typeof module & { enableCompileCache?: (dir: string) => unknown };

function enableCompileCache(): void {
  if (typeof nodeModule.enableCompileCache !== 'function') return; // Node 20, 22.0
  try {
    const dir = compileCacheDir(process.env);
    if (!dir) return;
    // Checked before privateDir, which would tighten a directory of ours that others could write to: what they
    // may have put in it stays unread.
    if (writableByOthers(path.dirname(dir)) || writableByOthers(dir)) return;
    privateDir(dir);
    nodeModule.enableCompileCache(dir);
  } catch {
    // No cache (a directory that cannot be made, a read-only home): the tool runs as it would without one.
  }
}

enableCompileCache();
await import('./cli.js');
