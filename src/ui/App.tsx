// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import { useReducer, useRef } from 'react';
import { Box, Static, Text, render, useApp, useStdout, type RenderOptions } from 'ink';
import { KeysProvider, useKeys } from './keys.js';
import { effective, initialState, offersRenewal, reducer, renewOffered, type WizardInit, type WizardState } from '../core/wizard.js';
import { EXIT } from '../core/verdict.js';
import { tokenPage } from '../core/links.js';
import {
  exits,
  useDiscovery,
  useEngineLogin,
  useEnding,
  useFailureMenu,
  useRenewal,
  useVerification,
  type Flow,
  type WizardDeps,
  type WizardExit,
} from './flow.js';
import { Closed, Outcome, Question, TokenScreen } from './screens.js';
import * as S from './steps.js';
import { Para } from './Para.js';

export type { WizardDeps, WizardExit } from './flow.js';

type OnExit = (code: number, after?: WizardExit) => void;

/** Mount the wizard in the terminal. */
export function renderWizard(props: { deps: WizardDeps; init: WizardInit; onExit: OnExit }, options: RenderOptions) {
  return render(<App {...props} />, options);
}

/** The wizard: one key listener for all steps (see keys.tsx), then the flow. */
export function App(props: { deps: WizardDeps; init: WizardInit; onExit: OnExit }) {
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
      return `Enter: check the token${canOpen ? ' (empty: open the page)' : ''}${offersRenewal(effective(state)) ? ` · Tab: renewal ${state.renewable ? 'off' : 'on'}` : ''}${back} · Ctrl-C: quit`;
    case 'ci-only':
      return 'Enter or q: close · Esc: choose another credential · Ctrl-C: quit';
    case 'result':
      return 'Enter: choose · Ctrl-C: quit';
    case 'done':
      // Only a done screen that offers renewal waits for a key.
      if (!renewOffered(state)) return undefined;
      if (state.renewal === undefined) return 'r: renew it now · Enter: finish · Ctrl-C: quit';
      if (state.renewal === 'asking') return 'y: renew it now · n: not now · Ctrl-C: quit';
      if (state.renewal === 'offering') return 'y: show it once · n or Enter: do not show it · Ctrl-C: quit';
      return state.renewal === 'showing' ? 'Enter: done (the token leaves the screen)' : undefined;
    default:
      return undefined;
  }
}

/** The state machine (core/wizard.ts), its effects (flow.ts) and the screen for the current step (screens.tsx). */
function Wizard({ deps, init, onExit }: { deps: WizardDeps; init: WizardInit; onExit: OnExit }) {
  const [state, dispatch] = useReducer(reducer, init, initialState);
  const token = useRef('');
  const app = useApp();
  const { stdout } = useStdout();
  const a = effective(state);
  const flow: Flow = { deps, state, a, dispatch, token, ...exits(onExit, app, token) };

  const renewing = useRenewal(flow);
  useKeys((input, key) => {
    // A renewed token on the screen leaves it before the wizard exits (the last frame stays in the scrollback).
    if (key.ctrl && input === 'c') {
      if (!renewing.offer.interrupt()) flow.exit(EXIT.interrupted);
    } else if (key.escape) dispatch({ type: 'back' });
  });
  const discovery = useDiscovery(flow);
  useVerification(flow);
  const waitLine = useEngineLogin(flow);
  useEnding(flow);
  const { doctor, reports, choose } = useFailureMenu(flow);

  const page =
    a.gitlab && a.credentialType && a.access
      ? tokenPage(a.gitlab, a.credentialType, a.access, a.project || undefined, { selfRotate: state.renewable })
      : undefined;
  const canOpen = Boolean(page && deps.open);
  const body =
    state.step === 'token' ? (
      <TokenScreen flow={flow} page={page} canOpen={canOpen} />
    ) : state.step === 'closed' ? (
      <Closed />
    ) : ['verifying', 'logging-in', 'result', 'done'].includes(state.step) ? (
      <Outcome flow={flow} page={page} waitLine={waitLine} doctor={doctor} onChoose={choose} renewing={renewing.doing} successor={renewing.offer} />
    ) : (
      <Question flow={flow} discovery={discovery} />
    );
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
