// src/: the entry. launch.ts (the bundle's entry) turns on Node's compile cache and loads cli.ts: commander's
// definitions, each command loaded lazily; version.ts holds the version. Below: commands/, ui/, core/ (ARCHITECTURE.md).
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from './version.js';
import { debug, debugEnabled, debugWanted, enableDebug, redact } from './core/debug.js';

const TYPES = 'personal-access-token|deploy-token|project-access-token|group-access-token|job-token|ci-registry-password';

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

function common(cmd: Command): Command {
  return (
    cmd
      .option('--gitlab <url>', "GitLab instance, e.g. https://gitlab.example.com (default: the realm's host)")
      .option('--registry <host[:port]>', 'container registry, e.g. registry.gitlab.com (default: discovered from --gitlab)')
      .addOption(new Option('--type <type>', `credential type: ${TYPES}`))
      .addOption(new Option('--access <access>', 'pull, or push (push includes pull)').default(undefined, 'pull'))
      .option('--project <path>', 'GROUP[/SUB]/PROJECT[/IMAGE] whose access is checked (without it only the credential is)')
      .option(
        '-u, --username <name>',
        'username: optional for access tokens (GitLab ignores it); job-token: gitlab-ci-token; deploy-token: its own gitlab+deploy-token-N',
      )
      .option('--token-stdin', 'read the token from standard input (trailing newline trimmed)')
      .option('--password-stdin', "the same as --token-stdin (docker login's name for it)")
      // Refused before anything runs (see the preAction hook): a secret in argv is visible to every process.
      .addOption(new Option('-p, --password <value>').hideHelp())
      .option('--json', 'print one JSON object')
      .option(
        '--timeout <seconds>',
        'limit for the whole verification (every request and retry) and, separately, the engine login, in seconds (default 15)',
        undefined,
      )
      .option('--ca-file <path>', 'extra CA certificates (PEM) to trust, as NODE_EXTRA_CA_CERTS')
      .option('--trust-realm', 'send the token to a realm on another host than --gitlab')
  );
}

/** `renew`: rotate the stored token through GitLab and log in with its successor (commands/renew.ts). */
function renewCommand(program: Command, done: (code: number) => void): void {
  program
    .command('renew')
    .description('rotate the stored access token through GitLab (it needs the self_rotate or api scope) and log in with its successor')
    .option('--registry <host[:port]>', "the registry whose login is renewed (default: the one remembered for --gitlab's instance, else the last one)")
    .option('--days <n>', "the new token's lifetime in days, 1 to 365 (default: the old token's own lifetime)")
    .option('--token-stdin', 'rotate the token piped in on stdin instead of the one the engine holds')
    .option('--engine <engine>', 'docker, podman or auto', undefined)
    .option('--gitlab <url>', "GitLab instance (default: the realm's host)")
    .option('--json', 'print one JSON object (never a token)')
    .option('--timeout <seconds>', 'limit for each verification and for each engine command, in seconds (default 15)', undefined)
    .option('--ca-file <path>', 'extra CA certificates (PEM) to trust, as NODE_EXTRA_CA_CERTS')
    .addHelpText(
      'after',
      `
The old token stops working everywhere at once (CI/CD variables, other machines): give them the new one.
Nothing changes unless GitLab rotates: the scope and the engine's store are checked first. A rotation whose
answer is lost is never sent again (GitLab would revoke the whole chain of rotated tokens).

Exit codes: 0 renewed · 1 refused, nothing changed (no self_rotate/api scope, no stored login, the store would
            not take a new secret, GitLab refused), or rotated but not stored · 2 usage
            3 GitLab unreachable before rotating (nothing changed), or the rotation's answer was lost`,
    )
    .action(async (flags: Record<string, unknown>) => {
      const { runRenew } = await import('./commands/renew.js');
      const { processIO } = await import('./commands/io.js');
      done(await runRenew({ flags, io: processIO() }));
    });
}

