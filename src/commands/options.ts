// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
/**
 * Every command's flags: commander's definition, its choices or parser, and (in its type) the value the action
 * gets. A bad value is refused while commander parses, before any command loads, in one line naming the flag
 * (exit 2). src/program.ts adds these to its commands; the commands take `FlagsOf` their table. Loaded at start,
 * --version included: import nothing but the leaf core/choices.ts.
 */
import { Option, type Command } from 'commander';
import { ACCESS_LEVELS, CI_TYPES, CREDENTIAL_TYPES, ENGINE_CHOICES, MAX_RENEW_DAYS, pick } from '../core/choices.js';

/** Why `-p/--password VALUE` is refused, and what to do instead. */
const ARGV_PASSWORD =
  'a password in the command line is visible to every process on this machine (ps, /proc) and stays in your shell history; nothing was sent or stored. Pipe it instead: printf %s "$TOKEN" | gitlab-registry-login login REGISTRY -u USER --password-stdin (in a terminal, leave it out to be asked for it)';

/**
 * A bad flag, told as core's InputError is (its name and flag: src/program.ts prints one line, exit 2), without
 * loading errors.ts and sanitise.ts at start: the only outside text in it, a value from argv, is quoted in
 * printable ASCII.
 */
export function usageError(message: string, flag: string): Error {
  return Object.assign(new Error(message), { name: 'InputError', flag });
}
const shown = (value: string) => value.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');

/** One option: how to make its commander Option, and (its type only) the value the action gets. */
export interface Spec<V> {
  make(): Option;
  /** Never set: carries the parsed value's type. */
  readonly value?: V;
  /** The command does not run without it (flagsOf says what is missing). */
  readonly required?: true;
}
export type Specs = Record<string, Spec<unknown>>;

type ValueOf<T> = T extends Spec<infer V> ? V : never;
type RequiredKeys<S> = { [K in keyof S]: S[K] extends { required: true } ? K : never }[keyof S];
/** The flags a command's action gets, typed from its table: each one parsed and checked, absent unless required. */
export type FlagsOf<S extends Specs> = { [K in Exclude<keyof S, RequiredKeys<S>>]?: ValueOf<S[K]> } & { [K in RequiredKeys<S>]: ValueOf<S[K]> };

const spec = <V>(make: () => Option): Spec<V> => ({ make });
const text = (flags: string, description: string) => spec<string>(() => new Option(flags, description));
const flag = (flags: string, description: string) => spec<boolean>(() => new Option(flags, description));
const hidden = <V>(s: Spec<V>) => spec<V>(() => s.make().hideHelp());
const required = <V>(s: Spec<V>): Spec<V> & { required: true } => ({ ...s, required: true });
/** A value from a closed list: --help lists the choices; a bad one is refused in our words (not commander's, exit 1). */
function choice<T extends string>(flags: string, description: string, choices: readonly T[]): Spec<T> {
  return spec<T>(() => {
    const o = new Option(flags, description).choices(choices);
    return o.argParser(oneOf(o.long ?? flags, choices));
  });
}
const parsed = <V>(flags: string, description: string, parse: (value: string) => V) => spec<V>(() => new Option(flags, description).argParser(parse));

function oneOf<T extends string>(flag: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    const found = pick(allowed, value);
    if (found === undefined) throw usageError(`${flag} must be one of ${allowed.join(', ')} (got "${shown(value)}")`, flag);
    return found;
  };
}

/** `--timeout SECONDS`: more than 0, at most 600. */
function parseTimeout(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600) throw usageError('--timeout takes seconds, more than 0 and at most 600', '--timeout');
  return n;
}

/** `--days N`: whole days, 1 to 365 (GitLab's longest token lifetime). */
function parseDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_RENEW_DAYS)
    throw usageError(`--days takes whole days, 1 to ${MAX_RENEW_DAYS} (GitLab's longest token lifetime)`, '--days');
  return n;
}

/** Add a table's options to `cmd`. Each key must be the name commander stores its option under (checked here). */
export function addOptions(cmd: Command, specs: Specs): Command {
  for (const [key, s] of Object.entries(specs)) {
    const option = s.make();
    if (option.attributeName() !== key) throw new Error(`the option ${option.flags} is stored as ${option.attributeName()}, not ${key}`);
    cmd.addOption(option);
  }
  return cmd;
}

/** What commander parsed for `cmd`, typed by the table it was given (addOptions): only the table's keys. */
export function flagsOf<S extends Specs>(cmd: Command, specs: S): FlagsOf<S> {
  const values = cmd.opts();
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(specs)) {
    if (values[key] !== undefined) out[key] = values[key];
    else if (s.required) {
      const o = s.make();
      throw usageError(`missing ${o.long ?? o.flags} (${o.argChoices?.join('|') ?? o.flags})`, o.long ?? o.flags);
    }
  }
  // Sound by construction: each value is what that key's Spec parsed (its choices or parser).
  return out as FlagsOf<S>;
}

const engine = (description: string) => choice('--engine <engine>', description, ENGINE_CHOICES);
const json = flag('--json', 'print one JSON object');
const caFile = text('--ca-file <path>', 'extra CA certificates (PEM) to trust, as NODE_EXTRA_CA_CERTS');
const ci = flag('--ci', 'in a GitLab CI/CD job: take registry, user, token, project and instance from its variables');
const timeout = (description: string) => parsed('--timeout <seconds>', description, parseTimeout);

