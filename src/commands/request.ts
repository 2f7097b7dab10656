import { CREDENTIAL_TYPES, CREDENTIALS, ACCESS_LEVELS, defaultUsername, type Access, type CredentialType } from '../core/credentials.js';
import { InputError } from '../core/errors.js';
import { parseGitlabUrl, parseProject, parseRegistry, type RegistryAddress } from '../core/hosts.js';
import { checkUsername, cleanToken, readStdin } from '../core/secret.js';
import { ENGINES, type EngineChoice } from '../core/engine.js';
import type { IO } from './io.js';
import { loadTeamFile, type TeamFile } from '../core/teamfile.js';
import { ciAnswers } from '../core/ci.js';

/** The flags shared by verify, login and doctor, as commander hands them over. */
export interface CommonFlags {
  gitlab?: string;
  registry?: string;
  type?: string;
  access?: string;
  project?: string;
  username?: string;
  tokenStdin?: boolean;
  engine?: string;
  json?: boolean;
  timeout?: string;
  caFile?: string;
  trustRealm?: boolean;
  ci?: boolean;
  /** login: keep this registry's login in docker's config file, not in the credential helper. */
  insecureStorage?: boolean;
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${flag} must be one of ${allowed.join(', ')} (got "${value.slice(0, 40)}")`, flag);
}

export function parseTimeout(value: string | undefined): number {
  if (value === undefined) return 15_000;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600) throw new InputError('--timeout takes seconds, more than 0 and at most 600', '--timeout');
  return Math.round(n * 1000);
}

/** Answers a command may already have, from flags (later: remembered, team file, CI variables). */
export interface Answers {
  gitlab?: URL;
  registry?: RegistryAddress;
  credentialType?: CredentialType;
  access: Access;
  project?: string;
  username?: string;
  engine: EngineChoice;
  timeoutMs: number;
  caFile?: string;
  trustRealm: boolean;
  json: boolean;
}

/** The HTTP client's options from the answers: one timeout and CA file for every request of a run. */
export function httpOptions(a: Pick<Answers, 'timeoutMs' | 'caFile'>, env: NodeJS.ProcessEnv): { timeoutMs: number; caFile?: string; env: NodeJS.ProcessEnv } {
  return { timeoutMs: a.timeoutMs, ...(a.caFile ? { caFile: a.caFile } : {}), env };
}

/** Parse and check every flag; bad values throw InputError naming the flag (exit 2). */
export function answersFromFlags(flags: CommonFlags): Answers {
  const credentialType = oneOf(flags.type, CREDENTIAL_TYPES, '--type');
  const access = oneOf(flags.access, ACCESS_LEVELS, '--access') ?? 'pull';
  const engine = oneOf(flags.engine, [...ENGINES, 'auto'] as const, '--engine') ?? 'auto';
  const a: Answers = { access, engine, timeoutMs: parseTimeout(flags.timeout), trustRealm: flags.trustRealm === true, json: flags.json === true };
  if (flags.gitlab !== undefined) a.gitlab = parseGitlabUrl(flags.gitlab);
  if (flags.registry !== undefined) a.registry = parseRegistry(flags.registry);
  if (credentialType) a.credentialType = credentialType;
  if (flags.project !== undefined) a.project = parseProject(flags.project);
  if (flags.username !== undefined) a.username = checkUsername(flags.username);
  else if (credentialType && defaultUsername(credentialType)) a.username = defaultUsername(credentialType)!;
  if (flags.caFile !== undefined) a.caFile = flags.caFile;
  return a;
}

/** What a non-interactive run must have; names the flags to add when something is missing. */
export function requireComplete(a: Answers, flags: CommonFlags, haveToken = false): asserts a is Answers & { credentialType: CredentialType; username: string } {
  const missing: string[] = [];
  if (!a.registry && !a.gitlab) missing.push('--registry HOST (or --gitlab URL)');
  if (!a.credentialType) missing.push(`--type (${CREDENTIAL_TYPES.join('|')})`);
  else if (!a.username) missing.push(`--username (${CREDENTIALS[a.credentialType].usernameHint})`);
  if (!flags.tokenStdin && !haveToken) missing.push('--token-stdin (with the token piped in), or --ci in a GitLab CI/CD job');
  if (missing.length) throw new InputError(`missing ${missing.join(', ')}`);
}

/** The token, read and cleaned in one place; a pipe that never closes is given up on after `waitMs`. */
export async function readToken(io: IO, waitMs = 15_000): Promise<string> {
  if (io.stdin.isTTY) throw new InputError('--token-stdin reads the token from a pipe, e.g. `printf %s "$TOKEN" | gitlab-registry-login ...`', '--token-stdin');
  return cleanToken(await readStdin(io.stdin, 64 * 1024, waitMs));
}

/** Flags, with the team file's answers under them (flags win). */
export function withTeamFile(flags: CommonFlags, team: TeamFile | undefined): CommonFlags {
  if (!team) return flags;
  return {
    ...flags,
    ...(flags.gitlab === undefined && team.instance ? { gitlab: team.instance } : {}),
    ...(flags.registry === undefined && team.registry ? { registry: team.registry } : {}),
    ...(flags.project === undefined && team.project ? { project: team.project } : {}),
    ...(flags.type === undefined && team.type ? { type: team.type } : {}),
    ...(flags.access === undefined && team.access ? { access: team.access } : {}),
  };
}

/**
 * Everything a non-interactive command starts from: the team file under the flags, and with --ci the job's
 * predefined variables (the token among them, never in argv).
 */
export function resolveFlags(flags: CommonFlags, env: NodeJS.ProcessEnv, cwd = process.cwd()): { flags: CommonFlags; token?: string } {
  const merged = withTeamFile(flags, loadTeamFile(cwd));
  if (!merged.ci) return { flags: merged };
  const ci = ciAnswers(env, (merged.type as CredentialType | undefined) ?? 'ci-registry-password');
  return {
    flags: {
      ...merged,
      type: ci.credentialType,
      registry: merged.registry ?? ci.registry,
      ...(merged.gitlab === undefined && ci.gitlab ? { gitlab: ci.gitlab } : {}),
      ...(merged.project === undefined && ci.project ? { project: ci.project } : {}),
      username: merged.username ?? ci.username,
    },
    token: cleanToken(ci.token, ci.tokenVariable),
  };
}
