// src/: the entry. launch.ts (the bundle's entry) turns on Node's compile cache and loads cli.ts, which runs program.ts
// (commander's definitions), each command loaded lazily; version.ts holds the version. Below: commands/, ui/, core/ (ARCHITECTURE.md).
/**
 * commander's definitions: the commands, their help and exit codes; their flags, with choices and parsers, are in
 * commands/options.ts. `runCli` parses argv with them and runs what a `Handlers` gives for the command (src/cli.ts
 * gives the real ones; tests give recorders), so argv → typed flags is tested in-process.
 */
import { Command, CommanderError, Help } from 'commander';
import { VERSION } from './version.js';
import { debug, debugEnabled, debugWanted, enableDebug, redact } from './core/debug.js';
import {
  addOptions,
  DOCTOR_OPTIONS,
  flagsOf,
  LOGIN_OPTIONS,
  LOGOUT_OPTIONS,
  RENEW_OPTIONS,
  SNIPPET_OPTIONS,
  STATUS_OPTIONS,
  VERIFY_OPTIONS,
  WIZARD_OPTIONS,
  type DoctorFlags,
  type FlagsOf,
  type LoginFlags,
  type LogoutFlags,
  type RenewFlags,
  type SnippetFlags,
  type Specs,
  type StatusFlags,
  type VerifyFlags,
  type WizardFlags,
} from './commands/options.js';

/** What each command runs, given its flags as commander parsed and typed them; the exit code back. */
export interface Handlers {
  verify(flags: VerifyFlags): Promise<number>;
  login(flags: LoginFlags): Promise<number>;
  logout(flags: LogoutFlags): Promise<number>;
  renew(flags: RenewFlags): Promise<number>;
  status(flags: StatusFlags): Promise<number>;
  snippet(flags: SnippetFlags): Promise<number>;
  doctor(flags: DoctorFlags): Promise<number>;
  wizard(flags: WizardFlags): Promise<number>;
}

