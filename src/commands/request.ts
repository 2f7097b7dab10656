// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
/** From argv to the one request model: flags parsed and checked, then resolved with the other sources (core/request.ts). */
import { CREDENTIAL_TYPES, CREDENTIALS, usernameOptional, type CredentialType } from '../core/credentials.js';
import { InputError } from '../core/errors.js';
import { gitlabBase, parseGitlabUrl, parseProject, parseRegistry } from '../core/hosts.js';
import { resolveRequest, usernameOf, withTypeFromUsername, type AnswerValues, type Layers, type LoginRequest } from '../core/request.js';
import { checkUsername, cleanToken, readStdin } from '../core/secret.js';
import type { EngineChoice } from '../core/engine.js';
import type { CommonFlags } from './options.js';
import type { IO } from './io.js';
import { loadTeamFile, type TeamFile } from '../core/teamfile.js';
import { ciAnswers } from '../core/ci.js';

/** `--timeout`'s seconds (checked by commander: options.ts), default 15, in milliseconds. */
function timeoutMs(seconds: number | undefined): number {
  return Math.round((seconds ?? 15) * 1000);
}

/** How a run goes, beside the answers: from flags only. */
export interface RunOptions {
  engine: EngineChoice;
  timeoutMs: number;
  caFile?: string;
  trustRealm: boolean;
  json: boolean;
}

/** The HTTP client's options: one timeout and CA file for every request of a run. */
export function httpOptions(
  o: Pick<RunOptions, 'timeoutMs' | 'caFile'>,
  env: NodeJS.ProcessEnv,
): { timeoutMs: number; caFile?: string; env: NodeJS.ProcessEnv } {
  return { timeoutMs: o.timeoutMs, ...(o.caFile ? { caFile: o.caFile } : {}), env };
}

/** The run's options from its flags (parsed and checked as commander read them: options.ts). */
export function runOptions(flags: CommonFlags): RunOptions {
  const o: RunOptions = {
    engine: flags.engine ?? 'auto',
    timeoutMs: timeoutMs(flags.timeout),
    trustRealm: flags.trustRealm === true,
    json: flags.json === true,
  };
  if (flags.caFile !== undefined) o.caFile = flags.caFile;
  return o;
}

/** The answers the flags give, parsed and checked; bad values throw InputError naming the flag (exit 2). */
export function flagAnswers(flags: CommonFlags): AnswerValues {
  const a: AnswerValues = {};
  if (flags.gitlab !== undefined) a.gitlab = gitlabBase(parseGitlabUrl(flags.gitlab));
  if (flags.registry !== undefined) a.registry = parseRegistry(flags.registry).registry;
  if (flags.type) a.credentialType = flags.type;
  if (flags.access) a.access = flags.access;
  if (flags.project !== undefined) a.project = parseProject(flags.project);
  if (flags.username !== undefined) a.username = checkUsername(flags.username);
  return a;
}

/** The team file's answers. */
export function teamAnswers(team: TeamFile | undefined): AnswerValues | undefined {
  if (!team) return undefined;
  const a: AnswerValues = {};
  if (team.instance) a.gitlab = team.instance;
  if (team.registry) a.registry = team.registry;
  if (team.project) a.project = team.project;
  if (team.type) a.credentialType = team.type;
  if (team.access) a.access = team.access;
  return a;
}

/** A CI/CD job's answers (--ci), checked like flags but named by their variable, and the token they carry. */
export function ciLayer(env: NodeJS.ProcessEnv, type: CredentialType | undefined): { answers: AnswerValues; token: string } {
  const ci = ciAnswers(env, type ?? 'ci-registry-password');
  const a: AnswerValues = {
    registry: parseRegistry(ci.registry, 'CI_REGISTRY').registry,
    credentialType: ci.credentialType,
    username: checkUsername(ci.username),
  };
  if (ci.gitlab) a.gitlab = gitlabBase(parseGitlabUrl(ci.gitlab, 'CI_SERVER_URL'));
  if (ci.project) a.project = parseProject(ci.project, 'CI_PROJECT_PATH');
  return { answers: a, token: cleanToken(ci.token, ci.tokenVariable) };
}

