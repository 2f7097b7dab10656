// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * The wizard's flow as one explicit state machine. No Ink here: components only render it.
 *
 * `answers` holds only what the person answered (or flags gave). What an answer implies (the job token's
 * username `gitlab-ci-token`) is computed when it is read (`effective`), so going back to change an answer
 * forgets what the abandoned one implied: nothing implied was ever stored.
 */
import { ACCESS_LEVELS, CREDENTIAL_TYPES, CREDENTIALS, defaultUsername, usernameOptional, type CredentialType } from './credentials.js';
import { pick } from './choices.js';
import type { EngineLoginResult } from './engine.js';
import { gitlabBase, parseGitlabUrl, parseProject, parseRegistry } from './hosts.js';
import { ANSWER_KEYS, fromSources, requestFrom, valuesOf, type AnswerValues, type LoginRequest, type Source } from './request.js';
import { expiryAdvice, hasTokenInfo } from './tokeninfo.js';
import type { RenewResult } from './renew.js';
import type { Verdict } from './verdict.js';
import type { Step as CheckStep, VerifyResult } from './verify.js';

export type WizardStep =
  | 'confirm'
  | 'gitlab'
  | 'registry'
  | 'type'
  | 'ci-only'
  | 'access'
  | 'project'
  /** What the credential needs, where to create it, and the token prompt: one screen. */
  | 'token'
  | 'username'
  | 'verifying'
  | 'result'
  | 'logging-in'
  | 'done'
  /** Quit from the failure menu: one closing line. */
  | 'closed';

/** The wizard's answers: the request model's values (only what was answered; what a type implies is computed when read). */
export type WizardAnswers = AnswerValues;
export type AnswerKey = keyof WizardAnswers;

export interface WizardState {
  step: WizardStep;
  /** Only what the person answered, or flags gave. Read through `effective`. */
  answers: WizardAnswers;
  /** Answers given as flags: never asked. */
  fixed: AnswerKey[];
  /** Offered as defaults (remembered, git remote, discovery, answers left by going back). */
  defaults: WizardAnswers;
  /** The steps answered so far, in order: Esc goes back through them. */
  history: WizardStep[];
  tokenEntered: boolean;
  inCi: boolean;
  checks: CheckStep[];
  verify?: VerifyResult;
  /** The engine login's result, or the verdict that stopped it (engine missing). */
  login?: EngineLoginResult | Verdict;
  prefixWarning?: string;
  /** The credential type the token's prefix names, when it names one without doubt (`gldt-`: a deploy token). */
  tokenLooksLike?: CredentialType;
  /** Why the answers could not be remembered, when they could not (the login still goes on). */
  rememberProblem?: string;
  /** The person chose to keep this registry's login in docker's config file (credHelpers[REG] = ""). */
  insecureStorage?: boolean;
  /**
   * "Let gitlab-registry-login renew this token before it expires": the create-token link also prefills
   * `self_rotate` (core/links.ts). Offered on the token screen for personal, project and group access tokens.
   */
  renewable?: boolean;
  /**
   * The done screen's "renew it now" (#19), when the token expires within 14 days and may rotate itself: asked
   * first (other places using the token stop working), then running core/renew.ts's renewToken, then its result.
   * While it runs, renew's last resort (every store failed after the rotation): `offering` asks whether to show the
   * successor once, `showing` shows it until Enter. The successor itself is never in the state (src/ui holds it).
   */
  renewal?: 'asking' | 'running' | 'offering' | 'showing' | RenewResult;
}

/** What the failure menu can do, besides quitting. */
export type Retry = 'token' | 'type' | 'registry' | 'username';

export type WizardAction =
  | { type: 'answer'; key: AnswerKey; value: string }
  | { type: 'default'; key: AnswerKey; value: string }
  | { type: 'continue' }
  | { type: 'edit' }
  | { type: 'token'; prefixWarning?: string; looksLike?: CredentialType }
  | { type: 'back' }
  | { type: 'check'; step: CheckStep }
  | { type: 'verified'; result: VerifyResult; rememberProblem?: string }
  | { type: 'logged-in'; result: EngineLoginResult | Verdict }
  | { type: 'retry'; to: Retry }
  /** Change one answer and check the same token again (pull only; switch to the type the token's prefix names). */
  | { type: 'amend'; key: 'access' | 'credentialType'; value: string; prefixWarning?: string }
  | { type: 'quit' }
  /** After a store failure: log in again with the verified token, keeping this registry's login in the file. */
  | { type: 'store-in-file' }
  /** On the token screen: turn "let gitlab-registry-login renew this token" on or off. */
  | { type: 'renewable' }
  /** The done screen's renewal: asked (r), confirmed (y), declined (n), and its result. */
  | { type: 'renew-ask' }
  | { type: 'renew-confirm' }
  | { type: 'renew-decline' }
  | { type: 'renewed'; result: RenewResult }
  /** renew's last resort, while it runs: asked whether to show the successor once (offer), shown (show), done. */
  | { type: 'successor'; step: 'offer' | 'show' | 'done' };

