// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/** What each step shows, wired to the state machine: the questions, the token screen, and the checks with their outcome. */
import type React from 'react';
import { failureChoices, failureOf, offersRenewal, renewOffered, typeOfPrefix, type AnswerKey, type FailureChoice } from '../core/wizard.js';
import { useKeys } from './keys.js';
import { prefixWarning } from '../core/credentials.js';
import { cleanToken } from '../core/secret.js';
import { InputError } from '../core/errors.js';
import { parseRegistry } from '../core/hosts.js';
import { fetchChallenge } from '../core/registry.js';
import { resolveEngine, type EngineChoice, type EngineLoginResult } from '../core/engine.js';
import { EXIT, failure, verdict } from '../core/verdict.js';
import type { Flow, SuccessorOffer } from './flow.js';
import * as S from './steps.js';
import { Para } from './Para.js';
import { RenewPanel } from './Renew.js';

/** The screen for a question: each answer dispatched; a project found in a pasted URL offered as the default. */
export function Question({ flow, discovery }: { flow: Flow; discovery: { discovering: boolean; discoveryProblem: string | undefined } }) {
  const { deps, state, a, dispatch, exit } = flow;
  const answer = (key: AnswerKey) => (value: string) => dispatch({ type: 'answer', key, value });
  const withProject = (key: AnswerKey) => (value: string, project?: string) => {
    if (project && !state.fixed.includes('project')) dispatch({ type: 'default', key: 'project', value: project });
    answer(key)(value);
  };
  switch (state.step) {
    case 'confirm':
      return (
        <S.ConfirmStep answers={{ ...state.defaults, ...a }} onContinue={() => dispatch({ type: 'continue' })} onEdit={() => dispatch({ type: 'edit' })} />
      );
    case 'gitlab':
      return (
        <S.GitlabStep
          defaultValue={state.defaults.gitlab}
          source={deps.instanceSource}
          remembered={deps.rememberedInstances ?? []}
          onAnswer={withProject('gitlab')}
        />
      );
    case 'registry':
      return <S.RegistryStep defaultValue={state.defaults.registry} {...discovery} probe={(r) => probeRegistry(flow, r)} onAnswer={withProject('registry')} />;
    case 'type':
      return <S.TypeStep defaultValue={state.defaults.credentialType} onAnswer={answer('credentialType')} />;
    case 'ci-only':
      return <S.CiOnlyStep type={a.credentialType!} onClose={() => exit(EXIT.ok)} />;
    case 'access':
      return <S.AccessStep defaultValue={state.defaults.access} onAnswer={answer('access')} />;
    case 'username':
      return <S.UsernameStep type={a.credentialType!} defaultValue={state.defaults.username} onAnswer={answer('username')} />;
    case 'project':
      // Push can only be proved on a path: with push the project is required.
      return <S.ProjectStep defaultValue={state.defaults.project} required={a.access === 'push'} onAnswer={answer('project')} />;
    default:
      return null;
  }
}

/** A typed registry asked anonymously for its `/v2/` challenge: undefined when it answers as a registry, else why not. */
async function probeRegistry({ deps }: Flow, registry: string): Promise<string | undefined> {
  const c = await fetchChallenge(deps.http, parseRegistry(registry)).catch((e: unknown) =>
    failure(verdict('unreachable', e instanceof Error ? e.message : String(e))),
  );
  return c.ok ? undefined : `${c.verdict.message}${c.verdict.fix ? ` ${c.verdict.fix}` : ''}`;
}

/** What the credential needs, where to create it, and the masked prompt; the token is kept in memory only. */
export function TokenScreen({ flow, page, canOpen }: { flow: Flow; page: string | undefined; canOpen: boolean }) {
  const { deps, state, a, dispatch, token } = flow;
  // Tab turns the renewal offer on or off (the token input ignores Tab).
  useKeys((_input, key) => {
    if (key.tab) dispatch({ type: 'renewable' });
  });
  const onToken = (raw: string) => {
    try {
      token.current = cleanToken(raw, 'the token');
    } catch (e) {
      if (e instanceof InputError) return; // the input shows why (validate below)
      throw e;
    }
    const w = prefixWarning(a.credentialType!, token.current);
    const looksLike = typeOfPrefix(token.current);
    dispatch({ type: 'token', ...(w ? { prefixWarning: w } : {}), ...(looksLike ? { looksLike } : {}) });
  };
  return (
    <S.TokenStep type={a.credentialType!} page={page} open={deps.open} onToken={onToken}>
      <S.Needs
        gitlab={a.gitlab!}
        type={a.credentialType!}
        access={a.access!}
        project={a.project}
        links={deps.links}
        canOpen={canOpen}
        renewable={offersRenewal(a) ? Boolean(state.renewable) : undefined}
      />
    </S.TokenStep>
  );
}

/** The live checklist, then the engine login, the failure menu or the done screen. */
export function Outcome(props: {
  flow: Flow;
  page: string | undefined;
  waitLine: string | undefined;
  doctor: string | undefined;
  onChoose: (c: FailureChoice) => void;
  /** What a renewal is doing, while it runs. */
  renewing: string | undefined;
  /** renew's last resort: the successor offered, shown once when asked. */
  successor: SuccessorOffer;
}): React.ReactNode {
  const { flow, page, waitLine, doctor, onChoose, renewing, successor } = props;
  const { deps, state, a, dispatch, exit } = flow;
  const failure = failureOf(state);
  return (
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
          onChoose={onChoose}
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
      {renewOffered(state) ? (
        <RenewPanel
          renewal={state.renewal}
          doing={renewing}
          successor={successor.shown()}
          links={deps.links}
          keys={{
            onAsk: () => dispatch({ type: 'renew-ask' }),
            onConfirm: () => dispatch({ type: 'renew-confirm' }),
            onDecline: () => dispatch({ type: 'renew-decline' }),
            onFinish: () => exit(EXIT.ok),
            onShow: successor.show,
            onShown: successor.answer,
          }}
        />
      ) : null}
    </>
  );
}

/** The closing line after Quit from the failure menu. */
export function Closed() {
  return <Para>Not logged in; docker&apos;s config is unchanged.</Para>;
}

/** The engine `auto` will run, for the spinner (the same choice loginAfterVerify makes). */
function engineLabel(choice: EngineChoice, env: NodeJS.ProcessEnv): string {
  const e = resolveEngine(choice, env);
  return e.ok ? e.value.engine : choice === 'auto' ? 'the engine' : choice;
}
