import React, { useEffect, useReducer, useRef, useState } from 'react';
import { Box, Text, render, useApp, type RenderOptions } from 'ink';
import { KeysProvider, useKeys } from './keys.js';
import { initialState, reducer, type AnswerKey, type WizardAnswers, type WizardInit } from '../core/wizard.js';
import { prefixWarning, type Access, type CredentialType } from '../core/credentials.js';
import { cleanToken } from '../core/secret.js';
import { InputError } from '../core/errors.js';
import { parseGitlabUrl } from '../core/hosts.js';
import { discoverRegistry } from '../core/registry.js';
import { loginVerified, verifySession } from '../core/session.js';
import { requestFrom, type Source } from '../core/request.js';
import type { RealmCache } from '../core/realmcache.js';
import { resolveEngine, type EngineChoice, type EngineLoginResult } from '../core/engine.js';
import type { Runner } from '../core/process.js';
import type { HttpClient } from '../core/http.js';
import { remember, type AnswerStore } from '../core/store.js';
import { exitCodeFor, EXIT } from '../core/verdict.js';
import * as S from './steps.js';

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
}

/** Mount the wizard in the terminal. */
export function renderWizard(props: { deps: WizardDeps; init: WizardInit; onExit: (code: number, after?: WizardExit) => void }, options: RenderOptions) {
  return render(<App {...props} />, options);
}

/** What the wizard hands back when it ends: troubleshooting runs `doctor` after Ink is gone. */
export interface WizardExit {
  troubleshoot?: { answers: WizardAnswers; token: string };
}

/** The wizard: one key listener for all steps (see keys.tsx), then the flow. */
export function App(props: { deps: WizardDeps; init: WizardInit; onExit: (code: number, after?: WizardExit) => void }) {
  return (
    <KeysProvider>
      <Wizard {...props} />
    </KeysProvider>
  );
}

