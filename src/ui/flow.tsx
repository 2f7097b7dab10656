// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/** The wizard's effects, one named hook each: discovery, verification, the engine login, the ending, the failure menu. */
import { useEffect, useRef, useState, type Dispatch, type RefObject } from 'react';
import {
  failureOf,
  renewOffered,
  wizardRequest,
  type AnswerKey,
  type FailureChoice,
  type WizardAction,
  type WizardAnswers,
  type WizardState,
} from '../core/wizard.js';
import { renewDoing, renewExitCode, renewToken } from '../core/renew.js';
import { prefixWarning, type CredentialType } from '../core/credentials.js';
import { parseGitlabUrl } from '../core/hosts.js';
import { findRegistry, noRegistryFound } from '../core/registry.js';
import { loginVerified, verifySession } from '../core/session.js';
import { answersToRemember, type LoginRequest, type Source } from '../core/request.js';
import type { RealmCache } from '../core/realmcache.js';
import type { EngineChoice } from '../core/engine.js';
import { isStoreFailure } from '../core/login.js';
import type { Runner } from '../core/process.js';
import type { HttpClient } from '../core/http.js';
import { remember, type AnswerStore } from '../core/remembered.js';
import { exitCodeFor, EXIT } from '../core/verdict.js';
import type { InstanceSource } from '../core/wizard.js';

export interface WizardDeps {
  http: HttpClient;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  store: AnswerStore;
  engine: EngineChoice;
  trustRealm: boolean;
  timeoutMs: number;
  links: boolean;
  firstRun: boolean;
  /** Where the answers given before the wizard came from (flags, team file, the realm…); the rest is typed. */
  sources?: Partial<Record<AnswerKey, Source>>;
  /** Remembered realms, shared with `verify` and `login`. */
  realmCache?: RealmCache;
  /** Opens a URL in the browser, when that can work here (not over SSH without a display). */
  open?: ((url: string) => void) | undefined;
  /** Runs doctor with the answers and the token in memory; resolves to its report (no secret in it). */
  troubleshoot?: ((request: LoginRequest, token: string) => Promise<string>) | undefined;
  /** Where the offered instance comes from, and the instances answered before. */
  instanceSource?: InstanceSource | undefined;
  rememberedInstances?: string[];
}

/** What the wizard hands back when it ends. */
export interface WizardExit {
  /** The person quit from the failure menu: nothing changed. */
  quit?: boolean;
}

/** What every effect works with: the state, its answers as used, the token in memory, and the ways out. */
export interface Flow {
  deps: WizardDeps;
  state: WizardState;
  /** `effective(state)`: the answers as they are used. */
  a: WizardAnswers;
  dispatch: Dispatch<WizardAction>;
  /** The token, in memory only; cleared once docker has it or the person leaves. */
  token: RefObject<string>;
  exit: (code: number, after?: WizardExit) => void;
  /** A bug in a core call: end with its error (the CLI reports it), never a spinner forever. */
  crash: (e: unknown) => void;
}

