// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
/** `renew`: rotate the stored token through GitLab and log in with its successor (core/renew.ts), then say what changed. */
import { InputError } from '../core/errors.js';
import { createHttpClient, tlsEnvNotice } from '../core/http.js';
import { spawnRunner, type Runner } from '../core/process.js';
import { fileRealmCache, type RealmCache } from '../core/realmcache.js';
import { renewDoing, renewExitCode, renewToken, SUCCESSOR_OFFER, type RenewResult } from '../core/renew.js';
import { openConfStore, rememberedLayer, type AnswerStore } from '../core/remembered.js';
import { withTypeFromUsername } from '../core/request.js';
import { daysUntil } from '../core/tokeninfo.js';
import { fit, paint, useColor, type IO } from './io.js';
import { writeJson } from './json.js';
import { ask, canPrompt } from './prompt.js';
import { commandRequest, httpOptions, readToken, type CommandRequest } from './request.js';
import type { CommonFlags, RenewFlags } from './options.js';

/**
 * renew's request: the flags (with --ci the job's variables), the team file, then the wizard's and login's answers
 * remembered for the registry (its project, access and type), by the one precedence rule as login's prompt reads
 * them (core/remembered.ts `rememberedLayer`). Without a registry from any of them: exit 2.
 */
export function renewRequest(
  flags: CommonFlags,
  env: NodeJS.ProcessEnv,
  store: AnswerStore | undefined,
  realms: RealmCache | undefined,
  cwd?: string,
): CommandRequest {
  const resolved = commandRequest(flags, env, cwd);
  const { request: remembered, implied } = rememberedLayer(store, resolved.layers, realms);
  let request = withTypeFromUsername(remembered);
  // An instance remembered alone: the registry a verification found for it (computed when read from the realm cache).
  if (!request.registry && implied.registry) request = { ...request, registry: { value: implied.registry, source: 'realm' } };
  if (!request.registry) throw new InputError('missing --registry HOST[:PORT] (no remembered registry either)', '--registry');
  return { ...resolved, request };
}

export async function runRenew(opts: { flags: RenewFlags; io: IO; runner?: Runner; openStore?: () => Promise<AnswerStore> }): Promise<number> {
  const { io } = opts;
  const { days } = opts.flags;
  const store = await (opts.openStore ?? (() => openConfStore({ env: io.env })))().catch(() => undefined);
  const realmCache = fileRealmCache(io.env);
  const { options, request } = renewRequest(opts.flags, io.env, store, realmCache);
  const token = opts.flags.tokenStdin ? await readToken(io, options.timeoutMs) : undefined;
  const notice = tlsEnvNotice(io.env);
  if (notice) io.stderr.write(`gitlab-registry-login: ${notice}\n`);
  const c = paint(useColor(io, 'stderr'));
  const chatty = io.stderr.isTTY === true && !options.json;
  const http = createHttpClient(httpOptions(options, io.env));
  try {
    const r = await renewToken(
      { request, ...(days !== undefined ? { days } : {}), ...(token !== undefined ? { token } : {}), trustRealm: options.trustRealm },
      {
        http,
        env: io.env,
        realmCache,
        runner: opts.runner ?? spawnRunner,
        engine: options.engine,
        timeoutMs: options.timeoutMs,
        interactive: chatty,
        onWait: (line) => io.stderr.write(`… ${line}\n`),
        onProgress: (p) => {
          // A verification's many steps are not logged one by one.
          if (chatty && p.kind !== 'session') io.stderr.write(c.dim(`… ${renewDoing(p)}\n`));
        },
        // The last resort, in a terminal and only when asked: the new token shown once, never written anywhere else.
        ...(canPrompt(io.stdin, io.stdout) && !options.json ? { offerSuccessor: (s: string) => offer(io, s) } : {}),
      },
    );
    if (options.json) writeJson(io, r);
    else print(io, r);
    return renewExitCode(r.verdict);
  } finally {
    http.close();
  }
}

async function offer(io: IO, successor: string): Promise<boolean> {
  io.stdout.write(`${SUCCESSOR_OFFER.lost}\n`);
  const answer = await ask(io, `${SUCCESSOR_OFFER.question} [y/N]`);
  if (!/^y(es)?$/i.test(answer)) return false;
  io.stdout.write(`\n  ${successor}\n\n${SUCCESSOR_OFFER.keep}\n`);
  return true;
}

/** What changed: account, token name, new expiry, where it is stored; never the token. */
function print(io: IO, r: RenewResult): void {
  const c = paint(useColor(io, r.ok ? 'stdout' : 'stderr'));
  const out = r.ok ? io.stdout : io.stderr;
  const lines: string[] = [];
  if (r.ok && r.token) {
    const left = r.token.expiresAt ? daysUntil(r.token.expiresAt, Date.now()) : null;
    lines.push(`${c.green('✔')} Renewed the token "${r.token.name}"${r.account ? ` (${r.account})` : ''} for ${r.registry}`);
    lines.push(
      `  new expiry: ${r.token.expiresAt ? `${r.token.expiresAt} (${left} day${left === 1 ? '' : 's'})` : 'never'}${r.token.previousExpiresAt ? `, was ${r.token.previousExpiresAt}` : ''}`,
    );
    if (r.storage)
      lines.push(
        `  stored: ${r.engine ?? 'docker'}, ${r.storage.kind === 'helper' ? `docker-credential-${r.storage.helper ?? '?'} (${r.storage.file})` : `${r.storage.file} (base64, not encrypted)`}`,
      );
  } else {
    lines.push(`${c.red('✘')} ${r.message}`);
    if (r.fix) lines.push(`  ${r.fix}`);
  }
  for (const w of r.warnings) lines.push(`${c.yellow('⚠')} ${w}`);
  out.write(`${lines.map((l) => fit(l, out, 2)).join('\n')}\n`);
}
