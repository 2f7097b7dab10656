import { createHttpClient, type HttpClient } from '../core/http.js';
import { discoverRegistry } from '../core/registry.js';
import { parseRegistry } from '../core/hosts.js';
import { loginAfterVerify } from '../core/login.js';
import { spawnRunner, type Runner } from '../core/process.js';
import { verifyCredential, type VerifyResult } from '../core/verify.js';
import { fileRealmCache, type RealmCache } from '../core/realmcache.js';
import { exitCodeFor, verdict, EXIT } from '../core/verdict.js';
import { answersFromFlags, httpOptions, readToken, requireComplete, resolveFlags, type CommonFlags } from './request.js';
import { bareResult, printResult, toCommandResult, type CommandResult } from './report.js';
import type { IO } from './io.js';

export interface CheckOptions {
  mode: 'verify' | 'login';
  flags: CommonFlags;
  io: IO;
  /** Injected for tests; defaults build the real ones. */
  http?: (o: { timeoutMs: number; caFile?: string; env: NodeJS.ProcessEnv }) => HttpClient;
  runner?: Runner;
  realmCache?: RealmCache;
}

export interface CheckOutcome {
  exitCode: number;
  result?: CommandResult;
}

/** `verify` and `login`: the same verification; `login` then runs the engine only if it passed. */
export async function runCheck(opts: CheckOptions): Promise<CheckOutcome> {
  const { io } = opts;
  const resolved = resolveFlags(opts.flags, io.env);
  const flags = resolved.flags;
  const answers = answersFromFlags(flags);
  requireComplete(answers, flags, resolved.token !== undefined);
  const token = resolved.token ?? (await readToken(io, answers.timeoutMs));
  const http = (opts.http ?? createHttpClient)(httpOptions(answers, io.env));
  try {
    let registry = answers.registry;
    if (!registry) {
      const found = await discoverRegistry(http, answers.gitlab!);
      if (!found) {
        const r = bareResult(
          verdict('not-a-registry', `No container registry was found for ${answers.gitlab!.host} (tried registry.${answers.gitlab!.hostname} and ${answers.gitlab!.hostname}:5050).`, 'Pass --registry HOST[:PORT]: it is shown on any project\'s Deploy > Container registry page.'),
          { gitlab: answers.gitlab!.origin },
        );
        printResult(io, r, answers.json);
        return { exitCode: EXIT.unreachable, result: r };
      }
      registry = parseRegistry(found.registry);
    }
    const cache = opts.realmCache ?? fileRealmCache(io.env);
    const known = cache.get(registry.registry);
    const v: VerifyResult = await verifyCredential(
      {
        registry,
        ...(answers.gitlab ? { gitlab: answers.gitlab } : {}),
        credentialType: answers.credentialType,
        username: answers.username,
        token,
        access: answers.access,
        ...(answers.project ? { project: answers.project } : {}),
        trustRealm: answers.trustRealm,
        ...(known ? { knownRealm: known } : {}),
      },
      { http },
    );
    if (v.ok && v.registryUrl && v.realm && (known?.realm !== v.realm || known.baseUrl !== v.registryUrl)) {
      cache.set(registry.registry, { baseUrl: v.registryUrl, realm: v.realm, ...(v.service ? { service: v.service } : {}) });
    }
    if (opts.mode === 'verify' || !v.ok) {
      const r = toCommandResult(v);
      printResult(io, r, answers.json);
      return { exitCode: exitCodeFor(r.verdict), result: r };
    }
    // A person at a terminal may be asked by the credential helper to unlock a keyring: say so, and wait longer.
    const interactive = io.stderr.isTTY === true && !answers.json && flags.ci !== true;
    const login = await loginAfterVerify(
      v,
      {
        choice: answers.engine,
        username: answers.username,
        token,
        env: io.env,
        timeoutMs: answers.timeoutMs,
        insecureStorage: flags.insecureStorage === true,
        interactive,
        onWait: (line) => io.stderr.write(`… ${line}\n`),
      },
      opts.runner ?? spawnRunner,
    );
    const r = toCommandResult(v, login);
    printResult(io, r, answers.json);
    return { exitCode: exitCodeFor(r.verdict), result: r };
  } finally {
    http.close();
  }
}