/** Where commander writes help, the version and its own errors. */
export interface Output {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const AFTER = `
Verdicts (--json "verdict"):
  ok                       verified (and logged in, for login)
  invalid-credentials      GitLab rejected the username/token (401)
  no-registry-scope        valid credential without read_registry/write_registry (403)
  insufficient-access      valid, but GitLab did not grant pull/push on --project
  registry-disabled        the container registry is not enabled on the instance (404)
  storage-limit            push refused: the namespace storage limit is reached (pull works)
  ip-blocked               GitLab bans this IP for now after failed logins; the credential was not checked
  gitlab-refused           another 403 from GitLab: its text is shown, no fix is guessed
  untrusted-realm          the registry sends logins to another host or over plain HTTP
  registry-rejected-token  GitLab issued a token the registry refuses (server-side fault)
  unreachable              registry or GitLab unreachable or timed out
  tls-error                certificate not trusted / TLS failed
  not-a-registry           the host does not answer like a GitLab registry
  login-failed             docker/podman login failed after verification passed
  store-failed             docker's credential helper (or its config) would not take the login; docker
                           did not run and its config is unchanged (see --insecure-storage)
  engine-missing           neither docker nor podman found

In a GitLab CI/CD job, --ci reads CI_REGISTRY, CI_REGISTRY_USER/CI_REGISTRY_PASSWORD (default),
CI_JOB_TOKEN (--type job-token) or CI_DEPLOY_USER/CI_DEPLOY_PASSWORD (--type deploy-token),
CI_PROJECT_PATH and CI_SERVER_URL. A .gitlab-registry-login.json at the repository root answers
instance, registry, project, type and access; flags win over it.

Exit codes: 0 ok · 1 rejected, short of access, untrusted realm, engine login failed
            2 usage or bad input · 3 unreachable, TLS failure, not a registry, IP banned for now
            (3: the credential was never judged)
            130 interrupted (Ctrl-C) · 143 terminated · 129 hung up · 131 quit · 70 internal error (a bug: please report it)

Not free of side effects: push is checked only on the exact --project path, because asking
GitLab for push on a path that has no images yet creates an empty repository entry there (and an
audit event on GitLab EE), as a first push would.`;

const STATUS_AFTER = `
Each stored login whose registry answers like GitLab (its /v2/ challenge names GITLAB/jwt/auth) is re-tested:
pull on the project remembered for that registry, else the credential alone. Other registries are listed
as "not checked". No secret is printed.

Exit codes: 0 every checked login works (or none is stored) · 1 a login failed, its store cannot be read,
            or --registry names a registry with no stored login · 2 usage`;

const RENEW_AFTER = `
The old token stops working everywhere at once (CI/CD variables, other machines): give them the new one.
Nothing changes unless GitLab rotates: the scope and the engine's store are checked first. A rotation whose
answer is lost is never sent again (GitLab would revoke the whole chain of rotated tokens).

Exit codes: 0 renewed · 1 refused, nothing changed (no self_rotate/api scope, no stored login, the store would
            not take a new secret, GitLab refused), or rotated but not stored · 2 usage
            3 GitLab unreachable before rotating (nothing changed), or the rotation's answer was lost`;

/** Each command's options, made when first needed (see withFlags). */
const optionsOf = new WeakMap<Command, () => void>();
const needOptions = (cmd: Command) => optionsOf.get(cmd)?.();

/**
 * `cmd` with a table's flags; its action gets them typed, and the command's operands. The options are made when
 * first needed, when the command runs or its help is shown (buildProgram's hooks): --version, and every other
 * command, build none of them.
 */
function withFlags<S extends Specs>(cmd: Command, specs: S, run: (flags: FlagsOf<S>, operands: string[]) => Promise<number>, done: (code: number) => void) {
  optionsOf.set(cmd, () => {
    optionsOf.delete(cmd);
    addOptions(cmd, specs);
  });
  return cmd.action(async () => done(await run(flagsOf(cmd, specs), cmd.args)));
}

/** docker login's positional registry, beside the flags (it must agree with --registry when both are given). */
const withRegistry = <F>(flags: F, [registry]: string[]) => (registry !== undefined ? { ...flags, registryArgument: registry } : flags);

/** verify and login: a credential checked, then (login) given to the engine. */
function credentialCommands(program: Command, run: Handlers, done: (code: number) => void): void {
  const verify = program
    .command('verify')
    .description('verify a credential against the registry (a push check records an empty repository entry on a new path)')
    .argument('[registry]', 'the registry, as docker login takes it (the same as --registry)');
  withFlags(verify, VERIFY_OPTIONS, (flags, operands) => run.verify(withRegistry(flags, operands)), done).addHelpText('after', AFTER);
  const login = program
    .command('login')
    .description("verify, then docker/podman login with the token on stdin (docker's own syntax works: login [REGISTRY] -u USER --password-stdin)")
    .argument('[registry]', 'the registry, as docker login takes it (the same as --registry)');
  withFlags(login, LOGIN_OPTIONS, (flags, operands) => run.login(withRegistry(flags, operands)), done).addHelpText('after', AFTER);
}

/** logout, renew, status and snippet: the logins the engine holds, and CI snippets. */
function accountCommands(program: Command, run: Handlers, done: (code: number) => void): void {
  const logout = program.command('logout').description("run the engine's logout for the registry and say what was removed");
  withFlags(logout, LOGOUT_OPTIONS, (flags) => run.logout(flags), done);
  const renew = program
    .command('renew')
    .description('rotate the stored access token through GitLab (it needs the self_rotate or api scope) and log in with its successor');
  withFlags(renew, RENEW_OPTIONS, (flags) => run.renew(flags), done).addHelpText('after', RENEW_AFTER);
  const status = program.command('status').description('list every registry login docker/podman hold, and re-test each GitLab one (account, storage, expiry)');
  withFlags(status, STATUS_OPTIONS, (flags) => run.status(flags), done).addHelpText('after', STATUS_AFTER);
  const snippet = program.command('snippet').description('print a ready .gitlab-ci.yml job that logs in with a CI/CD credential');
  withFlags(snippet, SNIPPET_OPTIONS, (flags) => run.snippet(flags), done);
}

/** doctor, and the wizard (hidden: the default without a command). */
function guidedCommands(program: Command, run: Handlers, done: (code: number) => void): void {
  const doctor = program.command('doctor').description('check every link from docker to GitLab, or explain an error text');
  withFlags(doctor, DOCTOR_OPTIONS, (flags) => run.doctor(flags), done).addHelpText(
    'after',
    '\nExit codes: 0 nothing failed (or the --error text was recognised) · 1 a check failed (or not recognised) · 2 usage',
  );
  program.addHelpText('after', `\nRun without a command in a terminal for the guided wizard (flags as for login, plus --forget).\n${AFTER}`);
  const wizard = program.command('wizard', { hidden: true }).description('the guided wizard (the default in a terminal)');
  withFlags(wizard, WIZARD_OPTIONS, (flags) => run.wizard(flags), done);
}

/** The program: every command, its flags checked as they are parsed (a bad value: InputError, exit 2). */
function buildProgram(run: Handlers, out: Output, done: (code: number) => void): Command {
  const program = new Command('gitlab-registry-login')
    .description('Log in to a GitLab container registry: choose the credential, verify it against the registry, then docker/podman login.')
    .version(VERSION, '-v, --version')
    .option('--debug', 'print each request and engine command to stderr, secrets redacted (or GITLAB_REGISTRY_LOGIN_DEBUG=1)')
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .configureOutput({
      writeOut: (s) => out.stdout.write(s),
      writeErr: (s) => out.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'gitlab-registry-login: ')),
    })
    // A command's options are made before it parses its arguments, or a help lists them (`help verify` too) or
    // shows that it takes some (the command list's `verify [options] [registry]`).
    .hook('preSubcommand', (_program, command) => needOptions(command))
    .configureHelp({
      visibleOptions(cmd) {
        needOptions(cmd);
        return Help.prototype.visibleOptions.call(this, cmd);
      },
      subcommandTerm(cmd) {
        needOptions(cmd);
        return Help.prototype.subcommandTerm.call(this, cmd);
      },
    });
  credentialCommands(program, run, done);
  accountCommands(program, run, done);
  guidedCommands(program, run, done);
  return program;
}

