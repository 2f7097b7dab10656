import { answersFromFlags, httpOptions, withTeamFile, type CommonFlags } from '../commands/request.js';
import { loadTeamFile } from '../core/teamfile.js';
import { createHttpClient } from '../core/http.js';
import { spawnRunner, stopChildren } from '../core/process.js';
import { fetchChallenge } from '../core/registry.js';
import { forgetAll, openConfStore } from '../core/store.js';
import { originRemote } from '../core/gitremote.js';
import { gitlabBase } from '../core/hosts.js';
import { InputError } from '../core/errors.js';
import type { WizardAnswers } from '../core/wizard.js';
import { EXIT } from '../core/verdict.js';
import { colourWanted } from '../core/colour.js';

/** The one decision whether a person can be asked: both ends are terminals. */
export function canPrompt(stdin: { isTTY?: boolean }, stdout: { isTTY?: boolean }): boolean {
  return stdin.isTTY === true && stdout.isTTY === true;
}

export async function runWizardCommand(rawFlags: Record<string, unknown>): Promise<number> {
  // The team's .gitlab-registry-login.json answers what it can; flags win over it. Those are not asked.
  const flags = withTeamFile(rawFlags as CommonFlags, loadTeamFile(process.cwd())) as CommonFlags & { forget?: boolean };
  const answers = answersFromFlags(flags);
  const env = process.env;
  if (!canPrompt(process.stdin, process.stdout)) {
    throw new InputError('no terminal for the wizard: run `gitlab-registry-login login --registry HOST --type TYPE [--username NAME] [--project PATH] --token-stdin` (see --help)');
  }
  // Ink decides once, when it loads, whether it is in CI (and then draws nothing until exit); chalk takes the
  // mere presence of CI as "no colours". A person at a real terminal inside a CI job must still see the
  // wizard: both are removed (not set to "false") while the UI loads, which starts at once, alongside the
  // store and the registry's challenge.
  const saved = { CI: env.CI, CONTINUOUS_INTEGRATION: env.CONTINUOUS_INTEGRATION, FORCE_COLOR: env.FORCE_COLOR };
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  // The one colour rule (core/colour.ts): chalk honours FORCE_COLOR itself, but not NO_COLOR or TERM=dumb.
  if (!colourWanted(env, true)) env.FORCE_COLOR = '0';
  // Yoga's loader asks `typeof fetch`, and merely reading Node's lazy fetch getter loads undici (~20 ms) for a
  // wasm binary that is embedded anyway: hide fetch while the UI loads, then put the property back untouched.
  const fetchProperty = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (fetchProperty?.configurable) Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  const ui = Promise.all([import('./App.js'), import('./Link.js'), import('./Verbatim.js'), import('./open.js')]).finally(() => {
    if (fetchProperty?.configurable) Object.defineProperty(globalThis, 'fetch', fetchProperty);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  });
  const http = createHttpClient(httpOptions(answers, env));
  const [store, challenge] = await Promise.all([
    openConfStore(),
    // --registry without --gitlab: the instance is the realm's host, as in `verify`; not asked.
    answers.registry && !answers.gitlab ? fetchChallenge(http, answers.registry) : Promise.resolve(undefined),
  ]);
  const forgetProblem = flags.forget ? await forgetAll(store) : undefined;
  if (forgetProblem) {
    http.close();
    throw new InputError(forgetProblem);
  }

  const fixed: WizardAnswers = {};
  if (answers.gitlab) fixed.gitlab = gitlabBase(answers.gitlab);
  if (answers.registry) fixed.registry = answers.registry.registry;
  if (answers.credentialType) fixed.credentialType = answers.credentialType;
  if (flags.access) fixed.access = answers.access;
  if (flags.username !== undefined) fixed.username = answers.username;
  if (answers.project) fixed.project = answers.project;
  let gitlabFromRealm = false;
  if (challenge && !('verdict' in challenge)) {
    fixed.gitlab = new URL(challenge.realm).origin;
    gitlabFromRealm = true;
  }

  const remote = originRemote(process.cwd());
  const firstRun = store.load() === undefined;
  const instance = fixed.gitlab ?? remote?.gitlab ?? store.load()?.gitlab;
  const remembered = instance ? store.load(instance) : undefined;
  const defaults: WizardAnswers = { ...(remembered ?? {}) };
  if (instance) defaults.gitlab = instance;
  if (remote && remote.gitlab === instance && !defaults.project) defaults.project = remote.project;
  const offerConfirm =
    remembered !== undefined &&
    remembered.registry !== undefined &&
    remembered.credentialType !== undefined &&
    remembered.access !== undefined &&
    remembered.username !== undefined &&
    remembered.project !== undefined &&
    Object.keys(fixed).length < 6;

  const [{ renderWizard }, { linksSupported }, { joinStream }, { browserOpener }] = await ui;
  const out = joinStream(process.stdout);

  let code: number = EXIT.ok;
  const instanceOf = renderWizard(
    {
      deps: {
        http,
        runner: spawnRunner,
        env,
        store,
        engine: answers.engine,
        trustRealm: answers.trustRealm,
        timeoutMs: answers.timeoutMs,
        links: linksSupported(env),
        firstRun,
        gitlabFromRealm,
        open: browserOpener(env),
        instanceSource: fixed.gitlab ? 'flag' : remote?.gitlab && remote.gitlab === instance ? 'git remote' : instance ? 'last time' : undefined,
        // Troubleshoot: doctor with the answers and the token in memory; its report comes back to the menu.
        troubleshoot: async (t: WizardAnswers, token: string) => {
          const [{ runDoctorCommand }, { captureIO }] = await Promise.all([import('../commands/doctor.js'), import('./capture.js')]);
          const io = captureIO(env);
          await runDoctorCommand({
            flags: {
              ...flags,
              ...(gitlabFromRealm ? {} : { gitlab: t.gitlab }),
              registry: t.registry,
              type: t.credentialType,
              username: t.username,
              access: t.access,
              ...(t.project ? { project: t.project } : {}),
              json: false,
            },
            io,
            token,
          });
          return io.text();
        },
      },
      init: { fixed, defaults, inCi: env.GITLAB_CI === 'true', offerConfirm },
      onExit: (c: number) => {
        code = c;
      },
    },
    { exitOnCtrlC: false, stdout: out.stream },
  );
  await instanceOf.waitUntilExit();
  // A last frame as tall as the terminal ends without a line break: the shell prompt must not be glued to it.
  if (!out.endsWithNewline()) process.stdout.write('\n');
  if (code === EXIT.interrupted) stopChildren();
  http.close();
  return code;
}