/** The flags verify, login, doctor and the wizard share. */
const COMMON = {
  gitlab: text('--gitlab <url>', "GitLab instance, e.g. https://gitlab.example.com (default: the realm's host)"),
  registry: text('--registry <host[:port]>', 'container registry, e.g. registry.gitlab.com (default: discovered from --gitlab)'),
  type: choice('--type <type>', 'credential type', CREDENTIAL_TYPES),
  access: choice('--access <access>', 'pull (the default), or push, which includes pull', ACCESS_LEVELS),
  project: text('--project <path>', 'GROUP[/SUB]/PROJECT[/IMAGE] whose access is checked (without it only the credential is)'),
  username: text(
    '-u, --username <name>',
    'username: optional for access tokens (GitLab ignores it); job-token: gitlab-ci-token; deploy-token: its own gitlab+deploy-token-N',
  ),
  tokenStdin: flag('--token-stdin', 'read the token from standard input (trailing newline trimmed)'),
  passwordStdin: flag('--password-stdin', "the same as --token-stdin (docker login's name for it)"),
  // Refused before anything runs (src/program.ts): a secret in argv is visible to every process.
  // docker's `login -p SECRET`: refused while the arguments are parsed; nothing is sent or stored.
  password: hidden(
    parsed('-p, --password <value>', '', (): never => {
      throw usageError(ARGV_PASSWORD, '-p/--password');
    }),
  ),
  json,
  timeout: timeout('limit for the whole verification (every request and retry) and, separately, the engine login, in seconds (default 15)'),
  caFile,
  trustRealm: flag('--trust-realm', 'send the token to a realm on another host than --gitlab'),
};

export const VERIFY_OPTIONS = { ...COMMON, ci, engine: hidden(engine('')) };
export const LOGIN_OPTIONS = {
  ...COMMON,
  ci,
  engine: engine('auto takes docker if present'),
  insecureStorage: flag(
    '--insecure-storage',
    'keep this registry\'s login in docker\'s config file (base64, not encrypted) instead of its credential helper: sets credHelpers["REGISTRY"] = "" after a backup; other logins and credsStore stay',
  ),
};
export const DOCTOR_OPTIONS = {
  ...COMMON,
  engine: engine('auto takes docker if present'),
  error: text('--error <text>', 'explain a docker/podman error message (- reads it from stdin)'),
};
export const WIZARD_OPTIONS = {
  ...COMMON,
  engine: engine('auto takes docker if present'),
  forget: flag('--forget', 'forget the remembered answers first'),
};
export const LOGOUT_OPTIONS = {
  registry: text('--registry <host[:port]>', 'the registry to log out of'),
  engine: engine('auto takes docker if present'),
  json,
};
export const RENEW_OPTIONS = {
  registry: text('--registry <host[:port]>', "the registry whose login is renewed (default: the one remembered for --gitlab's instance, else the last one)"),
  days: parsed('--days <n>', "the new token's lifetime in days, 1 to 365 (default: the old token's own lifetime)", parseDays),
  tokenStdin: flag('--token-stdin', 'rotate the token piped in on stdin instead of the one the engine holds'),
  engine: engine('auto takes docker if present'),
  gitlab: text('--gitlab <url>', "GitLab instance (default: the realm's host)"),
  json: flag('--json', 'print one JSON object (never a token)'),
  timeout: timeout('limit for each verification and for each engine command, in seconds (default 15)'),
  caFile,
};
export const STATUS_OPTIONS = {
  registry: text('--registry <host[:port]>', 'only this registry'),
  engine: engine("auto: docker's config, and podman's auth file when podman is here"),
  json,
  timeout: timeout("limit for each registry's re-test, in seconds (default 15); each credential helper gets 3 s"),
  caFile,
  trustRealm: flag('--trust-realm', 'send a stored token to a realm on another host than the remembered instance'),
};
export const SNIPPET_OPTIONS = {
  type: required(choice('--type <type>', 'the CI/CD credential', CI_TYPES)),
  access: choice('--access <access>', 'pull (the default), or push, which includes pull', ACCESS_LEVELS),
};

/** `verify` and `login [REGISTRY]`: docker's positional registry, which must agree with --registry when both are given. */
type Positional = { registryArgument?: string };
export type VerifyFlags = FlagsOf<typeof VERIFY_OPTIONS> & Positional;
export type LoginFlags = FlagsOf<typeof LOGIN_OPTIONS> & Positional;
/** Every flag of the credential commands; doctor, logout, renew and the wizard take a part of them. */
export type CommonFlags = LoginFlags;
export type DoctorFlags = FlagsOf<typeof DOCTOR_OPTIONS>;
export type WizardFlags = FlagsOf<typeof WIZARD_OPTIONS>;
export type LogoutFlags = FlagsOf<typeof LOGOUT_OPTIONS>;
export type RenewFlags = FlagsOf<typeof RENEW_OPTIONS>;
export type StatusFlags = FlagsOf<typeof STATUS_OPTIONS>;
export type SnippetFlags = FlagsOf<typeof SNIPPET_OPTIONS>;
