// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import { createHttpClient, tlsEnvNotice, type HttpClient } from '../core/http.js';
import { spawnRunner, type Runner } from '../core/process.js';
import { parseRegistry } from '../core/hosts.js';
import { runStatus, type LoginStatus, type StatusReport } from '../core/status.js';
import { openConfStore, rememberedFor, type AnswerStore } from '../core/remembered.js';
import { fileRealmCache, type RealmCache } from '../core/realmcache.js';
import { tokenLine } from '../core/tokeninfo.js';
import { httpOptions, runOptions } from './request.js';
import type { StatusFlags } from './options.js';
import { fit, paint, useColor, type IO } from './io.js';
import { writeJson } from './json.js';

export interface StatusOptions {
  flags: StatusFlags;
  io: IO;
  http?: (o: { timeoutMs: number; caFile?: string; env: NodeJS.ProcessEnv }) => HttpClient;
  runner?: Runner;
  openStore?: () => Promise<AnswerStore>;
  /** Remembered realms: an instance remembered alone applies to the registry a verification found for it. */
  realmCache?: RealmCache;
  now?: () => number;
}

/** `status`: every stored login, each GitLab one re-tested. Exit 0 when every checked login works, 1 when any fails. */
export async function runStatusCommand(opts: StatusOptions): Promise<number> {
  const { io, flags } = opts;
  const options = runOptions(flags);
  const { engine, timeoutMs, trustRealm } = options;
  const registry = flags.registry !== undefined ? parseRegistry(flags.registry).registry : undefined;
  const notice = tlsEnvNotice(io.env);
  if (notice) io.stderr.write(`gitlab-registry-login: ${notice}\n`);
  const store = await (opts.openStore ?? (() => openConfStore({ env: io.env })))();
  const realms = opts.realmCache ?? fileRealmCache(io.env);
  const http = (opts.http ?? createHttpClient)(httpOptions(options, io.env));
  let report: StatusReport;
  try {
    report = await runStatus(
      { ...(registry ? { registry } : {}), engine, timeoutMs, trustRealm },
      {
        http,
        runner: opts.runner ?? spawnRunner,
        env: io.env,
        remembered: (r) => rememberedFor(store, r, realms),
        ...(opts.now ? { now: opts.now } : {}),
      },
    );
  } finally {
    http.close();
  }
  // Asked about one registry that holds no login: that is not "every login works".
  const ok = report.ok && !(registry && report.logins.length === 0);
  if (flags.json === true) writeJson(io, { ...report, ok });
  else printStatus(io, report, registry);
  return ok ? 0 : 1;
}

const where = (l: LoginStatus) =>
  !l.storage ? 'where is unknown' : l.storage.kind === 'helper' ? `by docker-credential-${l.storage.helper} (${l.storage.setBy})` : `in ${l.storage.file}`;

/** Compact, as `gh auth status`: a heading per registry, a mark and a few indented lines. */
export function printStatus(io: IO, r: StatusReport, registry: string | undefined): void {
  const c = paint(useColor(io));
  const out = (line: string, indent = 4) => io.stdout.write(`${fit(line, io.stdout, indent)}\n`);
  for (const w of r.warnings) out(`${c.yellow('⚠')} ${w}`, 2);
  for (const p of r.problems) out(`${c.red('✘')} ${p}`, 2);
  if (r.warnings.length || r.problems.length) io.stdout.write('\n');
  if (r.logins.length === 0) {
    out(registry ? `No login for ${registry} is stored.` : 'No registry logins are stored.', 0);
    out(`  Log in: gitlab-registry-login login${registry ? ` ${registry}` : ''} (or run it without a command for the wizard).`, 2);
    return;
  }
  const engines = new Set(r.logins.map((l) => l.engine));
  for (const [i, l] of r.logins.entries()) {
    if (i > 0) io.stdout.write('\n');
    out(`${c.bold(l.registry)}${engines.size > 1 || l.engine !== 'docker' ? c.dim(` (${l.engine})`) : ''}`, 2);
    const mark = l.state === 'ok' ? c.green('✔') : l.state === 'failed' ? c.red('✘') : c.dim('-');
    out(`  ${mark} ${l.message}`);
    if (l.fix) out(`    ${c.bold('Fix:')} ${l.fix}`, 9);
    out(`  - Stored: ${l.username ? `${l.username}, ` : ''}${where(l)}`);
    // A token GitLab refused is told by the verdict above; its record adds only what a working one has.
    if (l.token?.state === 'active') out(`  - ${tokenLine(l.token)}`);
    for (const w of l.warnings) out(`  ${c.yellow('⚠')} ${w}`);
  }
  const count = (s: LoginStatus['state']) => r.logins.filter((l) => l.state === s).length;
  const parts = [
    `${count('ok')} working`,
    count('failed') ? c.red(`${count('failed')} failing`) : '',
    count('not-checked') ? `${count('not-checked')} not checked` : '',
  ]
    .filter(Boolean)
    .join(', ');
  io.stdout.write(`\n${r.logins.length} login${r.logins.length === 1 ? '' : 's'}: ${parts}\n`);
}
