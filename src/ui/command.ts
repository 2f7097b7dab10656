// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import { flagAnswers, httpOptions, runOptions, teamAnswers, teamFileNotice, type RunOptions } from '../commands/request.js';
import type { WizardFlags } from '../commands/options.js';
import { loadTeamFile } from '../core/teamfile.js';
import { createHttpClient, type HttpClient } from '../core/http.js';
import { spawnRunner, stopChildren, type Runner } from '../core/process.js';
import { decideRealm, fetchChallenge, type RegistryChallenge } from '../core/registry.js';
import { forgetAll, openConfStore, rememberedInstances, rememberedLayer, type AnswerStore } from '../core/remembered.js';
import { fileRealmCache, type RealmCache } from '../core/realmcache.js';
import { originRemote } from '../core/gitremote.js';
import { parseRegistry } from '../core/hosts.js';
import { InputError } from '../core/errors.js';
import { resolveRequest, sourcesOf, type Layers, type LoginRequest } from '../core/request.js';
import type { Result } from '../core/verdict.js';
import { wizardInit, type InstanceSource, type WizardAnswers, type WizardInit } from '../core/wizard.js';
import { EXIT } from '../core/verdict.js';
import { colourWanted } from '../core/colour.js';

import { canPrompt } from '../commands/prompt.js';
export { canPrompt };

/**
 * The wizard's request: flags, then the team file (never asked); the instance the registry's realm names when only a
 * registry was given (never asked); then the remembered answers that apply (core/remembered.ts `rememberedLayer`) and
 * the git remote (offered). Also what the remembered answers imply, computed when read from the realm cache (their
 * instance or registry), to be offered too.
 */
function initialRequest(
  given: Layers,
  challenge: Result<RegistryChallenge> | undefined,
  store: AnswerStore,
  cwd: string,
  realms: RealmCache | undefined,
): { request: LoginRequest; implied: WizardAnswers } {
  const layers: Layers = { ...given, 'git-remote': originRemote(cwd) };
  // Only a realm that passes realm safety names an instance (verify refuses any other before a token is asked for).
  const realm = challenge?.ok ? decideRealm(challenge.value.realm, undefined, false) : undefined;
  if (realm?.ok) layers.realm = { gitlab: realm.value.gitlab };
  return rememberedLayer(store, layers, realms);
}

/** What the wizard touches of the outside world; `processWizardContext()` gives the real one, tests their own. */
export interface WizardContext {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The remembered answers (default: the conf file). */
  store: () => Promise<AnswerStore>;
  http: (o: { timeoutMs: number; caFile?: string; env: NodeJS.ProcessEnv }) => HttpClient;
  runner: Runner;
  realmCache: RealmCache;
}

export function processWizardContext(): WizardContext {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    env: process.env,
    cwd: process.cwd(),
    store: () => openConfStore(),
    http: createHttpClient,
    runner: spawnRunner,
    realmCache: fileRealmCache(process.env),
  };
}

/**
 * Load the wizard's UI modules with Ink's environment workarounds, and undo them once loaded:
 * - Ink decides once, when it loads, whether it is in CI (and then draws nothing until exit); chalk takes the mere
 *   presence of CI as "no colours". A person at a real terminal inside a CI job must still see the wizard: both
 *   are removed (not set to "false") while the UI loads.
 * - The one colour rule (core/colour.ts): chalk honours FORCE_COLOR itself, but not NO_COLOR or TERM=dumb.
 * - Yoga's loader asks `typeof fetch`, and merely reading Node's lazy fetch getter loads undici (~20 ms) for a wasm
 *   binary that is embedded anyway: fetch is hidden while the UI loads, then the property is put back untouched.
 */
export function loadInkUi(env: NodeJS.ProcessEnv) {
  const saved = { CI: env.CI, CONTINUOUS_INTEGRATION: env.CONTINUOUS_INTEGRATION, FORCE_COLOR: env.FORCE_COLOR };
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  if (!colourWanted(env, true)) env.FORCE_COLOR = '0';
  const fetchProperty = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (fetchProperty?.configurable) Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  return Promise.all([import('./App.js'), import('./Link.js'), import('./Verbatim.js'), import('./open.js')]).finally(() => {
    if (fetchProperty?.configurable) Object.defineProperty(globalThis, 'fetch', fetchProperty);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  });
}

