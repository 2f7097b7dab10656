import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  wizardInit,
  wizardRequest,
  ASKING,
  asked,
  effective,
  failureChoices,
  initialState,
  nextStep,
  reducer,
  renewOffered,
  splitGitlabInput,
  splitRegistryInput,
  typeOfPrefix,
  type WizardAction,
  type WizardInit,
  type WizardState,
} from '../../src/core/wizard.js';
import { requestFrom, sourcesOf, valuesOf } from '../../src/core/request.js';
import type { VerifyResult } from '../../src/core/verify.js';
import type { TokenInfo } from '../../src/core/tokeninfo.js';

const run = (init: WizardInit, actions: WizardAction[]) => actions.reduce(reducer, initialState(init));
const answer = (key: WizardAction & { type: 'answer' } extends infer A ? (A extends { key: infer K } ? K : never) : never, value: string): WizardAction => ({
  type: 'answer',
  key,
  value,
});
const ESC: WizardAction = { type: 'back' };
const TOKEN: WizardAction = { type: 'token' };
const REMEMBERED = { gitlab: 'https://g', registry: 'r', credentialType: 'personal-access-token', access: 'push', username: 'alice', project: 'g/p' } as const;
const failed = (verdict: VerifyResult['verdict'], extra: Partial<VerifyResult> = {}): WizardAction => ({
  type: 'verified',
  result: {
    ok: false,
    verdict,
    message: 'm',
    fix: 'f',
    registry: 'r',
    username: 'u',
    credentialType: 'personal-access-token',
    requested: [],
    granted: null,
    steps: [],
    ...extra,
  },
});