/**
 * Parse `argv`, run the command, and say how it ended: its exit code; 0 for --help and --version; 2 for a usage
 * error (commander's, or an InputError from a flag's parser or a command, told in one line); 70 for a bug.
 */
export async function runCli(argv: string[], run: Handlers, out: Output): Promise<number> {
  if (debugWanted(argv, process.env)) {
    enableDebug();
    debug(`gitlab-registry-login ${VERSION}, Node ${process.version}, ${process.platform} ${process.arch}; arguments: ${argv.join(' ')}`);
  }
  let code = 0;
  // No command (or only options): the wizard. Anything else is a command, so a typo gets a suggestion. The
  // program's own --debug may come first (`--debug status`).
  const first = argv.find((a) => a !== '--debug');
  const wantsProgramFlag = first === '-h' || first === '--help' || first === '-v' || first === '--version';
  if (first === undefined || (first.startsWith('-') && !wantsProgramFlag)) argv = ['wizard', ...argv];
  try {
    await buildProgram(run, out, (c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    return failure(e, out);
  }
}

function failure(e: unknown, out: Output): number {
  if (e instanceof CommanderError) {
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
  }
  const err = e as Error & { flag?: string };
  if (err?.name === 'InputError' || err?.name === 'HttpError') {
    out.stderr.write(`gitlab-registry-login: ${err.flag ? `${err.flag}: ` : ''}${err.message}\n`);
    return 2;
  }
  // No stack trace unless --debug: it could carry request details; with --debug it is redacted like every line.
  out.stderr.write(`gitlab-registry-login: internal error: ${redact(err?.message ?? String(e))}\n`);
  if (debugEnabled()) out.stderr.write(`${redact(err?.stack ?? String(e))}\n`);
  return 70; // EXIT.internal (core/verdict.ts), not imported here: --version loads nothing it does not need
}