const STEP_OF: Partial<Record<WizardStep, AnswerKey>> = {
  gitlab: 'gitlab',
  registry: 'registry',
  type: 'credentialType',
  access: 'access',
  username: 'username',
  project: 'project',
};

/** Steps that ask something: Esc goes back from them. */
export const ASKING: readonly WizardStep[] = ['confirm', 'gitlab', 'registry', 'type', 'ci-only', 'access', 'project', 'token', 'username'];

/**
 * The answers as they are used: what was answered, plus what the credential type implies, by the one rule
 * (core/request.ts `usernameOf`). Answers given before the wizard (flags, the team file, the realm) rank above what
 * is typed; only a flag gives a username among them, so each is ranked as a flag.
 */
export function effective(s: Pick<WizardState, 'answers' | 'fixed'>): WizardAnswers {
  return valuesOf(wizardRequest(s, s.answers));
}

/**
 * The wizard's answers as a request (`values`: the answers as used, or only those answered). An answer given before
 * the wizard and still unchanged keeps its source (`given`: a flag, the team file, the realm…); the rest was typed or
 * confirmed by the person, whatever source first offered it.
 */
export function wizardRequest(s: Pick<WizardState, 'fixed'>, values: WizardAnswers, given: Partial<Record<AnswerKey, Source>> = {}): LoginRequest {
  const sources: Partial<Record<AnswerKey, Source>> = {};
  for (const k of s.fixed) sources[k] = given[k] ?? 'flag';
  return requestFrom(values, sources);
}

/**
 * Whether the wizard asks this answer at all, given the others: GitLab ignores the login name for personal, project
 * and group access tokens (lib/gitlab/auth.rb `personal_access_token_check(password, project)` never reads it;
 * docs.gitlab.com/user/profile/personal_access_tokens/: "GitLab usernames are ignored when authenticating with a
 * personal access token"), so it is not asked; verify sends a placeholder login (verify.ts ANY_LOGIN) and the engine
 * stores the account GitLab names. A type with a username of its own (a job token's gitlab-ci-token) is not asked
 * it either: it is computed when read (core/request.ts `usernameOf`).
 */
export function asked(key: AnswerKey, a: WizardAnswers): boolean {
  const type = a.credentialType;
  return !(key === 'username' && type !== undefined && (usernameOptional(type) || defaultUsername(type) !== undefined));
}

/**
 * Whether an answer is given and enough: push can only be proved on a path (GitLab grants push per repository,
 * app/services/auth/container_registry_authentication_service.rb), so with push an empty project ("check only the
 * credential") is not enough and the project is asked.
 */
export function answered(key: AnswerKey, a: WizardAnswers): boolean {
  if (a[key] === undefined) return false;
  return !(key === 'project' && a.access === 'push' && a.project === '');
}

/** Whether the token screen offers "let gitlab-registry-login renew this token": the types with a `self_rotate` scope. */
export function offersRenewal(a: WizardAnswers): boolean {
  return a.credentialType !== undefined && hasTokenInfo(a.credentialType);
}

/**
 * Whether the done screen offers "renew it now": the token expires within 14 days and has `self_rotate` or `api`
 * (core/tokeninfo.ts expiryAdvice, the one rule `login`, `verify` and `status` use too).
 */
export function renewOffered(s: Pick<WizardState, 'step' | 'verify'>): boolean {
  const v = s.verify;
  if (s.step !== 'done' || !v?.ok || !v.token) return false;
  return expiryAdvice(v.token, v.gitlab, v.credentialType, v.project, v.registry)?.kind === 'renew';
}

