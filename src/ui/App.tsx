// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import React, { useEffect, useReducer, useRef, useState } from 'react';
import { Box, Static, Text, render, useApp, useStdout, type RenderOptions } from 'ink';
import { KeysProvider, useKeys } from './keys.js';
import {
  effective,
  failureChoices,
  initialState,
  reducer,
  typeOfPrefix,
  type AnswerKey,
  type FailureChoice,
  type WizardAnswers,
  type WizardInit,
  type WizardState,
} from '../core/wizard.js';
import { prefixWarning, type CredentialType } from '../core/credentials.js';
import { cleanToken } from '../core/secret.js';
import { InputError } from '../core/errors.js';
import { parseGitlabUrl, parseRegistry } from '../core/hosts.js';
import { discoverRegistry, fetchChallenge } from '../core/registry.js';
import { loginVerified, verifySession } from '../core/session.js';
import { requestFrom, type Source } from '../core/request.js';
import type { RealmCache } from '../core/realmcache.js';
import { resolveEngine, type EngineChoice, type EngineLoginResult } from '../core/engine.js';
import { isStoreFailure } from '../core/login.js';
import type { Runner } from '../core/process.js';
import type { HttpClient } from '../core/http.js';
import { remember, type AnswerStore } from '../core/store.js';
import { exitCodeFor, EXIT } from '../core/verdict.js';
import { tokenPage } from '../core/links.js';
import * as S from './steps.js';
import { Para } from './Para.js';

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
  troubleshoot?: ((answers: WizardAnswers, token: string) => Promise<string>) | undefined;
  /** Where the offered instance comes from, and the instances answered before. */
  instanceSource?: S.InstanceSource | undefined;
  rememberedInstances?: string[];
}

/** Mount the wizard in the terminal. */
export function renderWizard(props: { deps: WizardDeps; init: WizardInit; onExit: (code: number, after?: WizardExit) => void }, options: RenderOptions) {
  return render(<App {...props} />, options);
}

/** What the wizard hands back when it ends. */
export interface WizardExit {
  /** The person quit from the failure menu: nothing changed. */
  quit?: boolean;
}

/** The wizard: one key listener for all steps (see keys.tsx), then the flow. */
export function App(props: { deps: WizardDeps; init: WizardInit; onExit: (code: number, after?: WizardExit) => void }) {
  return (
    <KeysProvider>
      <Wizard {...props} />
    </KeysProvider>
  );
}

/** The key-hint footer, the same on every screen that asks. */
function footer(state: WizardState, canOpen: boolean): string | undefined {
  const back = state.history.length > 0 ? ' · Esc: back' : '';
  switch (state.step) {
    case 'confirm':
      return `Enter: yes, ask for the token · e: change the answers${back} · Ctrl-C: quit`;
    case 'type':
    case 'access':
      return `Enter: choose${back} · Ctrl-C: quit`;
    // A list, or the URL typed after "Self-managed GitLab…".
    case 'gitlab':
    case 'registry':
    case 'project':
    case 'username':
      return `Enter: continue${back} · Ctrl-C: quit`;
    case 'token':
      return `Enter: check the token${canOpen ? ' (empty: open the page)' : ''}${back} · Ctrl-C: quit`;
    case 'ci-only':
      return 'Enter or q: close · Esc: choose another credential · Ctrl-C: quit';
    case 'result':
      return 'Enter: choose · Ctrl-C: quit';
    default:
      return undefined;
  }
}

