// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import type { VerifyResult } from '../core/verify.js';
import { engineAnswered, type EngineLoginResult } from '../core/engine.js';
import { isStoreFailure, type StoreFailureInfo } from '../core/login.js';
import type { Verdict } from '../core/verdict.js';
import { expiryWarning, tokenLine, type TokenInfo } from '../core/tokeninfo.js';
import { fit, paint, useColor, type IO } from './io.js';
import { writeJson } from './json.js';

/** The one JSON shape of verify and login. */
export interface CommandResult extends Verdict {
  ok: boolean;
  registry: string | null;
  realm: string | null;
  gitlab: string | null;
  username: string | null;
  /** Who GitLab says the credential belongs to (null when unknown, e.g. the token endpoint refused it). */
  account: string | null;
  credentialType: string | null;
  project: string | null;
  requested: string[];
  granted: string[] | null;
  loggedIn: boolean;
  engine: string | null;
  storage?: EngineLoginResult['storage'];
  /**
   * A personal/project/group access token's record from GitLab: `{state: "active", name, scopes, expiresAt,
   * daysLeft}`, `{state: "expired"|"revoked"|"invalid", gitlabSays}`, or `{state: "unavailable", reason}`;
   * null for deploy and job tokens (GitLab gives them no such record).
   */
  token: TokenInfo | null;
  /** One-line remarks: a username GitLab ignored, a token that expires within 14 days. */
  warnings: string[];
  /** What stopped the login at the credential store (verdict store-failed). */
  store?: StoreFailureInfo;
  steps: VerifyResult['steps'];
}

export function toCommandResult(v: VerifyResult, login?: { engine: string | null; result?: EngineLoginResult | Verdict }): CommandResult {
  const final = login?.result && login.result.verdict !== 'ok' ? login.result : (login?.result ?? v);
  const ran = engineAnswered(login?.result) ? login.result : undefined;
  return {
    ok: final.verdict === 'ok',
    verdict: final.verdict,
    message: final.verdict === 'ok' && login?.result ? `${v.message} ${final.message}` : final.message,
    fix: final.fix,
    registry: v.registry,
    realm: v.realm ?? null,
    gitlab: v.gitlab ?? null,
    username: v.engineUsername ?? v.username,
    account: v.account ?? null,
    credentialType: v.credentialType,
    project: v.project ?? null,
    requested: v.requested,
    granted: v.granted,
    loggedIn: ran?.loggedIn ?? false,
    engine: login?.engine ?? null,
    ...(ran?.storage ? { storage: ran.storage } : {}),
    token: v.token ?? null,
    warnings: [
      ...(v.remarks ?? []),
      ...(v.token ? [expiryWarning(v.token, v.gitlab, v.credentialType, v.project, v.registry)].filter((w): w is string => w !== undefined) : []),
    ],
    ...(isStoreFailure(login?.result) ? { store: login.result.store } : {}),
    steps: v.steps,
  };
}

/** A verdict without a verification (usage and input errors never get here; e.g. discovery failed). */
export function bareResult(v: Verdict, fields: Partial<CommandResult> = {}): CommandResult {
  return {
    ok: v.verdict === 'ok',
    ...v,
    registry: null,
    realm: null,
    gitlab: null,
    username: null,
    account: null,
    credentialType: null,
    project: null,
    requested: [],
    granted: null,
    loggedIn: false,
    engine: null,
    token: null,
    warnings: [],
    steps: [],
    ...fields,
  };
}

export function printResult(io: IO, r: CommandResult, json: boolean): void {
  if (json) {
    writeJson(io, r);
    return;
  }
  const stream = r.ok ? 'stdout' : 'stderr';
  const c = paint(useColor(io, stream));
  for (const s of r.steps) {
    const mark = s.status === 'pass' ? c.green('✔') : s.status === 'fail' ? c.red('✘') : c.dim('-');
    io[stream].write(`${mark} ${s.title} ${c.dim(`(${s.ms} ms)`)}\n`);
  }
  if (r.ok) {
    io.stdout.write(`${fit(`${c.green('✔')} ${r.message}`, io.stdout, 2)}\n`);
    if (r.storage?.insecure && r.registry) io.stdout.write(`${fit(insecureNotice(r.storage.file, r.registry, r.storage.insecure.backup), io.stdout, 2)}\n`);
    else if (r.storage) {
      io.stdout.write(
        r.storage.kind === 'helper'
          ? `  Stored by the credential helper docker-credential-${r.storage.helper}.\n`
          : `  Stored in ${r.storage.file} (base64, not encrypted; a credential helper keeps it in your keyring).\n`,
      );
    }
    if (r.token && r.token.state !== 'unavailable') io.stdout.write(`${fit(`  ${tokenLine(r.token)}`, io.stdout, 4)}\n`);
    for (const w of r.warnings) io.stdout.write(`${fit(`${c.yellow('⚠')} ${w}`, io.stdout, 2)}\n`);
  } else {
    io.stderr.write(`${fit(`${c.red('✘')} ${r.message}`, io.stderr, 2)}\n`);
    if (r.fix) io.stderr.write(`${fit(`  ${c.bold('Fix:')} ${r.fix}`, io.stderr, 7)}\n`);
    for (const w of r.warnings) io.stderr.write(`${fit(`${c.yellow('⚠')} ${w}`, io.stderr, 2)}\n`);
  }
}

/** What `--insecure-storage` did, said plainly, with the way back. */
export function insecureNotice(file: string, registry: string, backup: string): string {
  return (
    `  The token is now stored base64 (not encrypted) in ${file}: anyone who can read that file can use it. ` +
    `Only ${registry} is kept there (credHelpers["${registry}"] = ""); credsStore and your other logins are unchanged. ` +
    `The config as it was: ${backup}. To undo: \`docker logout ${registry}\`, then delete "${registry}" from credHelpers in ${file}.`
  );
}