/** The first step still to be asked, in order. */
export function nextStep(s: WizardState): WizardStep {
  const a = effective(s);
  if (a.gitlab === undefined) return 'gitlab';
  if (a.registry === undefined) return 'registry';
  if (a.credentialType === undefined) return 'type';
  if (CREDENTIALS[a.credentialType].ciOnly && !s.inCi) return 'ci-only';
  if (a.access === undefined) return 'access';
  if (!answered('project', a) && !s.fixed.includes('project')) return 'project';
  if (!s.tokenEntered) return 'token';
  if (a.username === undefined && asked('username', a)) return 'username';
  return 'verifying';
}

export interface WizardInit {
  fixed?: WizardAnswers;
  defaults?: WizardAnswers;
  inCi?: boolean;
  /** Remembered answers complete enough to go straight to the token: offer "one Enter". */
  offerConfirm?: boolean;
}

/** Where the instance offered comes from, said plainly on the "Which GitLab?" step. */
export type InstanceSource = 'git remote' | 'last time';

/** Answers from these sources are never asked. */
const NEVER_ASKED: readonly Source[] = ['flag', 'ci', 'team-file', 'realm'];

/**
 * The wizard's start from its request (core/request.ts) and what the remembered answers imply (core/remembered.ts
 * `rememberedLayer`): answers from flags, CI, the team file and the realm are fixed (never asked); remembered ones,
 * the git remote's and what they imply are offered; "one Enter" when every answer it would ask is known and at least
 * one of them is last time's (else there is nothing of last time's to confirm).
 */
export function wizardInit(request: LoginRequest, implied: WizardAnswers, inCi: boolean): WizardInit & { instanceSource: InstanceSource | undefined } {
  const fixed = fromSources(request, NEVER_ASKED);
  const remembered = fromSources(request, ['remembered']);
  const known = { ...implied, ...remembered, ...fixed };
  const offerConfirm =
    ANSWER_KEYS.every((k) => answered(k, known) || !asked(k, known)) &&
    ANSWER_KEYS.some((k) => asked(k, known) && remembered[k] !== undefined && fixed[k] === undefined);
  const source = request.gitlab?.source;
  return {
    fixed,
    defaults: { ...implied, ...fromSources(request, ['remembered', 'git-remote']) },
    inCi,
    offerConfirm,
    instanceSource: source === 'git-remote' ? 'git remote' : source === 'remembered' || implied.gitlab ? 'last time' : undefined,
  };
}

export function initialState(init: WizardInit): WizardState {
  const fixed = init.fixed ?? {};
  const s: WizardState = {
    step: 'gitlab',
    answers: { ...fixed },
    fixed: Object.keys(fixed).filter((k) => fixed[k as AnswerKey] !== undefined) as AnswerKey[],
    defaults: { ...(init.defaults ?? {}) },
    history: [],
    tokenEntered: false,
    inCi: init.inCi ?? false,
    checks: [],
  };
  s.step = init.offerConfirm ? 'confirm' : nextStep(s);
  return s;
}

/** Move to the next step; entering verification starts a fresh check. */
function advance(u: WizardState): WizardState {
  const step = nextStep(u);
  if (step !== 'verifying') return { ...u, step };
  const v: WizardState = { ...u, step, checks: [] };
  delete v.verify;
  delete v.login;
  return v;
}

/** Set one answer (or default), its value of the key's own type. */
function setAnswer<K extends AnswerKey>(answers: WizardAnswers, key: K, value: NonNullable<WizardAnswers[K]>): void {
  answers[key] = value;
}

/**
 * Set an answer as a screen or the failure menu gives it (text, in an action): a credential type or an access is
 * one of its choices, anything else is a bug here.
 */
function setText(answers: WizardAnswers, key: AnswerKey, text: string): void {
  if (key === 'credentialType') setAnswer(answers, key, choiceOf(CREDENTIAL_TYPES, text, key));
  else if (key === 'access') setAnswer(answers, key, choiceOf(ACCESS_LEVELS, text, key));
  else setAnswer(answers, key, text);
}

function choiceOf<T extends string>(choices: readonly T[], text: string, key: AnswerKey): T {
  const found = pick(choices, text);
  if (found === undefined) throw new Error(`wizard: "${text}" is not a choice of ${key}`);
  return found;
}

/** Un-answer `key` (unless a flag gave it), keeping what was answered as the default. */
function unanswer(u: WizardState, key: AnswerKey): void {
  if (u.fixed.includes(key)) return;
  const was = u.answers[key];
  if (was !== undefined) setAnswer(u.defaults, key, was);
  delete u.answers[key];
}

/** A copy whose answers and defaults may be changed. */
function copy(s: WizardState): WizardState {
  return { ...s, answers: { ...s.answers }, defaults: { ...s.defaults }, history: [...s.history] };
}