/** Everything a command starts from: the answers by the one precedence rule, the run's options, and with --ci the job's token. */
export interface CommandRequest {
  request: LoginRequest;
  options: RunOptions;
  /** With --ci: the token from the job's variables (never from argv). */
  token?: string;
  /** The team file read, if any (its path is shown before the token is asked or sent). */
  teamFile?: TeamFile;
}

/** "Using FILE: instance X, registry Y", said before the token is asked or sent, so a planted file cannot hide. */
export function teamFileNotice(team: TeamFile | undefined): string | undefined {
  if (!team) return undefined;
  const what = [
    team.instance ? `instance ${team.instance}` : '',
    team.registry ? `registry ${team.registry}` : '',
    team.project ? `project ${team.project}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `using ${team.file}${what ? `: ${what}` : ''}`;
}

/**
 * The request of a non-interactive command: flags, then with --ci the job's variables, then the team file
 * (resolved by core/request.ts). The job's own registry wins over a team file's: CI_REGISTRY is where the job runs.
 */
/** `flags`: the flags in our syntax (`dockerSyntax`), for what the command reads of them beside the request. */
export function commandRequest(rawFlags: CommonFlags, env: NodeJS.ProcessEnv, cwd = process.cwd()): CommandRequest & { layers: Layers; flags: CommonFlags } {
  const flags = dockerSyntax(rawFlags);
  const options = runOptions(flags);
  const team = loadTeamFile(cwd);
  const layers: Layers = { flag: flagAnswers(flags), 'team-file': teamAnswers(team) };
  let token: string | undefined;
  if (flags.ci) {
    const ci = ciLayer(env, layers.flag?.credentialType);
    layers.ci = ci.answers;
    token = ci.token;
  }
  return {
    request: withTypeFromUsername(resolveRequest(layers)),
    options,
    layers,
    flags,
    ...(token !== undefined ? { token } : {}),
    ...(team ? { teamFile: team } : {}),
  };
}

/**
 * docker login's syntax as ours: the positional registry is --registry (an https:// prefix and trailing slash, as
 * docker accepts them, are dropped), --password-stdin is --token-stdin. Both registries given must agree.
 */
export function dockerSyntax(flags: CommonFlags): CommonFlags {
  const out: CommonFlags = { ...flags };
  if (flags.passwordStdin) out.tokenStdin = true;
  delete out.passwordStdin;
  delete out.registryArgument;
  if (flags.registryArgument !== undefined) {
    const positional = parseRegistry(flags.registryArgument.replace(/^https:\/\//i, '').replace(/\/+$/, ''), 'REGISTRY');
    if (flags.registry !== undefined && parseRegistry(flags.registry).registry !== positional.registry) {
      throw new InputError(
        `the registry is given twice and differs: ${positional.registry} and --registry ${parseRegistry(flags.registry).registry}; give one`,
        'REGISTRY',
      );
    }
    out.registry = positional.registry;
  }
  return out;
}

/** What a non-interactive run must have; names the flags to add when something is missing. */
export function requireComplete(r: LoginRequest, flags: CommonFlags, haveToken = false): void {
  const missing: string[] = [];
  if (!r.registry && !r.gitlab) missing.push('--registry HOST (or --gitlab URL)');
  if (!r.credentialType) missing.push(`--type (${CREDENTIAL_TYPES.join('|')})`);
  else if (!usernameOf(r) && !usernameOptional(r.credentialType.value)) missing.push(`--username (${CREDENTIALS[r.credentialType.value].usernameHint})`);
  if (!flags.tokenStdin && !haveToken) missing.push('--token-stdin (with the token piped in), or --ci in a GitLab CI/CD job');
  if (missing.length) throw new InputError(`missing ${missing.join(', ')}`);
}

/** The token, read and cleaned in one place; a pipe that never closes is given up on after `waitMs`. */
export async function readToken(io: IO, waitMs = 15_000): Promise<string> {
  if (io.stdin.isTTY) throw new InputError('--token-stdin reads the token from a pipe, e.g. `printf %s "$TOKEN" | gitlab-registry-login ...`', '--token-stdin');
  return cleanToken(await readStdin(io.stdin, 64 * 1024, waitMs));
}