describe('wizard state machine', () => {
  test('asks in order, skips what flags gave; the job token implies its username without storing it', () => {
    let s = initialState({ fixed: { registry: 'r' } });
    expect(s.step).toBe('gitlab');
    s = reducer(s, answer('gitlab', 'https://g'));
    expect(s.step).toBe('type');
    s = reducer(s, answer('credentialType', 'job-token'));
    expect(s.step).toBe('ci-only');
    s = reducer({ ...s, inCi: true }, ESC);
    expect(s.step).toBe('type');
    s = reducer({ ...s, inCi: true }, answer('credentialType', 'job-token'));
    expect(s.answers.username).toBeUndefined();
    expect(effective(s).username).toBe('gitlab-ci-token');
    s = reducer(s, answer('access', 'push'));
    expect(s.step).toBe('project');
    s = reducer(s, answer('project', 'g/p'));
    expect(s.step).toBe('token');
    // The username is implied: no question after the token.
    expect(reducer(s, TOKEN).step).toBe('verifying');
  });

  test('back keeps the answer as a default; a fixed answer is never un-answered', () => {
    let s = initialState({ fixed: { gitlab: 'https://g' } });
    s = reducer(s, answer('registry', 'r'));
    s = reducer(s, ESC);
    expect(s.step).toBe('registry');
    expect(s.defaults.registry).toBe('r');
    expect(s.answers.registry).toBeUndefined();
    expect(reducer(s, ESC).step).toBe('registry');
    expect(s.answers.gitlab).toBe('https://g');
  });

  test('an answer of the wrong kind is a bug, never stored: a type or an access is one of its choices', () => {
    const s = initialState({ fixed: { gitlab: 'https://g', registry: 'r' } });
    expect(() => reducer(s, answer('credentialType', 'password'))).toThrow('wizard: "password" is not a choice of credentialType');
    const typed = reducer(s, answer('credentialType', 'deploy-token'));
    expect(() => reducer(typed, answer('access', 'admin'))).toThrow('not a choice of access');
    expect(reducer(typed, answer('access', 'pull')).answers).toEqual({ gitlab: 'https://g', registry: 'r', credentialType: 'deploy-token', access: 'pull' });
  });

  test('confirm takes the remembered answers straight to the token; e starts from the first question', () => {
    const s = initialState({ defaults: { ...REMEMBERED, credentialType: 'deploy-token', access: 'pull', username: 'u', project: '' }, offerConfirm: true });
    expect(s.step).toBe('confirm');
    expect(reducer(s, { type: 'continue' }).step).toBe('token');
    expect(nextStep(reducer(s, { type: 'edit' }))).toBe('gitlab');
  });

  test('push: the project is required (an empty one is asked again); pull: empty is an answer', () => {
    const push = run({}, [G, R, P, A, answer('project', '')]);
    expect(push.step).toBe('project');
    expect(run({}, [G, R, P, answer('access', 'pull'), answer('project', '')]).step).toBe('token');
    // Remembered push without a project: "one Enter" goes to the project, not the token.
    expect(reducer(initialState({ defaults: { ...REMEMBERED, project: '' }, offerConfirm: true }), { type: 'continue' }).step).toBe('project');
    // A project given by a flag is never asked, even empty.
    expect(initialState({ fixed: { gitlab: 'https://g', registry: 'r', credentialType: 'personal-access-token', access: 'push', project: '' } }).step).toBe(
      'token',
    );
  });

  test('renew it now: asked only when offered, run only when confirmed, its result only while running', () => {
    const info: TokenInfo = { state: 'active', name: 'laptop', scopes: ['read_registry', 'self_rotate'], expiresAt: '2026-12-05', daysLeft: 5 };
    const verify = { ...(failed('ok') as { result: VerifyResult }).result, ok: true, gitlab: 'https://g', registry: 'r', token: info };
    const done = { ...run({}, [G, R, P, A, PR, TOKEN]), step: 'done' as const, verify };
    expect(renewOffered(done)).toBe(true);
    // Without self_rotate or api, or with weeks left: not offered, so r does nothing.
    const reader = { ...done, verify: { ...verify, token: { ...info, scopes: ['read_registry'] } } };
    expect(renewOffered(reader)).toBe(false);
    expect(reducer(reader, { type: 'renew-ask' })).toBe(reader);
    expect(renewOffered({ ...done, verify: { ...verify, token: { ...info, daysLeft: 30 } } })).toBe(false);
    // y before r does nothing; r asks; n takes the question back; y runs; the result lands only while running.
    expect(reducer(done, { type: 'renew-confirm' })).toBe(done);
    const asking = reducer(done, { type: 'renew-ask' });
    expect(asking.renewal).toBe('asking');
    expect(reducer(asking, { type: 'renew-decline' }).renewal).toBeUndefined();
    const running = reducer(asking, { type: 'renew-confirm' });
    expect(running.renewal).toBe('running');
    const result = { ok: true, verdict: 'ok' } as never;
    expect(reducer(running, { type: 'renewed', result }).renewal).toBe(result);
    expect(reducer(asking, { type: 'renewed', result })).toBe(asking);
    // renew's last resort, only while it runs: offered, shown on y, back to running when answered; never the token.
    expect(reducer(asking, { type: 'successor', step: 'offer' })).toBe(asking);
    const offering = reducer(running, { type: 'successor', step: 'offer' });
    expect(offering.renewal).toBe('offering');
    expect(reducer(running, { type: 'successor', step: 'show' })).toBe(running);
    expect(reducer(offering, { type: 'successor', step: 'done' }).renewal).toBe('running');
    const showing = reducer(offering, { type: 'successor', step: 'show' });
    expect(showing.renewal).toBe('showing');
    expect(reducer(showing, { type: 'successor', step: 'done' }).renewal).toBe('running');
    expect(reducer(showing, { type: 'renewed', result })).toBe(showing);
  });

  test('the renewal offer toggles on the token screen of personal, project and group access tokens only', () => {
    const pat = run({}, [G, R, P, A, PR]);
    expect(pat.step).toBe('token');
    expect(reducer(pat, { type: 'renewable' }).renewable).toBe(true);
    expect(reducer(reducer(pat, { type: 'renewable' }), { type: 'renewable' }).renewable).toBe(false);
    const deploy = run({}, [G, R, D, A, PR]);
    expect(reducer(deploy, { type: 'renewable' })).toBe(deploy);
    // Elsewhere it changes nothing.
    const atAccess = run({}, [G, R, P]);
    expect(reducer(atAccess, { type: 'renewable' })).toBe(atAccess);
  });

  test('confirm with a personal access token does not take the remembered username (GitLab ignores it)', () => {
    const s = reducer(initialState({ defaults: REMEMBERED, offerConfirm: true }), { type: 'continue' });
    expect(s.step).toBe('token');
    expect(effective(reducer(s, TOKEN)).username).toBeUndefined();
    expect(reducer(s, TOKEN).step).toBe('verifying');
  });

  // Every Esc path: a key sequence, where it ends, and the answers in force there.
  const P = answer('credentialType', 'personal-access-token');
  const J = answer('credentialType', 'job-token');
  const D = answer('credentialType', 'deploy-token');
  const G = answer('gitlab', 'https://g');
  const R = answer('registry', 'r');
  const A = answer('access', 'push');
  const PR = answer('project', 'g/p');
  const U = answer('username', 'alice');
  test.each<[string, WizardInit, WizardAction[], string, Record<string, string | undefined>]>([
    ['Esc on the first question does nothing', {}, [ESC], 'gitlab', {}],
    ['Esc from the registry', {}, [G, ESC], 'gitlab', { gitlab: undefined }],
    ['Esc from the type', {}, [G, R, ESC], 'registry', { gitlab: 'https://g', registry: undefined }],
    ['Esc from the access', {}, [G, R, P, ESC], 'type', { credentialType: undefined }],
    ['Esc from the project', {}, [G, R, P, A, ESC], 'access', { access: undefined }],
    ['Esc from the token', {}, [G, R, P, A, PR, ESC], 'project', { project: undefined }],
    ['Esc from the username', {}, [G, R, D, A, PR, TOKEN, ESC], 'token', { username: undefined }],
    // GitLab ignores the login name of an access token (lib/gitlab/auth.rb personal_access_token_check): never asked.
    ['a personal access token: no username asked', {}, [G, R, P, A, PR, TOKEN], 'verifying', { username: undefined }],
    [
      'a project access token: no username asked',
      {},
      [G, R, answer('credentialType', 'project-access-token'), A, PR, TOKEN],
      'verifying',
      { username: undefined },
    ],
    ['a group access token: no username asked', {}, [G, R, answer('credentialType', 'group-access-token'), A, PR, TOKEN], 'verifying', { username: undefined }],
    ['a deploy token: the username is asked', {}, [G, R, D, A, PR, TOKEN], 'username', {}],
    ['Esc from the CI-only screen', {}, [G, R, J, ESC], 'type', { credentialType: undefined, username: undefined }],
    [
      'job token, Esc, deploy token: the username is asked (gitlab-ci-token is forgotten)',
      { inCi: true },
      [G, R, J, ESC, D, A, PR, TOKEN],
      'username',
      { credentialType: 'deploy-token', username: undefined },
    ],
    [
      'job token in CI, back to the type from the token, deploy token',
      { inCi: true },
      [G, R, J, A, PR, ESC, ESC, ESC, D, A, PR, TOKEN],
      'username',
      { username: undefined },
    ],
    [
      'personal token and username, failure, change the type to the job token: the type decides the username',
      { inCi: true },
      [G, R, P, A, PR, TOKEN, U, failed('invalid-credentials'), { type: 'retry', to: 'type' }, J],
      'access',
      { username: 'gitlab-ci-token' },
    ],
    [
      '… and Esc from there, then deploy token: the username is asked again',
      { inCi: true },
      [G, R, P, A, PR, TOKEN, U, failed('invalid-credentials'), { type: 'retry', to: 'type' }, J, ESC, D, A, TOKEN],
      'username',
      { username: undefined, credentialType: 'deploy-token' },
    ],
    [
      'deploy token and username, failure, the token again, back to the type, job token: the type decides the username',
      { inCi: true },
      [G, R, D, A, PR, TOKEN, U, failed('invalid-credentials'), { type: 'retry', to: 'token' }, ESC, ESC, ESC, J],
      'access',
      { username: 'gitlab-ci-token' },
    ],
    [
      '… a personal access token instead: the username typed for the deploy token is not its (GitLab ignores it)',
      { inCi: true },
      [G, R, D, A, PR, TOKEN, U, failed('invalid-credentials'), { type: 'retry', to: 'token' }, ESC, ESC, ESC, P, A, PR, TOKEN],
      'verifying',
      { username: undefined },
    ],
    [
      '… the deploy token again: its username stays answered',
      { inCi: true },
      [G, R, D, A, PR, TOKEN, U, failed('invalid-credentials'), { type: 'retry', to: 'token' }, ESC, ESC, ESC, D, A, PR, TOKEN],
      'verifying',
      { username: 'alice' },
    ],
    [
      'last answers, token, Esc: back to the question',
      { defaults: REMEMBERED, offerConfirm: true },
      [{ type: 'continue' }, ESC],
      'confirm',
      { gitlab: undefined, username: undefined },
    ],
    [
      'last answers, token, Esc, e: the first question, not the token again',
      { defaults: REMEMBERED, offerConfirm: true },
      [{ type: 'continue' }, ESC, { type: 'edit' }],
      'gitlab',
      { gitlab: undefined },
    ],
    [
      '… and Esc from there: the question again',
      { defaults: REMEMBERED, offerConfirm: true },
      [{ type: 'continue' }, ESC, { type: 'edit' }, ESC],
      'confirm',
      {},
    ],
    ['Esc on the confirm question does nothing', { defaults: REMEMBERED, offerConfirm: true }, [ESC], 'confirm', {}],
    ['flags: Esc never un-answers them', { fixed: { gitlab: 'https://g', registry: 'r' } }, [P, ESC, ESC], 'type', { gitlab: 'https://g', registry: 'r' }],
    ['Esc while verifying does nothing', {}, [G, R, D, A, PR, TOKEN, U, ESC], 'verifying', { username: 'alice' }],
  ])('%s', (_name, init, actions, step, expected) => {
    const s = run(init, actions);
    expect(s.step).toBe(step);
    const a = effective(s);
    for (const [k, v] of Object.entries(expected)) expect(a[k as keyof typeof a], k).toBe(v);
  });

  test('Esc while verifying, logging in or on the done screen does nothing', () => {
    const s = run({}, [G, R, D, A, PR, TOKEN, U]);
    expect(s.step).toBe('verifying');
    expect(reducer(s, ESC)).toBe(s);
  });

  const ACTIONS: WizardAction[] = [
    ESC,
    G,
    R,
    P,
    J,
    D,
    A,
    answer('access', 'pull'),
    PR,
    U,
    TOKEN,
    { type: 'continue' },
    { type: 'edit' },
    failed('invalid-credentials'),
    { type: 'retry', to: 'token' },
    { type: 'retry', to: 'type' },
    { type: 'retry', to: 'registry' },
    { type: 'retry', to: 'username' },
    { type: 'amend', key: 'access', value: 'pull' },
    { type: 'amend', key: 'credentialType', value: 'deploy-token' },
  ];
  const applicable = (s: WizardState, a: WizardAction) =>
    a.type === 'answer'
      ? s.step === { gitlab: 'gitlab', registry: 'registry', credentialType: 'type', access: 'access', project: 'project', username: 'username' }[a.key]
      : a.type === 'token'
        ? s.step === 'token'
        : a.type === 'verified'
          ? s.step === 'verifying'
          : true;

  test('no key sequence loops: Esc walks back to the first screen, and verification starts only with every answer', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.array(fc.integer({ min: 0, max: ACTIONS.length - 1 }), { maxLength: 40 }), (inCi, confirm, picks) => {
        let s = initialState({ inCi, ...(confirm ? { defaults: REMEMBERED, offerConfirm: true } : {}) });
        for (const i of picks) {
          const a = ACTIONS[i]!;
          if (!applicable(s, a)) continue;
          s = reducer(s, a);
          if (s.step === 'verifying') {
            const e = effective(s);
            for (const k of ['gitlab', 'registry', 'credentialType', 'access', 'username', 'project'] as const) if (asked(k, e)) expect(e[k], k).toBeDefined();
            // An access token's username is never asked, nor taken from what was remembered.
            if (!asked('username', e)) expect(e.username === undefined || s.fixed.includes('username'), 'username').toBe(true);
            expect(s.tokenEntered).toBe(true);
          }
        }
        if (!ASKING.includes(s.step)) return;
        // Each Esc shortens the way back; at most as many as there were answers reach the first screen.
        for (let n = s.history.length; n > 0; n--) {
          const t = reducer(s, ESC);
          expect(t.history.length).toBe(n - 1);
          s = t;
        }
        expect(reducer(s, ESC)).toBe(s);
        expect(s.step).toBe(confirm ? 'confirm' : 'gitlab');
      }),
      { numRuns: 400 },
    );
  });
});