function clearResult(u: WizardState, keepToken = false): void {
  if (!keepToken) {
    u.tokenEntered = false;
    delete u.prefixWarning;
    delete u.tokenLooksLike;
  }
  u.checks = [];
  delete u.verify;
  delete u.login;
}

/** Esc: back to the step answered last, its answer kept as the default. */
function back(s: WizardState): WizardState {
  if (!ASKING.includes(s.step)) return s;
  const u = copy(s);
  const prev = u.history.pop();
  if (!prev) return s;
  u.step = prev;
  if (prev === 'confirm') {
    // Back to "Log in again with your last answers?": the confirmed answers are un-confirmed.
    for (const k of Object.keys(u.answers) as AnswerKey[]) unanswer(u, k);
  }
  const key = STEP_OF[prev];
  if (key) unanswer(u, key);
  if (prev === 'token') clearResult(u);
  return u;
}

/** The done screen's renewal: offered → asked (r) → running (y) → its result; n takes the question back. */
function renewal(s: WizardState, action: WizardAction & { type: 'renew-ask' | 'renew-confirm' | 'renew-decline' | 'renewed' }): WizardState {
  switch (action.type) {
    case 'renew-ask':
      return renewOffered(s) && s.renewal === undefined ? { ...s, renewal: 'asking' } : s;
    case 'renew-confirm':
      return s.renewal === 'asking' ? { ...s, renewal: 'running' } : s;
    case 'renew-decline': {
      if (s.renewal !== 'asking') return s;
      const { renewal: _asked, ...rest } = s;
      return rest;
    }
    case 'renewed':
      return s.renewal === 'running' ? { ...s, renewal: action.result } : s;
  }
}

/** renew's last resort, while it runs: running → offering → (y) showing → (Enter) running; n takes it back at once. */
function successor(s: WizardState, step: 'offer' | 'show' | 'done'): WizardState {
  if (step === 'offer') return s.renewal === 'running' ? { ...s, renewal: 'offering' } : s;
  if (step === 'show') return s.renewal === 'offering' ? { ...s, renewal: 'showing' } : s;
  return s.renewal === 'offering' || s.renewal === 'showing' ? { ...s, renewal: 'running' } : s;
}

/** The actions of one kind. */
type ActionOf<T extends WizardAction['type']> = Extract<WizardAction, { type: T }>;

/** The state machine: each kind of action in its own function, below. */
export function reducer(s: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'answer':
    case 'default':
    case 'continue':
    case 'edit':
    case 'token':
    case 'back':
    case 'renewable':
      return asking(s, action);
    case 'check':
    case 'verified':
    case 'logged-in':
      return progress(s, action);
    case 'retry':
    case 'amend':
    case 'quit':
    case 'store-in-file':
      return failureMenu(s, action);
    case 'renew-ask':
    case 'renew-confirm':
    case 'renew-decline':
    case 'renewed':
      return renewal(s, action);
    case 'successor':
      return successor(s, action.step);
  }
}

/** The steps that ask: an answer, a default found, the remembered answers confirmed or edited, the token, Esc. */
function asking(s: WizardState, action: ActionOf<'answer' | 'default' | 'continue' | 'edit' | 'token' | 'back' | 'renewable'>): WizardState {
  switch (action.type) {
    case 'answer': {
      const u = copy(s);
      setText(u.answers, action.key, action.value);
      // A username belongs to its type: one typed for another type is no answer for a type that does not ask it
      // (kept as the default, for that type chosen again).
      if (action.key === 'credentialType' && !asked('username', u.answers)) unanswer(u, 'username');
      u.history.push(s.step);
      return advance(u);
    }
    case 'default':
      return { ...s, defaults: { ...s.defaults, [action.key]: action.value } };
    case 'continue':
      return s.step === 'confirm' ? takeRemembered(s) : s;
    case 'edit': {
      if (s.step !== 'confirm') return s;
      const u = copy(s);
      u.history.push('confirm');
      return advance(u);
    }
    case 'token':
      return tokenGiven(s, action);
    case 'back':
      return back(s);
    case 'renewable':
      return s.step === 'token' && offersRenewal(effective(s)) ? { ...s, renewable: !s.renewable } : s;
  }
}