/** docker's `login -p SECRET`: refused at once, nothing sent or stored, with what to do instead. */
function refuseArgvPassword(program: Command): void {
  program.hook('preAction', (_root, action) => {
    if (action.opts().password !== undefined) {
      throw Object.assign(
        new Error(
          'a password in the command line is visible to every process on this machine (ps, /proc) and stays in your shell history; nothing was sent or stored. Pipe it instead: printf %s "$TOKEN" | gitlab-registry-login login REGISTRY -u USER --password-stdin (in a terminal, leave it out to be asked for it)',
        ),
        { name: 'InputError', flag: '-p/--password' },
      );
    }
  });
}

/** verify and login: a credential checked, then (login) given to the engine. */
function credentialCommands(program: Command, done: (code: number) => void): void {
  const check = (mode: 'verify' | 'login') => async (registry: string | undefined, flags: Record<string, unknown>) => {
    const { runVerifyLogin } = await import('./commands/verifylogin.js');
    const { processIO } = await import('./commands/io.js');
    done((await runVerifyLogin({ mode, flags: { ...flags, ...(registry !== undefined ? { registryArgument: registry } : {}) }, io: processIO() })).exitCode);
  };

  common(program.command('verify'))
    .description('verify a credential against the registry (a push check records an empty repository entry on a new path)')
    .argument('[registry]', 'the registry, as docker login takes it (the same as --registry)')
    .option('--ci', 'in a GitLab CI/CD job: take registry, user, token, project and instance from its variables')
    .addOption(new Option('--engine <engine>').hideHelp())
    .addHelpText('after', AFTER)
    .action(check('verify'));
  common(program.command('login'))
    .description("verify, then docker/podman login with the token on stdin (docker's own syntax works: login [REGISTRY] -u USER --password-stdin)")
    .argument('[registry]', 'the registry, as docker login takes it (the same as --registry)')
    .option('--ci', 'in a GitLab CI/CD job: take registry, user, token, project and instance from its variables')
    .option('--engine <engine>', 'docker, podman or auto (docker if present)', undefined)
    .option(
      '--insecure-storage',
      'keep this registry\'s login in docker\'s config file (base64, not encrypted) instead of its credential helper: sets credHelpers["REGISTRY"] = "" after a backup; other logins and credsStore stay',
    )
    .addHelpText('after', AFTER)
    .action(check('login'));
}

/** logout, renew, status and snippet: the logins the engine holds, and CI snippets. */
function accountCommands(program: Command, done: (code: number) => void): void {
  program
    .command('logout')
    .description("run the engine's logout for the registry and say what was removed")
    .option('--registry <host[:port]>', 'the registry to log out of')
    .option('--engine <engine>', 'docker, podman or auto', undefined)
    .option('--json', 'print one JSON object')
    .action(async (flags: Record<string, unknown>) => {
      const { runLogout } = await import('./commands/logout.js');
      const { processIO } = await import('./commands/io.js');
      done(await runLogout({ flags, io: processIO() }));
    });
  renewCommand(program, done);
  program
    .command('status')
    .description('list every registry login docker/podman hold, and re-test each GitLab one (account, storage, expiry)')
    .option('--registry <host[:port]>', 'only this registry')
    .option('--engine <engine>', "docker, podman or auto (docker's config, and podman's auth file when podman is here)", undefined)
    .option('--json', 'print one JSON object')
    .option('--timeout <seconds>', "limit for each registry's re-test, in seconds (default 15); each credential helper gets 3 s", undefined)
    .option('--ca-file <path>', 'extra CA certificates (PEM) to trust, as NODE_EXTRA_CA_CERTS')
    .option('--trust-realm', 'send a stored token to a realm on another host than the remembered instance')
    .addHelpText('after', STATUS_AFTER)
    .action(async (flags: Record<string, unknown>) => {
      const { runStatusCommand } = await import('./commands/status.js');
      const { processIO } = await import('./commands/io.js');
      done(await runStatusCommand({ flags, io: processIO() }));
    });
  program
    .command('snippet')
    .description('print a ready .gitlab-ci.yml job that logs in with a CI/CD credential')
    .option('--type <type>', 'ci-registry-password, job-token or deploy-token')
    .option('--access <access>', 'pull, or push (push includes pull)')
    .action(async (flags: Record<string, unknown>) => {
      const { runSnippet } = await import('./commands/snippet.js');
      const { processIO } = await import('./commands/io.js');
      done(runSnippet({ flags, io: processIO() }));
    });
}