describe('failure menu', () => {
  const at = (init: WizardInit, verdictAction: WizardAction, token: WizardAction = TOKEN) => run({ inCi: false, ...init }, [token, verdictAction]);
  const FIX = { gitlab: 'https://g', registry: 'r', credentialType: 'personal-access-token', access: 'push', username: 'alice', project: 'g/p' } as const;
  test.each<[string, WizardInit, WizardAction, WizardAction, string]>([
    ['unreachable registry', { fixed: FIX }, TOKEN, failed('unreachable'), 'Change the registry'],
    ['TLS error', { fixed: FIX }, TOKEN, failed('tls-error'), 'Change the registry'],
    ['deploy token, wrong username', { fixed: { ...FIX, credentialType: 'deploy-token' } }, TOKEN, failed('invalid-credentials'), 'Change the username'],
    [
      'gldt- token as a personal access token',
      { fixed: FIX },
      { type: 'token', looksLike: 'deploy-token' },
      failed('invalid-credentials'),
      'Switch to Deploy token',
    ],
    ['read-only token asked for push', { fixed: FIX }, TOKEN, failed('insufficient-access', { granted: ['pull'] }), 'Log in for pull only'],
    ['anything else', { fixed: FIX }, TOKEN, failed('invalid-credentials'), 'Enter the token again'],
  ])('%s', (_name, init, token, verdict, first) => {
    const s = at(init, verdict, token);
    expect(s.step).toBe('result');
    const choices = failureChoices(s);
    expect(choices[0]!.label).toBe(first);
    expect(choices.map((c) => c.label).slice(-2)).toEqual(['Troubleshoot', 'Quit']);
  });

  test('each named action re-checks the same token or asks what it names', () => {
    const base = at({ fixed: FIX }, failed('insufficient-access', { granted: ['pull'] }));
    const pull = reducer(base, { type: 'amend', key: 'access', value: 'pull' });
    expect(pull.step).toBe('verifying');
    expect(effective(pull).access).toBe('pull');
    const sw = reducer(at({ fixed: FIX }, failed('invalid-credentials'), { type: 'token', looksLike: 'deploy-token' }), {
      type: 'amend',
      key: 'credentialType',
      value: 'deploy-token',
    });
    expect(sw.step).toBe('username');
    expect(sw.tokenEntered).toBe(true);
    const reg = reducer(at({ fixed: FIX }, failed('unreachable')), { type: 'retry', to: 'registry' });
    expect(reg.step).toBe('registry');
    expect(reducer(reg, answer('registry', 'r2')).step).toBe('verifying');
    expect(reducer(at({ fixed: FIX }, failed('unreachable')), { type: 'quit' }).step).toBe('closed');
  });
});