/** "Log in again with your last answers?" Yes: every remembered answer the wizard would ask is taken; the token is next. */
function takeRemembered(s: WizardState): WizardState {
  const u = copy(s);
  const take = { ...s.defaults, ...s.answers };
  for (const k of ANSWER_KEYS) {
    const v = s.defaults[k];
    if (u.answers[k] === undefined && v !== undefined && asked(k, take)) setAnswer(u.answers, k, v);
  }
  u.history.push('confirm');
  return advance(u);
}

/** The token was given (it stays in src/ui): what its prefix says is kept for the result screen. */
function tokenGiven(s: WizardState, action: ActionOf<'token'>): WizardState {
  const u = copy(s);
  u.tokenEntered = true;
  u.history.push('token');
  if (action.prefixWarning) u.prefixWarning = action.prefixWarning;
  else delete u.prefixWarning;
  if (action.looksLike) u.tokenLooksLike = action.looksLike;
  else delete u.tokenLooksLike;
  return advance(u);
}

/** The verification's steps as they pass, its result, then the engine login's. */
function progress(s: WizardState, action: ActionOf<'check' | 'verified' | 'logged-in'>): WizardState {
  switch (action.type) {
    case 'check':
      return { ...s, checks: [...s.checks, action.step] };
    case 'verified':
      return {
        ...s,
        verify: action.result,
        step: action.result.ok ? 'logging-in' : 'result',
        ...(action.rememberProblem ? { rememberProblem: action.rememberProblem } : {}),
      };
    case 'logged-in':
      return { ...s, login: action.result, step: action.result.verdict === 'ok' ? 'done' : 'result' };
  }
}

/** The failure menu (only on the result screen): ask again, change one answer, keep the login in the file, quit. */
function failureMenu(s: WizardState, action: ActionOf<'retry' | 'amend' | 'quit' | 'store-in-file'>): WizardState {
  if (s.step !== 'result') return s;
  switch (action.type) {
    case 'retry':
      return retry(s, action.to);
    case 'amend':
      return amend(s, action);
    case 'quit':
      return { ...s, step: 'closed' };
    case 'store-in-file': {
      if (s.login?.verdict !== 'store-failed' || !s.verify?.ok) return s;
      const { login: _failed, ...rest } = s;
      return { ...rest, insecureStorage: true, step: 'logging-in' };
    }
  }
}

/** Ask again from `to`: a new registry or username is checked with the token already given; a new type needs its own token. */
function retry(s: WizardState, to: Retry): WizardState {
  const u = copy(s);
  clearResult(u, to === 'registry' || to === 'username');
  // The history goes back to just before the step asked again (or before the token), so Esc from there
  // walks back as it would have.
  const at = u.history.lastIndexOf(to);
  u.history = u.history.slice(0, at >= 0 ? at : Math.max(0, u.history.lastIndexOf('token')));
  const keys: AnswerKey[] = to === 'type' ? ['credentialType', 'access', 'username'] : to === 'token' ? [] : [to];
  for (const k of keys) {
    // The menu offers to change what a flag gave too: the person asked to.
    u.fixed = u.fixed.filter((f) => f !== k);
    unanswer(u, k);
  }
  return advance(u);
}

/** Change one answer and check the same token again (pull only; the type the token's prefix names). */
function amend(s: WizardState, action: ActionOf<'amend'>): WizardState {
  const u = copy(s);
  clearResult(u, true);
  u.fixed = u.fixed.filter((f) => f !== action.key);
  setText(u.answers, action.key, action.value);
  if (action.key === 'credentialType') {
    // The username answered for the other type does not fit this one: ask it (it is offered again).
    u.fixed = u.fixed.filter((f) => f !== 'username');
    unanswer(u, 'username');
    if (action.prefixWarning) u.prefixWarning = action.prefixWarning;
    else delete u.prefixWarning;
    delete u.tokenLooksLike;
  }
  return advance(u);
}

/** One choice of the failure menu: the action the fix names comes first. */
export interface FailureChoice {
  id: string;
  label: string;
  hint?: string;
  action: WizardAction | 'troubleshoot' | 'quit' | 'helper-fix';
}

/** The failure menu for a state at `result`: first what the fix names, then the usual choices. */
/** The failure the result screen, the menu and the exit code tell of: the engine login's, else the verification's. */
export function failureOf(s: Pick<WizardState, 'login' | 'verify'>) {
  return s.login && s.login.verdict !== 'ok' ? s.login : s.verify && !s.verify.ok ? s.verify : undefined;
}

