// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** Finding a program on PATH as the shell (or Windows) would: PATH, and on Windows PATHEXT. */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** What a lookup needs of the machine: injected so Windows lookups are tested on Linux. */
export interface LookupHost {
  platform: NodeJS.Platform;
  /** An executable file (on Windows: a file; execute permission does not exist there). */
  isExecutable(file: string): boolean;
}

export const realHost: LookupHost = {
  platform: process.platform,
  isExecutable(file) {
    try {
      if (!statSync(file).isFile()) return false;
      if (process.platform !== 'win32') accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};

/** An environment variable read as Windows reads it (names are case-insensitive there: `Path`, `PATHEXT`). */
export function envVar(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/**
 * The first `name` on PATH that is executable. On Windows, as cmd.exe does: every PATHEXT extension is tried
 * (default .COM;.EXE;.BAT;.CMD) unless the name already has one of them, `;` separates PATH, names are case-insensitive.
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env, host: LookupHost = realHost): string | undefined {
  const win = host.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const exts = win ? (envVar(env, 'PATHEXT', 'win32') || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  const hasExt = win && exts.some((e) => name.toLowerCase().endsWith(e.toLowerCase()));
  const candidates = hasExt ? [''] : exts;
  for (const raw of (envVar(env, 'PATH', host.platform) ?? '').split(win ? ';' : ':')) {
    const dir = win ? raw.replace(/^"(.*)"$/, '$1') : raw;
    if (!dir) continue;
    for (const ext of candidates) {
      const file = p.join(dir, name + ext.toLowerCase());
      if (host.isExecutable(file)) return file;
    }
  }
  return undefined;
}