describe('what people type', () => {
  test.each([
    ['gitlab.example.com', { gitlab: 'https://gitlab.example.com' }],
    ['https://gitlab.example.com/', { gitlab: 'https://gitlab.example.com' }],
    ['https://host.example/gitlab', { gitlab: 'https://host.example/gitlab' }],
    ['https://gitlab.example.com/acme/app', { gitlab: 'https://gitlab.example.com', project: 'acme/app' }],
    ['https://gitlab.example.com/Acme/sub/App/-/tree/main', { gitlab: 'https://gitlab.example.com', project: 'acme/sub/app' }],
  ])('GitLab %s', (input, expected) => expect(splitGitlabInput(input)).toEqual(expected));
  test.each([
    ['registry.example.com', { registry: 'registry.example.com' }],
    ['https://registry.example.com', { registry: 'registry.example.com' }],
    ['https://registry.example.com/', { registry: 'registry.example.com' }],
    ['registry.example.com:5050/group/project', { registry: 'registry.example.com:5050', project: 'group/project' }],
    ['registry.example.com/group/project:latest', { registry: 'registry.example.com', project: 'group/project' }],
  ])('registry %s', (input, expected) => expect(splitRegistryInput(input)).toEqual(expected));
  test('a prefix names a type only without doubt', () => {
    expect(typeOfPrefix('gldt-abc')).toBe('deploy-token');
    expect(typeOfPrefix('glpat-abc')).toBeUndefined();
    expect(typeOfPrefix('abc')).toBeUndefined();
  });
});

