// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import { createHttpClient, tlsEnvNotice, type HttpClient } from '../core/http.js';
import { spawnRunner, type Runner } from '../core/process.js';
import { realProbes, type NetProbes } from '../core/netprobe.js';
import { runDoctor, sectionOf, type Check } from '../core/doctor.js';
import { explainError, hostIn } from '../core/explain.js';
import { usernameOf } from '../core/request.js';
import { InputError } from '../core/errors.js';
import { cleanToken, readStdin } from '../core/secret.js';
import { commandRequest, httpOptions, readToken, teamFileNotice, type CommandRequest } from './request.js';
import type { DoctorFlags } from './options.js';
import { fit, paint, useColor, type IO } from './io.js';
import { writeJson } from './json.js';

export interface DoctorOptions {
  flags: DoctorFlags;
  io: IO;
  http?: (o: { timeoutMs: number; caFile?: string; env: NodeJS.ProcessEnv }) => HttpClient;
  runner?: Runner;
  probes?: NetProbes;
  now?: () => number;
  /** A token already in memory (the wizard's troubleshooting): never read again from stdin. */
  token?: string;
  /** The request already resolved (the wizard's troubleshooting): the flags are not read again. */
  request?: Omit<CommandRequest, 'token'>;
}

const MARK = { pass: '✔', warn: '⚠', fail: '✘', skip: '-' } as const;

export function printChecks(io: IO, checks: Check[]): void {
  const c = paint(useColor(io));
  let section = '';
  for (const k of checks) {
    const s = sectionOf(k.id);
    if (s !== section) {
      io.stdout.write(`${section ? '\n' : ''}${c.bold(s)}\n`);
      section = s;
    }
    const mark =
      k.status === 'pass' ? c.green(MARK.pass) : k.status === 'warn' ? c.yellow(MARK.warn) : k.status === 'fail' ? c.red(MARK.fail) : c.dim(MARK.skip);
    io.stdout.write(`${fit(`  ${mark} ${k.title}: ${k.status === 'skip' ? c.dim(k.detail) : k.detail}`, io.stdout, 4)}\n`);
    if (k.fix && (k.status === 'fail' || k.status === 'warn')) io.stdout.write(`${fit(`      ${c.bold('Fix:')} ${k.fix}`, io.stdout, 11)}\n`);
  }
  const failed = checks.filter((k) => k.status === 'fail').length;
  const warned = checks.filter((k) => k.status === 'warn').length;
  io.stdout.write(`\n${failed ? c.red(`${failed} failed`) : c.green('nothing failed')}${warned ? `, ${warned} warning${warned > 1 ? 's' : ''}` : ''}\n`);
}

/** `doctor --error TEXT`: explain a docker/podman error line. Exit 0 when recognised, 1 when not. */
async function explain(opts: DoctorOptions, registry: string): Promise<number> {
  const { io, flags } = opts;
  const text = flags.error === '-' ? await readStdin(io.stdin) : flags.error!;
  if (text.trim() === '') throw new InputError('--error needs the error text (or - to read it from stdin)', '--error');
  const e = explainError(text, registry);
  // The registry the text names (or --registry), so the suggested command is ready to run.
  const host = registry || hostIn(text) || 'HOST';
  const json = flags.json === true;
  if (json) {
    writeJson(io, {
      ok: e !== undefined,
      recognised: e !== undefined,
      ...(e
        ? { id: e.id, verdict: e.verdict ?? null, cause: e.cause, fix: e.fix }
        : { cause: null, fix: `Run \`gitlab-registry-login doctor --registry ${host}\` to check every link.` }),
    });
  } else if (e) {
    const c = paint(useColor(io));
    io.stdout.write(`${c.bold('Cause:')} ${e.cause}\n${c.bold('Fix:')}   ${e.fix}\n`);
  } else {
    io.stdout.write(
      `Not recognised: this error text is not one this tool knows.\nRun \`gitlab-registry-login doctor --registry ${host} [--token-stdin ...]\` to check every link from docker to GitLab.\n`,
    );
  }
  return e ? 0 : 1;
}

export async function runDoctorCommand(opts: DoctorOptions): Promise<number> {
  const { io } = opts;
  const resolved = opts.request ? { ...opts.request, token: undefined } : commandRequest(opts.flags, io.env);
  const { request, options } = resolved;
  if (opts.flags.error !== undefined) return explain(opts, request.registry?.value ?? '');
  const team = 'teamFile' in resolved ? teamFileNotice(resolved.teamFile) : undefined;
  if (team) io.stderr.write(`gitlab-registry-login: ${team}\n`);
  const token = opts.token ?? resolved.token ?? (opts.flags.tokenStdin ? await readToken(io, options.timeoutMs) : undefined);
  const username = usernameOf(request)?.value;
  if (token && request.credentialType && !username) throw new InputError('missing --username for the token given', '--username');
  const notice = tlsEnvNotice(io.env);
  if (notice) io.stderr.write(`gitlab-registry-login: ${notice}\n`);
  const http = (opts.http ?? createHttpClient)(httpOptions(options, io.env));
  try {
    const checks = await runDoctor(
      {
        request,
        ...(token ? { token: cleanToken(token) } : {}),
        trustRealm: options.trustRealm,
        engine: options.engine,
        ...(options.caFile ? { caFile: options.caFile } : {}),
        timeoutMs: options.timeoutMs,
      },
      { http, runner: opts.runner ?? spawnRunner, env: io.env, probes: opts.probes ?? realProbes, ...(opts.now ? { now: opts.now } : {}) },
    );
    const ok = !checks.some((c) => c.status === 'fail');
    if (options.json) writeJson(io, { ok, checks });
    else printChecks(io, checks);
    return ok ? 0 : 1;
  } finally {
    http.close();
  }
}
