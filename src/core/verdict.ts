// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** The one verdict type shared by `verify`, `login`, the wizard and `doctor`. */
import { sanitise } from './sanitise.js';

export const VERDICTS = [
  'ok',
  'invalid-credentials',
  'no-registry-scope',
  'insufficient-access',
  'registry-disabled',
  'storage-limit',
  'ip-blocked',
  'gitlab-refused',
  'untrusted-realm',
  'unreachable',
  'tls-error',
  'not-a-registry',
  'registry-rejected-token',
  'login-failed',
  'store-failed',
  'engine-missing',
] as const;
export type VerdictCode = (typeof VERDICTS)[number];

export interface Verdict {
  verdict: VerdictCode;
  /** What happened, in one or two sentences. */
  message: string;
  /** What to do about it ('' when nothing is to be done). */
  fix: string;
}

/** Exit codes. `internal` (EX_SOFTWARE) is a bug in this tool, reported without a stack trace. */
export const EXIT = { ok: 0, rejected: 1, usage: 2, unreachable: 3, internal: 70, interrupted: 130, terminated: 143, hungUp: 129, quit: 131 } as const;

export function exitCodeFor(verdict: VerdictCode): number {
  switch (verdict) {
    case 'ok':
      return EXIT.ok;
    case 'unreachable':
    case 'tls-error':
    case 'not-a-registry':
    case 'ip-blocked':
      // 3: the credential was never judged (network, TLS, not a registry, or GitLab refusing this IP for now).
      return EXIT.unreachable;
    default:
      return EXIT.rejected;
  }
}

/**
 * What a step found, or the verdict that ends the flow there: `if (!r.ok) return r.verdict;` then `r.value`. (No
 * `'verdict' in x` tests on `T | Verdict` unions: a type that says which is which; lint forbids the test.) `V`: a
 * verdict type of a command's own (renew's), when it is not the shared one.
 */
export type Result<T, V = Verdict> = { ok: true; value: T } | { ok: false; verdict: V };
export const success = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const failure = <V = Verdict>(v: V): Result<never, V> => ({ ok: false, verdict: v });

/** The one point where a verdict is built: whatever a message quotes from a server or a file is sanitised here. */
export function verdict(code: VerdictCode, message: string, fix = ''): Verdict {
  return { verdict: code, message: sanitise(message), fix: sanitise(fix) };
}
