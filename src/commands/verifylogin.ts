// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import { createHttpClient, tlsEnvNotice, type HttpClient } from '../core/http.js';
import { spawnRunner, type Runner } from '../core/process.js';
import { fileRealmCache, type RealmCache } from '../core/realmcache.js';
import { loginSession, verifySession, type SessionOutcome } from '../core/session.js';
import { exitCodeFor, EXIT } from '../core/verdict.js';
import { commandRequest, httpOptions, readToken, requireComplete, teamFileNotice } from './request.js';
import type { CommonFlags } from './options.js';
import { bareResult, printResult, toCommandResult, type CommandResult } from './report.js';
import type { IO } from './io.js';
import { canPrompt } from './prompt.js';
import { answersToRemember } from '../core/request.js';
import type { AnswerStore } from '../core/remembered.js';

export interface VerifyLoginOptions {
  mode: 'verify' | 'login';
  flags: CommonFlags;
  io: IO;
  /** Injected for tests; defaults build the real ones. */
  http?: (o: { timeoutMs: number; caFile?: string; env: NodeJS.ProcessEnv }) => HttpClient;
  runner?: Runner;
  realmCache?: RealmCache;
  cwd?: string;
  /** The remembered answers (tests); default: the conf file, opened only in a terminal. */
  openStore?: () => Promise<AnswerStore>;
}

export interface VerifyLoginOutcome {
  exitCode: number;
  result?: CommandResult;
}

function resultOf(o: SessionOutcome): CommandResult {
  if (o.kind === 'no-registry') return bareResult(o.verdict, { gitlab: o.gitlab });
  if (o.kind === 'verified') return toCommandResult(o.verify);
  return toCommandResult(o.verify, { engine: o.engine, result: o.login });
}

/** `verify` and `login`: the same verification (core/session.ts); `login` then runs the engine only if it passed. */
export async function runVerifyLogin(opts: VerifyLoginOptions): Promise<VerifyLoginOutcome> {
  const { io } = opts;
  const resolved = commandRequest(opts.flags, io.env, opts.cwd);
  const { options, teamFile, flags } = resolved;
  let { request, token } = resolved;
  let store: AnswerStore | undefined;
  const realmCache = opts.realmCache ?? fileRealmCache(io.env);
  const team = teamFileNotice(teamFile);
  if (team) io.stderr.write(`gitlab-registry-login: ${team}\n`);
  // In a terminal, what is missing is asked (as docker login does), the wizard's remembered answers first.
  if (token === undefined && !flags.tokenStdin && !flags.ci && canPrompt(io.stdin, io.stdout)) {
    const { fillInteractively } = await import('./fill.js');
    ({ request, token, store } = await fillInteractively(resolved.layers, io, realmCache, opts.openStore));
  }
  requireComplete(request, flags, token !== undefined);
  token ??= await readToken(io, options.timeoutMs);
  const notice = tlsEnvNotice(io.env);
  if (notice) io.stderr.write(`gitlab-registry-login: ${notice}\n`);
  const http = (opts.http ?? createHttpClient)(httpOptions(options, io.env));
  try {
    const input = { request, token, trustRealm: options.trustRealm };
    const deps = { http, env: io.env, realmCache };
    const outcome =
      opts.mode === 'verify'
        ? await verifySession(input, deps)
        : await loginSession(input, {
            ...deps,
            runner: opts.runner ?? spawnRunner,
            engine: options.engine,
            timeoutMs: options.timeoutMs,
            insecureStorage: opts.flags.insecureStorage === true,
            // A person at a terminal may be asked by the credential helper to unlock a keyring: say so, and wait longer.
            interactive: io.stderr.isTTY === true && !options.json && opts.flags.ci !== true,
            onWait: (line) => io.stderr.write(`… ${line}\n`),
          });
    const r = resultOf(outcome);
    if (store && outcome.kind === 'logged-in' && r.ok) {
      // Asked in a terminal: what the person answered is remembered as the wizard remembers it (never the token), best
      // effort. Not what the verification found (the realm's instance, a discovered registry, the account GitLab
      // names): that is computed when read (core/remembered.ts `impliedBy`).
      const { remember } = await import('../core/remembered.js');
      await remember(store, answersToRemember(request));
    }
    printResult(io, r, options.json);
    return { exitCode: outcome.kind === 'no-registry' ? EXIT.unreachable : exitCodeFor(r.verdict), result: r };
  } finally {
    http.close();
  }
}