/** doctor, and the wizard (hidden: the default without a command). */
function guidedCommands(program: Command, done: (code: number) => void): void {
  common(program.command('doctor'))
    .description('check every link from docker to GitLab, or explain an error text')
    .option('--engine <engine>', 'docker, podman or auto', undefined)
    .option('--error <text>', 'explain a docker/podman error message (- reads it from stdin)')
    .addHelpText('after', '\nExit codes: 0 nothing failed (or the --error text was recognised) · 1 a check failed (or not recognised) · 2 usage')
    .action(async (flags: Record<string, unknown>) => {
      const { runDoctorCommand } = await import('./commands/doctor.js');
      const { processIO } = await import('./commands/io.js');
      done(await runDoctorCommand({ flags, io: processIO() }));
    });

  program.addHelpText('after', `\nRun without a command in a terminal for the guided wizard (flags as for login, plus --forget).\n${AFTER}`);
  common(program.command('wizard', { hidden: true }))
    .description('the guided wizard (the default in a terminal)')
    .option('--engine <engine>', 'docker, podman or auto')
    .option('--forget', 'forget the remembered answers first')
    .action(async (flags: Record<string, unknown>) => {
      const { runWizardCommand } = await import('./ui/command.js');
      done(await runWizardCommand(flags));
    });
}

async function main(argv: string[]): Promise<number> {
  if (debugWanted(argv, process.env)) {
    enableDebug();
    debug(`gitlab-registry-login ${VERSION}, Node ${process.version}, ${process.platform} ${process.arch}; arguments: ${argv.join(' ')}`);
  }
  const program = new Command('gitlab-registry-login')
    .description('Log in to a GitLab container registry: choose the credential, verify it against the registry, then docker/podman login.')
    .version(VERSION, '-v, --version')
    .option('--debug', 'print each request and engine command to stderr, secrets redacted (or GITLAB_REGISTRY_LOGIN_DEBUG=1)')
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'gitlab-registry-login: ')) });
  let code = 0;

  refuseArgvPassword(program);

  credentialCommands(program, (c) => (code = c));
  accountCommands(program, (c) => (code = c));
  guidedCommands(program, (c) => (code = c));

  // No command (or only options): the wizard. Anything else is a command, so a typo gets a suggestion. The
  // program's own --debug may come first (`--debug status`).
  const first = argv.find((a) => a !== '--debug');
  const wantsProgramFlag = first === '-h' || first === '--help' || first === '-v' || first === '--version';
  if (first === undefined || (first.startsWith('-') && !wantsProgramFlag)) argv = ['wizard', ...argv];

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    throw e;
  }
  return code;
}

// A closed pipe (`| head`) is not an error worth a stack trace; nor is a full disk (`> /dev/full`): one line, exit 70.
let outputFailed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (!outputFailed && stream === process.stdout) {
      outputFailed = true;
      try {
        process.stderr.write(`gitlab-registry-login: cannot write the output: ${e.code ?? e.message}\n`);
      } catch {
        /* stderr is gone too */
      }
    }
    process.exit(70);
  });
}
// Interrupted, hung up or quit: exit at once (128 + the signal's number); an engine still running is stopped with
// its process group by the exit hook (core/process.ts), so docker cannot finish a login after the tool is gone.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
process.once('SIGHUP', () => process.exit(129));
process.once('SIGQUIT', () => process.exit(131));

main(process.argv.slice(2)).then(
  (code) => {
    debug(`exit ${code}`);
    process.exitCode = code;
  },
  (e: unknown) => {
    const err = e as Error & { flag?: string };
    if (err?.name === 'InputError' || err?.name === 'HttpError') {
      process.stderr.write(`gitlab-registry-login: ${err.flag ? `${err.flag}: ` : ''}${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    // No stack trace unless --debug: it could carry request details; with --debug it is redacted like every line.
    process.stderr.write(`gitlab-registry-login: internal error: ${redact(err?.message ?? String(e))}\n`);
    if (debugEnabled()) process.stderr.write(`${redact(err?.stack ?? String(e))}\n`);
    debug('exit 70');
    process.exitCode = 70; // EXIT.internal (core/verdict.ts), not imported here: --version loads nothing it does not need
  },
);