function Wizard({ deps, init, onExit }: { deps: WizardDeps; init: WizardInit; onExit: (code: number, after?: WizardExit) => void }) {
  const [state, dispatch] = useReducer(reducer, init, initialState);
  const [discovering, setDiscovering] = useState(false);
  const [discoveryProblem, setDiscoveryProblem] = useState<string | undefined>();
  const [doctor, setDoctor] = useState<string | undefined>();
  // doctor's reports: printed once above the wizard (Ink's Static), as tall as they need, kept in the scrollback.
  const [reports, setReports] = useState<string[]>([]);
  // "waiting for docker-credential-NAME …", when a credential helper keeps the engine login waiting.
  const [waitLine, setWaitLine] = useState<string>();
  const token = useRef('');
  const app = useApp();
  const { stdout } = useStdout();
  const a = effective(state);
  const failure = state.login && state.login.verdict !== 'ok' ? state.login : state.verify && !state.verify.ok ? state.verify : undefined;

  const exit = (code: number, after?: WizardExit) => {
    onExit(code, after);
    app.exit();
  };
  // A bug in a core call must end the wizard with its error (the CLI reports it), not leave a spinner forever.
  const crash = (e: unknown) => {
    token.current = '';
    onExit(EXIT.internal);
    app.exit(e instanceof Error ? e : new Error(String(e)));
  };

  useKeys((input, key) => {
    if (key.ctrl && input === 'c') exit(EXIT.interrupted);
    else if (key.escape) dispatch({ type: 'back' });
  });

  // Registry discovery for the chosen instance; when nothing answers, say what was tried and why it failed.
  useEffect(() => {
    if (state.step !== 'registry' || !a.gitlab || state.defaults.registry) return;
    let live = true;
    setDiscovering(true);
    setDiscoveryProblem(undefined);
    const gitlab = parseGitlabUrl(a.gitlab);
    discoverRegistry(deps.http, gitlab)
      .then(async (found) => {
        if (!live) return;
        if (found) return dispatch({ type: 'default', key: 'registry', value: found.registry });
        const host = gitlab.hostname.toLowerCase();
        const tried = `registry.${host}`;
        const why = await fetchChallenge(deps.http, parseRegistry(tried)).catch(() => undefined);
        const reason = why && 'verdict' in why ? why.message.replace(/\.$/, '') : `${tried} does not send logins to ${gitlab.host}`;
        if (live)
          setDiscoveryProblem(
            `No registry found for ${gitlab.host} (tried registry.${host} and ${host}:5050): ${reason}. Type it as shown on a project's Deploy > Container registry page.`,
          );
      })
      .catch(() => undefined)
      .finally(() => live && setDiscovering(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- discovery runs when the registry step is reached for an instance, not on every render's new deps object
  }, [state.step, a.gitlab]);

  // Verification, then the engine login: the same core calls as `verify` and `login`.
  useEffect(() => {
    if (state.step !== 'verifying') return;
    let live = true;
    setDoctor(undefined);
    verifySession(
      { request: requestFrom(a, deps.sources), token: token.current, trustRealm: deps.trustRealm },
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
        const problem = result.ok
          ? await remember(deps.store, {
              gitlab: a.gitlab!,
              registry: a.registry!,
              credentialType: a.credentialType!,
              access: a.access!,
              // An access token's username is not asked (GitLab ignores it): nothing to remember.
              ...(a.username !== undefined ? { username: a.username } : {}),
              project: a.project ?? '',
            })
          : undefined;
        dispatch({ type: 'verified', result, ...(problem ? { rememberProblem: problem } : {}) });
      })
      .catch(crash);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one verification per entry into the step; the answers and deps are fixed by then
  }, [state.step]);

  useEffect(() => {
    if (state.step !== 'logging-in') return;
    setWaitLine(undefined);
    loginVerified({ request: requestFrom(a, deps.sources), token: token.current, trustRealm: deps.trustRealm }, state.verify!, {
      env: deps.env,
      runner: deps.runner,
      engine: deps.engine,
      timeoutMs: deps.timeoutMs,
      // A person is here: a credential helper may be waiting for a keyring unlock.
      interactive: true,
      onWait: setWaitLine,
      ...(state.insecureStorage ? { insecureStorage: true } : {}),
    })
      .then(({ login: result }) => {
        if (result.verdict === 'ok') token.current = '';
        dispatch({ type: 'logged-in', result });
      })
      .catch(crash);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one engine login per entry into the step
  }, [state.step]);

  // Done or quit: leave the screen in the scrollback and exit by itself.
  useEffect(() => {
    if (state.step === 'done') setTimeout(() => exit(EXIT.ok), 0);
    if (state.step === 'closed') {
      token.current = '';
      setTimeout(() => exit(exitCodeFor(failure?.verdict ?? 'invalid-credentials'), { quit: true }), 0);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- exits once, when the done step is reached
  }, [state.step]);

  const page = a.gitlab && a.credentialType && a.access ? tokenPage(a.gitlab, a.credentialType, a.access, a.project || undefined) : undefined;
  const canOpen = Boolean(page && deps.open);

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
      deps.troubleshoot(a, token.current).then(done, (e: unknown) => done(`Troubleshooting failed: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    if (c.action.type === 'amend' && c.action.key === 'credentialType') {
      const w = prefixWarning(c.action.value as CredentialType, token.current);
      return dispatch({ ...c.action, ...(w ? { prefixWarning: w } : {}) });
    }
    if (c.action.type === 'retry' && (c.action.to === 'token' || c.action.to === 'type')) token.current = '';
    dispatch(c.action);
  };

  let body: React.ReactNode = null;
  switch (state.step) {
    case 'confirm':
      body = (
        <S.ConfirmStep answers={{ ...state.defaults, ...a }} onContinue={() => dispatch({ type: 'continue' })} onEdit={() => dispatch({ type: 'edit' })} />
      );
      break;
    case 'gitlab':
      body = (
        <S.GitlabStep
          defaultValue={state.defaults.gitlab}
          source={deps.instanceSource}
          remembered={deps.rememberedInstances ?? []}
          onAnswer={(v, project) => {
            if (project && !state.fixed.includes('project')) dispatch({ type: 'default', key: 'project', value: project });
            dispatch({ type: 'answer', key: 'gitlab', value: v });
          }}
        />
      );
      break;
    case 'registry':
      body = (
        <S.RegistryStep
          defaultValue={state.defaults.registry}
          discovering={discovering}
          discoveryProblem={discoveryProblem}
          probe={async (registry) => {
            const c = await fetchChallenge(deps.http, parseRegistry(registry)).catch((e: unknown) => ({
              verdict: 'unreachable',
              message: e instanceof Error ? e.message : String(e),
              fix: '',
            }));
            return 'verdict' in c ? `${c.message}${c.fix ? ` ${c.fix}` : ''}` : undefined;
          }}
          onAnswer={(v, project) => {
            if (project && !state.fixed.includes('project')) dispatch({ type: 'default', key: 'project', value: project });
            dispatch({ type: 'answer', key: 'registry', value: v });
          }}
        />
      );
      break;
    case 'type':
      body = <S.TypeStep defaultValue={state.defaults.credentialType} onAnswer={(v) => dispatch({ type: 'answer', key: 'credentialType', value: v })} />;
      break;
    case 'ci-only':
      body = <S.CiOnlyStep type={a.credentialType!} onClose={() => exit(EXIT.ok)} />;
      break;
    case 'access':
      body = <S.AccessStep defaultValue={state.defaults.access} onAnswer={(v) => dispatch({ type: 'answer', key: 'access', value: v })} />;
      break;
    case 'username':
      body = (
        <S.UsernameStep
          type={a.credentialType!}
          defaultValue={state.defaults.username}
          onAnswer={(v) => dispatch({ type: 'answer', key: 'username', value: v })}
        />
      );
      break;
    case 'project':
      body = (
        <S.ProjectStep
          defaultValue={state.defaults.project}
          required={a.access === 'push'}
          onAnswer={(v) => dispatch({ type: 'answer', key: 'project', value: v })}
        />
      );
      break;
    case 'token':
      body = (
        <S.TokenStep
          type={a.credentialType!}
          page={page}
          open={deps.open}
          onToken={(raw) => {
            try {
              token.current = cleanToken(raw, 'the token');
            } catch (e) {
              if (e instanceof InputError) return; // the input shows why (validate below)
              throw e;
            }
            const w = prefixWarning(a.credentialType!, token.current);
            const looksLike = typeOfPrefix(token.current);
            dispatch({ type: 'token', ...(w ? { prefixWarning: w } : {}), ...(looksLike ? { looksLike } : {}) });
          }}
        >
          <S.Needs gitlab={a.gitlab!} type={a.credentialType!} access={a.access!} project={a.project} links={deps.links} canOpen={canOpen} />
        </S.TokenStep>
      );
      break;
    case 'verifying':
    case 'logging-in':
    case 'result':
    case 'done':
      body = (
        <>
          <S.Checklist checks={state.checks} running={state.step === 'verifying'} warning={state.prefixWarning} />
          {state.step === 'logging-in' ? <S.LoggingIn engine={engineLabel(deps.engine, deps.env)} waiting={waitLine} /> : null}
          {state.step === 'result' && failure ? (
            <S.FailureStep
              failure={failure}
              choices={failureChoices(state).filter((c) => c.action !== 'troubleshoot' || deps.troubleshoot)}
              page={failure.verdict === 'insufficient-access' || failure.verdict === 'no-registry-scope' ? page : undefined}
              links={deps.links}
              doctor={doctor}
              onChoose={choose}
            />
          ) : null}
          {state.step === 'done' && state.verify && state.login ? (
            <S.DoneStep
              verify={state.verify}
              login={state.login as EngineLoginResult}
              registry={a.registry!}
              project={a.project}
              rememberProblem={state.rememberProblem}
              links={deps.links}
            />
          ) : null}
        </>
      );
      break;
    case 'closed':
      body = <Para>Not logged in; docker&apos;s config is unchanged.</Para>;
      break;
  }

  const hint = footer(state, canOpen);
  // A short terminal keeps the question on screen: no welcome there.
  const tall = !stdout.rows || stdout.rows >= 20;
  return (
    <Box flexDirection="column">
      <Static items={reports}>
        {(text, i) => (
          <Box key={i} flexDirection="column">
            <Text bold>{'\n'}Troubleshooting: every link from docker to GitLab</Text>
            <S.DoctorReport text={text} />
          </Box>
        )}
      </Static>
      {deps.firstRun && state.history.length === 0 && tall ? <S.Welcome /> : null}
      {body}
      {hint ? <Para dimColor>{hint}</Para> : null}
    </Box>
  );
}

/** The engine `auto` will run, for the spinner (the same choice loginAfterVerify makes). */
function engineLabel(choice: EngineChoice, env: NodeJS.ProcessEnv): string {
  const e = resolveEngine(choice, env);
  return 'verdict' in e ? (choice === 'auto' ? 'the engine' : choice) : e.engine;
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
