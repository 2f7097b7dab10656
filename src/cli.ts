// src/: the entry. launch.ts (the bundle's entry) turns on Node's compile cache and loads cli.ts, which runs program.ts
// (commander's definitions), each command loaded lazily; version.ts holds the version. Below: commands/, ui/, core/ (ARCHITECTURE.md).
import { debug } from './core/debug.js';
import { runCli, type Handlers } from './program.js';

const io = async () => (await import('./commands/io.js')).processIO();

/** The real commands, each module loaded by import() when its command runs (scripts/loadcheck.mjs checks what they load). */
const verifyLogin =
  (mode: 'verify' | 'login'): Handlers['verify'] =>
  async (flags) =>
    (await (await import('./commands/verifylogin.js')).runVerifyLogin({ mode, flags, io: await io() })).exitCode;

const commands: Handlers = {
  verify: verifyLogin('verify'),
  login: verifyLogin('login'),
  logout: async (flags) => (await import('./commands/logout.js')).runLogout({ flags, io: await io() }),
  renew: async (flags) => (await import('./commands/renew.js')).runRenew({ flags, io: await io() }),
  status: async (flags) => (await import('./commands/status.js')).runStatusCommand({ flags, io: await io() }),
  snippet: async (flags) => (await import('./commands/snippet.js')).runSnippet({ flags, io: await io() }),
  doctor: async (flags) => (await import('./commands/doctor.js')).runDoctorCommand({ flags, io: await io() }),
  wizard: async (flags) => (await import('./ui/command.js')).runWizardCommand(flags),
};

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

void runCli(process.argv.slice(2), commands, process).then((code) => {
  debug(`exit ${code}`);
  process.exitCode = code;
});
