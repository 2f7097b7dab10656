/** The wizard's flow as one explicit state machine. No Ink here: components only render it. */
import { CREDENTIALS, defaultUsername, type Access, type CredentialType } from './credentials.js';
import type { EngineLoginResult } from './engine.js';
import type { Verdict } from './verdict.js';
import type { Step as CheckStep, VerifyResult } from './verify.js';

export type WizardStep =
  | 'confirm'
  | 'gitlab'
  | 'registry'
  | 'type'
  | 'ci-only'
  | 'access'
  | 'needs'
  | 'username'
  | 'project'
  | 'token'
  | 'verifying'
  | 'result'
  | 'logging-in'
  | 'done';

export interface WizardAnswers {
  gitlab?: string;
  registry?: string;
  credentialType?: CredentialType;
  access?: Access;
  username?: string;
  /** '' means "no project": only the credential is checked. */
  project?: string;
}
export type AnswerKey = keyof WizardAnswers;

export interface WizardState {
  step: WizardStep;
  answers: WizardAnswers;
  /** Answers given as flags: never asked. */
  fixed: AnswerKey[];
  /** Offered as defaults (remembered, git remote, discovery). */
  defaults: WizardAnswers;
  history: WizardStep[];
  needsSeen: boolean;
  tokenEntered: boolean;
  inCi: boolean;
  checks: CheckStep[];
  verify?: VerifyResult;
  /** The engine login's result, or the verdict that stopped it (engine missing). */
  login?: EngineLoginResult | Verdict;
  prefixWarning?: string;
  /** Why the answers could not be remembered, when they could not (the login still goes on). */
  rememberProblem?: string;
}

export type WizardAction =
  | { type: 'answer'; key: AnswerKey; value: string }
  | { type: 'default'; key: AnswerKey; value: string }
  | { type: 'continue' }
  | { type: 'edit' }
  | { type: 'token'; prefixWarning?: string }
  | { type: 'back' }
  | { type: 'check'; step: CheckStep }
  | { type: 'verified'; result: VerifyResult; rememberProblem?: string }
  | { type: 'logged-in'; result: EngineLoginResult | Verdict }
  | { type: 'retry'; to: 'token' | 'type' };

const STEP_OF: Partial<Record<WizardStep, AnswerKey>> = {
  gitlab: 'gitlab',
  registry: 'registry',
  type: 'credentialType',
  access: 'access',
  username: 'username',
  project: 'project',
};

/** The first step still to be asked, in order. */
export function nextStep(s: WizardState): WizardStep {
  const a = s.answers;
  if (a.gitlab === undefined) return 'gitlab';
  if (a.registry === undefined) return 'registry';
  if (a.credentialType === undefined) return 'type';
  if (CREDENTIALS[a.credentialType].ciOnly && !s.inCi) return 'ci-only';
  if (a.access === undefined) return 'access';
  if (!s.needsSeen) return 'needs';
  if (a.username === undefined) return 'username';
  if (a.project === undefined) return 'project';
  if (!s.tokenEntered) return 'token';
  return 'verifying';
}

export interface WizardInit {
  fixed?: WizardAnswers;
  defaults?: WizardAnswers;
  inCi?: boolean;
  /** Remembered answers complete enough to go straight to the token: offer "one Enter". */
  offerConfirm?: boolean;
}

export function initialState(init: WizardInit): WizardState {
  const fixed = init.fixed ?? {};
  const answers: WizardAnswers = { ...fixed };
  if (answers.credentialType && answers.username === undefined) {
    const u = defaultUsername(answers.credentialType);
    if (u) answers.username = u;
  }
  const s: WizardState = {
    step: 'gitlab',
    answers,
    fixed: Object.keys(fixed).filter((k) => fixed[k as AnswerKey] !== undefined) as AnswerKey[],
    defaults: { ...(init.defaults ?? {}) },
    history: [],
    needsSeen: false,
    tokenEntered: false,
    inCi: init.inCi ?? false,
    checks: [],
  };
  s.step = init.offerConfirm ? 'confirm' : nextStep(s);
  return s;
}

function withAnswer(s: WizardState, key: AnswerKey, value: string): WizardState {
  const answers: WizardAnswers = { ...s.answers, [key]: value };
  if (key === 'credentialType') {
    const u = defaultUsername(value as CredentialType);
    if (u && !s.fixed.includes('username')) answers.username = u;
    else if (!u && !s.fixed.includes('username') && s.answers.credentialType && defaultUsername(s.answers.credentialType)) delete answers.username;
  }
  return { ...s, answers };
}

export function reducer(s: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'answer': {
      const t = withAnswer(s, action.key, action.value);
      const u = { ...t, history: [...s.history, s.step] };
      return { ...u, step: nextStep(u) };
    }
    case 'default':
      return { ...s, defaults: { ...s.defaults, [action.key]: action.value } };
    case 'continue': {
      if (s.step === 'confirm') {
        // Take every remembered answer; the next step is the token (or whatever is still missing).
        const answers: WizardAnswers = { ...s.defaults, ...s.answers };
        const u: WizardState = { ...s, answers, needsSeen: true, history: [...s.history, 'confirm'] };
        return { ...u, step: nextStep(u) };
      }
      if (s.step === 'needs') {
        const u: WizardState = { ...s, needsSeen: true, history: [...s.history, 'needs'] };
        return { ...u, step: nextStep(u) };
      }
      return s;
    }
    case 'edit': {
      const u: WizardState = { ...s, history: [...s.history, 'confirm'] };
      return { ...u, step: nextStep(u) };
    }
    case 'token': {
      const u: WizardState = { ...s, tokenEntered: true, history: [...s.history, 'token'], checks: [], ...(action.prefixWarning ? { prefixWarning: action.prefixWarning } : {}) };
      delete u.verify;
      delete u.login;
      return { ...u, step: 'verifying' };
    }
    case 'back': {
      if (s.step === 'verifying' || s.step === 'logging-in' || s.step === 'done') return s;
      const history = [...s.history];
      const prev = history.pop();
      if (!prev) return s;
      const u: WizardState = { ...s, history, step: prev, answers: { ...s.answers }, defaults: { ...s.defaults } };
      const key = STEP_OF[prev];
      if (key && !s.fixed.includes(key)) {
        if (s.answers[key] !== undefined) u.defaults[key] = s.answers[key] as never;
        delete u.answers[key];
      }
      if (prev === 'needs') u.needsSeen = false;
      if (prev === 'token') u.tokenEntered = false;
      return u;
    }
    case 'check':
      return { ...s, checks: [...s.checks, action.step] };
    case 'verified':
      return { ...s, verify: action.result, step: action.result.ok ? 'logging-in' : 'result', ...(action.rememberProblem ? { rememberProblem: action.rememberProblem } : {}) };
    case 'logged-in':
      return { ...s, login: action.result, step: action.result.verdict === 'ok' ? 'done' : 'result' };
    case 'retry': {
      const u: WizardState = { ...s, tokenEntered: false, checks: [], answers: { ...s.answers }, defaults: { ...s.defaults } };
      delete u.verify;
      delete u.login;
      delete u.prefixWarning;
      if (action.to === 'type') {
        for (const k of ['credentialType', 'access', 'username'] as const) {
          if (s.fixed.includes(k)) continue;
          if (s.answers[k] !== undefined) u.defaults[k] = s.answers[k] as never;
          delete u.answers[k];
        }
        u.needsSeen = false;
      }
      return { ...u, step: nextStep(u) };
    }
  }
}