test('the conf store lists the remembered instances, the last used first', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { openConfStore, rememberedInstances } = await import('../../src/core/remembered.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-inst-'));
  try {
    const store = await openConfStore({ cwd: dir });
    expect(rememberedInstances(store)).toEqual([]);
    await store.save({ gitlab: 'https://a.example' });
    await store.save({ gitlab: 'https://b.example' });
    await store.save({ gitlab: 'https://a.example', registry: 'r' });
    expect(rememberedInstances(store)).toEqual(['https://a.example', 'https://b.example']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the wizard's request: an answer given before the wizard keeps its source while unchanged; once changed it is the person's", () => {
  const values = { gitlab: 'https://gitlab.example.com', registry: 'registry.example.com' };
  // --registry alone: the instance the realm names is no trust anchor (core/session.ts instanceOf) and is not remembered.
  const given = wizardRequest({ fixed: ['gitlab', 'registry'] }, values, { gitlab: 'realm', registry: 'flag' });
  expect([given.gitlab?.source, given.registry?.source]).toEqual(['realm', 'flag']);
  // The person changed the instance from the failure menu (no longer fixed): typed, theirs.
  const changed = wizardRequest({ fixed: ['registry'] }, values, { gitlab: 'realm', registry: 'flag' });
  expect([changed.gitlab?.source, changed.registry?.source]).toEqual(['typed', 'flag']);
});