function Wizard({ deps, init, onExit }: { deps: WizardDeps; init: WizardInit; onExit: (code: number, after?: WizardExit) => void }) {
  const [state, dispatch] = useReducer(reducer, init, initialState);
  const [discovering, setDiscovering] = useState(false);
  const token = useRef('');
  const app = useApp();
  const a = state.answers;

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

  // Registry discovery for the chosen instance.
  useEffect(() => {
    if (state.step !== 'registry' || !a.gitlab || state.defaults.registry) return;
    let live = true;
    setDiscovering(true);
    discoverRegistry(deps.http, parseGitlabUrl(a.gitlab))
      .then((found) => live && found && dispatch({ type: 'default', key: 'registry', value: found.registry }))
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
    verifySession(
      { request: requestFrom(a, deps.sources), token: token.current, trustRealm: deps.trustRealm },
      { http: deps.http, env: deps.env, ...(deps.realmCache ? { realmCache: deps.realmCache } : {}), onProgress: (p) => live && p.kind === 'step' && dispatch({ type: 'check', step: p.step }) },
    )
      .then(async (outcome) => {
        if (!live) return;
        // The wizard always has a registry (asked, or given), so there is always a verification.
        if (outcome.kind !== 'verified') throw new Error('wizard: no registry to verify against');
        const result = outcome.verify;
        const problem = result.ok ? await remember(deps.store, { gitlab: a.gitlab!, registry: a.registry!, credentialType: a.credentialType!, access: a.access!, username: a.username!, project: a.project ?? '' }) : undefined;
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
    loginVerified({ request: requestFrom(a, deps.sources), token: token.current, trustRealm: deps.trustRealm }, state.verify!, { env: deps.env, runner: deps.runner, engine: deps.engine, timeoutMs: deps.timeoutMs })
      .then(({ login: result }) => {
        token.current = '';
        dispatch({ type: 'logged-in', result });
      })
      .catch(crash);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one engine login per entry into the step
  }, [state.step]);

  // Done: leave the screen in the scrollback and exit by itself.
  useEffect(() => {
    if (state.step === 'done') setTimeout(() => exit(EXIT.ok), 0);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- exits once, when the done step is reached
  }, [state.step]);

  const failure = state.login && state.login.verdict !== 'ok' ? state.login : state.verify && !state.verify.ok ? state.verify : undefined;

  let body: React.ReactNode = null;
  switch (state.step) {
    case 'confirm':
      body = <S.ConfirmStep answers={{ ...state.defaults, ...a }} onContinue={() => dispatch({ type: 'continue' })} onEdit={() => dispatch({ type: 'edit' })} />;
      break;
    case 'gitlab':
      body = <S.GitlabStep defaultValue={state.defaults.gitlab} onAnswer={(v) => dispatch({ type: 'answer', key: 'gitlab', value: v })} />;
      break;
    case 'registry':
      body = <S.RegistryStep defaultValue={state.defaults.registry} discovering={discovering} onAnswer={(v) => dispatch({ type: 'answer', key: 'registry', value: v })} />;
      break;
    case 'type':
      body = <S.TypeStep defaultValue={state.defaults.credentialType} onAnswer={(v) => dispatch({ type: 'answer', key: 'credentialType', value: v })} />;
      break;
    case 'ci-only':
      body = <S.CiOnlyStep type={a.credentialType!} />;
      break;
    case 'access':
      body = <S.AccessStep defaultValue={state.defaults.access} onAnswer={(v) => dispatch({ type: 'answer', key: 'access', value: v })} />;
      break;
    case 'needs':
      body = <S.NeedsStep gitlab={a.gitlab!} type={a.credentialType as CredentialType} access={a.access as Access} project={a.project ?? state.defaults.project} links={deps.links} onContinue={() => dispatch({ type: 'continue' })} />;
      break;
    case 'username':
      body = <S.UsernameStep type={a.credentialType!} defaultValue={state.defaults.username} onAnswer={(v) => dispatch({ type: 'answer', key: 'username', value: v })} />;
      break;
    case 'project':
      body = <S.ProjectStep defaultValue={state.defaults.project} onAnswer={(v) => dispatch({ type: 'answer', key: 'project', value: v })} />;
      break;
    case 'token':
      body = (
        <S.TokenStep
          type={a.credentialType!}
          onToken={(raw) => {
            try {
              token.current = cleanToken(raw, 'the token');
            } catch (e) {
              if (e instanceof InputError) return; // the input shows why (validate below)
              throw e;
            }
            const w = prefixWarning(a.credentialType!, token.current);
            dispatch({ type: 'token', ...(w ? { prefixWarning: w } : {}) });
          }}
        />
      );
      break;
    case 'verifying':
    case 'logging-in':
    case 'result':
    case 'done':
      body = (
        <>
          <S.Checklist checks={state.checks} running={state.step === 'verifying'} warning={state.prefixWarning} />
          {state.step === 'logging-in' ? <S.LoggingIn engine={engineLabel(deps.engine, deps.env)} /> : null}
          {state.step === 'result' && failure ? (
            <S.FailureStep
              failure={failure}
              onChoose={(c) => {
                if (c === 'token' || c === 'type') dispatch({ type: 'retry', to: c });
                // The token stays in memory: doctor checks it without asking again.
                else if (c === 'troubleshoot') exit(exitCodeFor(failure.verdict), { troubleshoot: { answers: a, token: token.current } });
                else exit(exitCodeFor(failure.verdict));
              }}
            />
          ) : null}
          {state.step === 'done' && state.verify && state.login ? <S.DoneStep verify={state.verify} login={state.login as EngineLoginResult} registry={a.registry!} project={a.project} rememberProblem={state.rememberProblem} /> : null}
        </>
      );
      break;
  }

  return (
    <Box flexDirection="column">
      {deps.firstRun && state.history.length === 0 ? <S.Welcome /> : null}
      {body}
      {['gitlab', 'registry', 'type', 'access', 'username', 'project', 'token'].includes(state.step) && state.history.length > 0 ? <Text dimColor>Esc: back · Ctrl-C: quit</Text> : null}
    </Box>
  );
}

/** The engine `auto` will run, for the spinner (the same choice loginAfterVerify makes). */
function engineLabel(choice: EngineChoice, env: NodeJS.ProcessEnv): string {
  const e = resolveEngine(choice, env);
  return 'verdict' in e ? (choice === 'auto' ? 'the engine' : choice) : e.engine;
}