export function failureChoices(s: WizardState): FailureChoice[] {
  const a = effective(s);
  const failure = failureOf(s);
  const named: FailureChoice[] = [];
  if (failure) {
    const v = failure.verdict;
    if (v === 'unreachable' || v === 'tls-error' || v === 'not-a-registry' || v === 'untrusted-realm') {
      named.push({ id: 'registry', label: 'Change the registry', action: { type: 'retry', to: 'registry' } });
    }
    const looks = s.tokenLooksLike;
    const other = looks && looks !== a.credentialType && (!CREDENTIALS[looks].ciOnly || s.inCi) ? looks : undefined;
    if (other && (v === 'invalid-credentials' || v === 'no-registry-scope' || v === 'insufficient-access')) {
      named.push({
        id: 'switch',
        label: `Switch to ${CREDENTIALS[other].label}`,
        hint: 'the same token, checked again',
        action: { type: 'amend', key: 'credentialType', value: other },
      });
    }
    if (v === 'invalid-credentials' && a.credentialType === 'deploy-token') {
      named.push({ id: 'username', label: 'Change the username', hint: `now ${a.username ?? ''}`, action: { type: 'retry', to: 'username' } });
    }
    if (v === 'insufficient-access' && a.access === 'push' && s.verify?.granted?.includes('pull')) {
      named.push({ id: 'pull', label: 'Log in for pull only', hint: 'the same token: it can pull', action: { type: 'amend', key: 'access', value: 'pull' } });
    }
  }
  // The credential store failed, not the token: fix where it is kept, never ask for the verified token again.
  if (failure?.verdict === 'store-failed' && s.verify?.ok) {
    named.push(
      { id: 'store-in-file', label: 'Store this login in the file', hint: 'base64, not encrypted; this registry only', action: { type: 'store-in-file' } },
      { id: 'helper-fix', label: 'Show me how to fix the helper', action: 'helper-fix' },
    );
  }
  const verified = s.login !== undefined && s.verify?.ok === true;
  return [
    ...named,
    ...(verified ? [] : [{ id: 'token', label: 'Enter the token again', action: { type: 'retry', to: 'token' } } satisfies FailureChoice]),
    ...(failure?.verdict === 'store-failed'
      ? []
      : [{ id: 'type', label: 'Change the credential type or access', action: { type: 'retry', to: 'type' } } satisfies FailureChoice]),
    { id: 'troubleshoot', label: 'Troubleshoot', hint: 'check every link from docker to GitLab', action: 'troubleshoot' },
    { id: 'quit', label: 'Quit', action: 'quit' },
  ];
}

/** The credential type a token's prefix names without doubt, if any (`glpat-` is shared by three types). */
export function typeOfPrefix(token: string): CredentialType | undefined {
  const matches = (Object.keys(CREDENTIALS) as CredentialType[]).filter((t) => {
    const p = CREDENTIALS[t].prefix;
    return p !== undefined && token.startsWith(p);
  });
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * What a person types as their GitLab: an instance (`gitlab.example.com`, `https://host/gitlab` with a relative
 * URL root), or a project's page copied from the browser (`https://gitlab.example.com/acme/app`, or any page
 * under it, `…/acme/app/-/tree/main`), which is split into the instance and the project.
 */
export function splitGitlabInput(input: string): { gitlab: string; project?: string } {
  const url = parseGitlabUrl(input);
  const path = url.pathname.split('/-/')[0]!.replace(/^\/+|\/+$/g, '');
  const parts = path === '' ? [] : path.split('/');
  // One segment is a relative URL root (`/gitlab`); a project needs a group and a name.
  if (parts.length >= 2) {
    try {
      return { gitlab: url.origin, project: parseProject(parts.join('/')) };
    } catch {
      /* not a project path: keep the URL as the instance */
    }
  }
  return { gitlab: gitlabBase(url) };
}

/**
 * What a person types as the registry: `host[:port]`, with `https://` in front, or an image path
 * (`registry.example.com/group/project`), whose path is offered as the project.
 */
export function splitRegistryInput(input: string): { registry: string; project?: string } {
  const value = input.trim().replace(/^https?:\/\//i, '');
  const slash = value.indexOf('/');
  const host = slash >= 0 ? value.slice(0, slash) : value;
  const rest =
    slash >= 0
      ? value
          .slice(slash + 1)
          .replace(/\/+$/, '')
          .replace(/:[\w][\w.-]{0,127}$/, '')
      : '';
  const registry = parseRegistry(host).registry;
  return rest ? { registry, project: parseProject(rest) } : { registry };
}
