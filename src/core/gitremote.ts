// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseGitlabUrl, parseProject } from './hosts.js';

/** The instance and project a GitLab remote URL points at (https, ssh:// and scp-like forms). */
export function parseRemoteUrl(url: string): { gitlab: string; project: string } | undefined {
  const u = url.trim();
  let host: string | undefined;
  let pathPart: string | undefined;
  let scheme = 'https';
  let m = /^(https?):\/\/(?:[^@/]+@)?([^/]+)\/(.+)$/.exec(u);
  if (m) {
    scheme = m[1]!;
    host = m[2]!;
    pathPart = m[3]!;
  } else if ((m = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(u))) {
    host = m[1]!;
    pathPart = m[2]!;
  } else if ((m = /^(?:[^@/]+@)?([^/:]+):(?!\/)(.+)$/.exec(u))) {
    host = m[1]!;
    pathPart = m[2]!;
  }
  if (!host || !pathPart) return undefined;
  try {
    const gitlab = parseGitlabUrl(`${scheme}://${host}`);
    const project = parseProject(pathPart.replace(/\.git\/?$/, ''));
    return { gitlab: gitlab.origin, project };
  } catch {
    return undefined;
  }
}

/** The `origin` remote of the git checkout containing `cwd`, read from .git/config (no git process). */
export function originRemote(cwd: string): { gitlab: string; project: string } | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const git = path.join(dir, '.git');
    try {
      const st = statSync(git);
      let configFile = path.join(git, 'config');
      if (st.isFile()) {
        const gitdir = /^gitdir:\s*(.+)$/m.exec(readFileSync(git, 'utf8'))?.[1]?.trim();
        if (!gitdir) return undefined;
        const resolved = path.resolve(dir, gitdir);
        // Worktrees keep the shared config in the common dir.
        const common = path.join(resolved, 'commondir');
        configFile = path.join(statSync(common, { throwIfNoEntry: false }) ? path.resolve(resolved, readFileSync(common, 'utf8').trim()) : resolved, 'config');
      }
      const text = readFileSync(configFile, 'utf8');
      const section = /\[remote\s+"origin"\]([^[]*)/.exec(text)?.[1];
      const url = section && /^\s*url\s*=\s*(.+)$/m.exec(section)?.[1];
      return url ? parseRemoteUrl(url) : undefined;
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
}