/** Everything the wizard starts from, before anything is drawn. */
export interface WizardSetup {
  request: LoginRequest;
  options: RunOptions;
  http: HttpClient;
  store: AnswerStore;
  firstRun: boolean;
  init: WizardInit;
  /** The instances answers are remembered for, the last used first (listed under "Which GitLab?"). */
  rememberedInstances: string[];
  /** Where the instance offered comes from (the git remote, or the answers of last time, its own or implied). */
  instanceSource: InstanceSource | undefined;
}

/**
 * The wizard's request and first state: flags and the team file (never asked), the realm's instance when only a
 * registry was given (never asked), remembered answers and the git remote (offered); `--forget` first.
 */
export async function wizardSetup(
  flags: WizardFlags,
  ctx: Pick<WizardContext, 'env' | 'cwd' | 'store' | 'http'> & Partial<Pick<WizardContext, 'realmCache'>>,
): Promise<WizardSetup> {
  const given: Layers = { 'team-file': teamAnswers(loadTeamFile(ctx.cwd)), flag: flagAnswers(flags) };
  const options = runOptions(flags);
  const pre = resolveRequest(given);
  const http = ctx.http(httpOptions(options, ctx.env));
  const [store, challenge] = await Promise.all([
    ctx.store(),
    // --registry without --gitlab: the instance is the realm's host, as in `verify`; not asked.
    pre.registry && !pre.gitlab ? fetchChallenge(http, parseRegistry(pre.registry.value)) : Promise.resolve(undefined),
  ]);
  const forgetProblem = flags.forget ? await forgetAll(store) : undefined;
  if (forgetProblem) {
    http.close();
    throw new InputError(forgetProblem);
  }
  const firstRun = store.load() === undefined;
  const { request, implied } = initialRequest(given, challenge, store, ctx.cwd, ctx.realmCache);
  const { instanceSource, ...init } = wizardInit(request, implied, ctx.env.GITLAB_CI === 'true');
  return { request, options, http, store, firstRun, init, rememberedInstances: rememberedInstances(store, ctx.realmCache), instanceSource };
}

export type { WizardFlags };

export async function runWizardCommand(flags: WizardFlags, ctx: WizardContext = processWizardContext()): Promise<number> {
  const { env } = ctx;
  // Flags and the team file are checked first: a bad one is a usage error even without a terminal.
  const team = loadTeamFile(ctx.cwd);
  flagAnswers(flags);
  runOptions(flags);
  if (!canPrompt(ctx.stdin, ctx.stdout)) {
    throw new InputError(
      'no terminal for the wizard: run `gitlab-registry-login login --registry HOST --type TYPE [--username NAME] [--project PATH] --token-stdin` (see --help)',
    );
  }
  // The team file is named (with the instance and registry it sets) before anything is asked, as the commands do,
  // so a planted file cannot send the token elsewhere unseen.
  const notice = teamFileNotice(team);
  if (notice) ctx.stdout.write(`${notice}\n`);
  // The UI loads at once, alongside the store and the registry's challenge.
  const ui = loadInkUi(env);
  const { request, options, http, store, firstRun, init, rememberedInstances, instanceSource } = await wizardSetup(flags, ctx);
  const [{ renderWizard }, { linksSupported }, { joinStream }, { browserOpener }] = await ui;
  const out = joinStream(ctx.stdout);
  const sources = sourcesOf(request);

  let code: number = EXIT.ok;
  const instanceOf = renderWizard(
    {
      deps: {
        http,
        runner: ctx.runner,
        env,
        store,
        realmCache: ctx.realmCache,
        engine: options.engine,
        trustRealm: options.trustRealm,
        timeoutMs: options.timeoutMs,
        links: linksSupported(env),
        firstRun,
        sources,
        open: browserOpener(env),
        rememberedInstances,
        instanceSource,
        // Troubleshoot: doctor with the answers and the token in memory; its report comes back to the menu.
        troubleshoot: async (request: LoginRequest, token: string) => {
          const [{ runDoctorCommand }, { captureIO }] = await Promise.all([import('../commands/doctor.js'), import('./capture.js')]);
          const io = captureIO(env);
          await runDoctorCommand({
            flags: { ...flags, json: false },
            request: { request, options: { ...options, json: false } },
            io,
            token,
          });
          return io.text();
        },
      },
      init,
      onExit: (c: number) => {
        code = c;
      },
    },
    { exitOnCtrlC: false, stdout: out.stream, stdin: ctx.stdin },
  );
  await instanceOf.waitUntilExit();
  // A last frame as tall as the terminal ends without a line break: the shell prompt must not be glued to it.
  if (!out.endsWithNewline()) ctx.stdout.write('\n');
  if (code === EXIT.interrupted) stopChildren();
  http.close();
  return code;
}