test('wizardInit: given answers fixed, remembered and implied ones offered, "one Enter" only with something of last time', () => {
  const request = requestFrom(
    { gitlab: 'https://gitlab.example.com', registry: 'registry.example.com', credentialType: 'personal-access-token', project: 'g/app' },
    { gitlab: 'realm', registry: 'flag', credentialType: 'remembered', project: 'remembered' },
  );
  const init = wizardInit(request, { access: 'pull' }, false);
  expect(init.fixed).toEqual({ gitlab: 'https://gitlab.example.com', registry: 'registry.example.com' });
  expect(init.defaults).toEqual({ access: 'pull', credentialType: 'personal-access-token', project: 'g/app' });
  expect(init.offerConfirm).toBe(true);
  expect(init.instanceSource).toBeUndefined();
  // A git remote's project is offered, not known: it is asked (with the remote's as the default).
  const remote = wizardInit(
    requestFrom({ ...valuesOf(request), project: 'g/app' }, { ...sourcesOf(request), project: 'git-remote' }),
    { access: 'pull' },
    false,
  );
  expect(remote.defaults).toMatchObject({ project: 'g/app' });
  expect(remote.offerConfirm).toBe(false);
  // Only implied answers: nothing of last time's to confirm.
  const none = wizardInit(requestFrom({ registry: 'registry.example.com' }, { registry: 'flag' }), { access: 'pull' }, false);
  expect(none.offerConfirm).toBe(false);
});