/** Registry discovery for the chosen instance; when nothing answers, what was tried and why it failed. */
export function useDiscovery({ deps, state, a, dispatch }: Flow) {
  const [discovering, setDiscovering] = useState(false);
  const [discoveryProblem, setDiscoveryProblem] = useState<string | undefined>();
  useEffect(() => {
    if (state.step !== 'registry' || !a.gitlab || state.defaults.registry) return;
    let live = true;
    setDiscovering(true);
    setDiscoveryProblem(undefined);
    const gitlab = parseGitlabUrl(a.gitlab);
    findRegistry(deps.http, gitlab)
      .then((d) => {
        if (!live) return;
        if (d.found) return dispatch({ type: 'default', key: 'registry', value: d.found.registry });
        setDiscoveryProblem(`${noRegistryFound(gitlab, d)} Type it as shown on a project's Deploy > Container registry page.`);
      })
      .catch(() => undefined)
      .finally(() => live && setDiscovering(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- discovery runs when the registry step is reached for an instance, not on every render's new deps object
  }, [state.step, a.gitlab]);
  return { discovering, discoveryProblem };
}

/** Verification, then (when it passed) the answers remembered: the same core call as `verify`. */
export function useVerification({ deps, state, a, dispatch, token, crash }: Flow) {
  useEffect(() => {
    if (state.step !== 'verifying') return;
    let live = true;
    verifySession(
      { request: wizardRequest(state, a, deps.sources), token: token.current, trustRealm: deps.trustRealm },
      {
        http: deps.http,
        env: deps.env,
        ...(deps.realmCache ? { realmCache: deps.realmCache } : {}),
        onProgress: (p) => live && p.kind === 'step' && dispatch({ type: 'check', step: p.step }),
      },
    )
      .then(async (outcome) => {
        if (!live) return;
        // The wizard always has a registry (asked, or given), so there is always a verification.
        if (outcome.kind !== 'verified') throw new Error('wizard: no registry to verify against');
        const result = outcome.verify;
        // Only what the person answered (or flags gave) is remembered, never what a choice implies (a job token's
        // username, the realm's instance: computed when read); an access token's username is not asked (GitLab ignores it).
        const problem = result.ok ? await remember(deps.store, answersToRemember(wizardRequest(state, state.answers, deps.sources))) : undefined;
        dispatch({ type: 'verified', result, ...(problem ? { rememberProblem: problem } : {}) });
      })
      .catch(crash);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one verification per entry into the step; the answers and deps are fixed by then
  }, [state.step]);
}

/** The engine login after a verification that passed: the same core call as `login`. Returns the helper's wait line. */
export function useEngineLogin({ deps, state, a, dispatch, token, crash }: Flow): string | undefined {
  // "waiting for docker-credential-NAME …", when a credential helper keeps the engine login waiting.
  const [waitLine, setWaitLine] = useState<string>();
  useEffect(() => {
    if (state.step !== 'logging-in') return;
    setWaitLine(undefined);
    loginVerified({ request: wizardRequest(state, a, deps.sources), token: token.current, trustRealm: deps.trustRealm }, state.verify!, {
      env: deps.env,
      runner: deps.runner,
      engine: deps.engine,
      timeoutMs: deps.timeoutMs,
      // A person is here: a credential helper may be waiting for a keyring unlock.
      interactive: true,
      onWait: setWaitLine,
      ...(state.insecureStorage ? { insecureStorage: true } : {}),
    })
      // The token stays in memory until the wizard ends (exits() clears it): the done screen may renew it.
      .then(({ login: result }) => dispatch({ type: 'logged-in', result }))
      .catch(crash);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one engine login per entry into the step
  }, [state.step]);
  return waitLine;
}

/**
 * Done or quit: leave the screen in the scrollback and exit by itself; a done screen that offers renewal waits for
 * the person (r, or Enter), and exits once a renewal has its result, with renew's exit code.
 */
export function useEnding({ state, exit }: Flow) {
  const renewed = typeof state.renewal === 'object' ? state.renewal : undefined;
  useEffect(() => {
    if (state.step === 'done' && !renewOffered(state)) setTimeout(() => exit(EXIT.ok), 0);
    if (state.step === 'done' && renewed) setTimeout(() => exit(renewExitCode(renewed.verdict)), 0);
    if (state.step === 'closed') setTimeout(() => exit(exitCodeFor(failureOf(state)?.verdict ?? 'invalid-credentials'), { quit: true }), 0);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- exits once, when the done step (or a renewal's result) is reached
  }, [state.step, renewed]);
}

/** renew's last resort in the wizard: the successor, held here only while it is offered or shown. */
export interface SuccessorOffer {
  /** The successor while it is shown (renewal 'showing'), else undefined; never stored in the state. */
  shown: () => string | undefined;
  /** y: show it once. */
  show: () => void;
  /** n, Esc or Enter at the question (false); Enter once it was shown (true): off the screen, and renew goes on. */
  answer: (shown: boolean) => void;
  /** Ctrl-C while it is shown: off the screen first, then exit 130 (true); otherwise false, nothing done. */
  interrupt: () => boolean;
}

/**
 * "Renew it now", confirmed: the same core call as `gitlab-registry-login renew` (core/renew.ts renewToken), with the
 * token just verified and logged in (still in memory only, as `--token-stdin` gives it). Returns what it is doing,
 * and renew's last resort (every store failed after the rotation): the successor offered, shown once when asked.
 */
export function useRenewal({ deps, state, a, dispatch, token, exit, crash }: Flow): { doing: string | undefined; offer: SuccessorOffer } {
  const [doing, setDoing] = useState<string>();
  const held = useRef<{ successor: string; resolve: (shown: boolean) => void }>(undefined);
  // Ctrl-C while the successor is shown: the wizard exits once a frame without it is committed.
  const quitting = useRef(false);
  useEffect(() => {
    if (quitting.current && state.renewal !== 'showing') exit(EXIT.interrupted);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once the successor has left the screen
  }, [state.renewal]);
  const inProgress = state.renewal === 'running' || state.renewal === 'offering' || state.renewal === 'showing';
  useEffect(() => {
    if (!inProgress) return;
    renewToken(
      { request: wizardRequest(state, a, deps.sources), token: token.current, trustRealm: deps.trustRealm },
      {
        http: deps.http,
        env: deps.env,
        ...(deps.realmCache ? { realmCache: deps.realmCache } : {}),
        runner: deps.runner,
        engine: deps.engine,
        timeoutMs: deps.timeoutMs,
        interactive: true,
        onWait: setDoing,
        ...(state.insecureStorage ? { insecureStorage: true } : {}),
        // The token was handed over from the wizard, not read.
        onProgress: (p) => p.kind !== 'read' && setDoing(`${renewDoing(p)}…`),
        offerSuccessor: (successor) =>
          new Promise<boolean>((resolve) => {
            held.current = { successor, resolve };
            dispatch({ type: 'successor', step: 'offer' });
          }),
      },
    )
      .then((result) => {
        token.current = '';
        dispatch({ type: 'renewed', result });
      })
      .catch(crash);
    // The successor is forgotten when the wizard ends, whatever the question's state.
    return () => {
      held.current = undefined;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one renewal per confirmation (its last resort included)
  }, [inProgress]);
  const offer: SuccessorOffer = {
    shown: () => (state.renewal === 'showing' ? held.current?.successor : undefined),
    show: () => dispatch({ type: 'successor', step: 'show' }),
    answer: (shown) => {
      const h = held.current;
      held.current = undefined;
      dispatch({ type: 'successor', step: 'done' });
      h?.resolve(shown);
    },
    interrupt: () => {
      if (state.renewal !== 'showing') return false;
      quitting.current = true;
      held.current = undefined;
      dispatch({ type: 'successor', step: 'done' });
      return true;
    },
  };
  return { doing, offer };
}

/**
 * The failure menu's choices carried out. doctor's reports and the helper fix are printed once above the wizard
 * (Ink's Static), as tall as they need, kept in the scrollback; `doctor` is '' while doctor runs.
 */
export function useFailureMenu({ deps, state, a, dispatch, token }: Flow) {
  const [doctor, setDoctor] = useState<string | undefined>();
  const [reports, setReports] = useState<string[]>([]);
  const choose = (c: FailureChoice) => {
    if (c.action === 'quit') return dispatch({ type: 'quit' });
    if (c.action === 'helper-fix') return setReports((r) => [...r, helperFixText(state.login)]);
    if (c.action === 'troubleshoot') {
      if (!deps.troubleshoot) return;
      setDoctor('');
      const done = (text: string) => {
        setDoctor(undefined);
        setReports((r) => [...r, text]);
      };
      deps
        .troubleshoot(wizardRequest(state, a, deps.sources), token.current)
        .then(done, (e: unknown) => done(`Troubleshooting failed: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    if (c.action.type === 'amend' && c.action.key === 'credentialType') {
      const w = prefixWarning(c.action.value as CredentialType, token.current);
      return dispatch({ ...c.action, ...(w ? { prefixWarning: w } : {}) });
    }
    if (c.action.type === 'retry' && (c.action.to === 'token' || c.action.to === 'type')) token.current = '';
    dispatch(c.action);
  };
  // A new verification clears doctor's spinner (a report still running lands in the scrollback when done).
  useEffect(() => {
    if (state.step === 'verifying') setDoctor(undefined);
  }, [state.step]);
  return { doctor, reports, choose };
}

/** "Show me how to fix the helper": the helper, the setting that names it, its own words and the fix, as text. */
function helperFixText(login: WizardState['login']): string {
  if (!isStoreFailure(login)) return '';
  const st = login.store;
  const who = st.helper ? `docker-credential-${st.helper} (${st.setBy} in ${st.file})` : st.file;
  return [
    `How to fix ${who}:`,
    ...(st.said ? [`  It said: ${st.said}`] : []),
    `  ${st.advice}`,
    `  Check it with: ${st.helper ? `docker-credential-${st.helper} list` : `cat ${st.file}`}`,
  ].join('\n');
}

/** The exits every step shares, around Ink's app: `exit` with a code, `crash` with a bug's error. */
export function exits(onExit: (code: number, after?: WizardExit) => void, app: { exit: (e?: Error) => void }, token: RefObject<string>) {
  return {
    exit: (code: number, after?: WizardExit) => {
      token.current = '';
      onExit(code, after);
      app.exit();
    },
    crash: (e: unknown) => {
      token.current = '';
      onExit(EXIT.internal);
      app.exit(e instanceof Error ? e : new Error(String(e)));
    },
  };
}
