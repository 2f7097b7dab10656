// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/** One component per wizard step. They render state and collect answers; nothing else. */
import React from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './keys.js';
import { Spinner } from './Spinner.js';
import {
  CREDENTIAL_TYPES,
  CREDENTIALS,
  needsSentence,
  requiredScopes,
  requiredRole,
  scopesAside,
  usernameOptional,
  type Access,
  type CredentialType,
} from '../core/credentials.js';
import { parseProject } from '../core/hosts.js';
import { splitGitlabInput, splitRegistryInput } from '../core/wizard.js';
import { checkUsername } from '../core/secret.js';
import { InputError } from '../core/errors.js';
import { pushCheckNote, SELF_ROTATE, tokenPage, tokenPageNotes } from '../core/links.js';
import { ciSnippet } from '../core/snippet.js';
import type { CiType } from '../core/ci.js';
import type { Step as CheckStep } from '../core/verify.js';
import type { Verdict } from '../core/verdict.js';
import type { FailureChoice, InstanceSource, WizardAnswers } from '../core/wizard.js';
import { Choice } from './Choice.js';
import { LineInput } from './LineInput.js';
import { Link } from './Link.js';
import { Verbatim } from './Verbatim.js';
import { FixText } from './FixText.js';
import { Para } from './Para.js';
import { Marked } from './Marked.js';

const problem = (f: () => unknown) => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
};

function Question({ title, children, hint }: { title: string; children: React.ReactNode; hint?: string | undefined }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Para bold>{title}</Para>
      {hint ? <Para dimColor>{hint}</Para> : null}
      {children}
    </Box>
  );
}

export function Welcome() {
  return (
    <Box flexDirection="column">
      <Para>
        Welcome! This logs docker in to a GitLab container registry: a few questions, then your token is checked against the registry before docker sees it.
      </Para>
      <Para dimColor>The token is never stored by this tool; only your non-secret answers are remembered for next time.</Para>
    </Box>
  );
}

export function ConfirmStep({ answers, onContinue, onEdit }: { answers: WizardAnswers; onContinue: () => void; onEdit: () => void }) {
  useKeys((input, key) => {
    if (key.return) onContinue();
    else if (input === 'e') onEdit();
  });
  const a = answers;
  return (
    <Question title="Log in again with your last answers?">
      <Para>
        {'  '}
        {a.username && !(a.credentialType && usernameOptional(a.credentialType)) ? `${a.username} · ` : ''}
        {a.credentialType ? CREDENTIALS[a.credentialType].label : ''} · {a.access === 'push' ? 'pull and push' : 'pull'} · {a.registry}
        {a.project ? ` · ${a.project}` : ''}
      </Para>
    </Question>
  );
}

export function GitlabStep({
  defaultValue,
  source,
  remembered = [],
  onAnswer,
}: {
  defaultValue?: string | undefined;
  source?: InstanceSource | undefined;
  remembered?: string[];
  onAnswer: (url: string, project?: string) => void;
}) {
  const [custom, setCustom] = React.useState(false);
  const fromDefault = defaultValue && defaultValue !== 'https://gitlab.com' ? defaultValue : undefined;
  if (custom) {
    return (
      <Question title="Your GitLab's URL" hint="e.g. https://gitlab.example.com, or a project's page">
        <LineInput
          defaultValue={fromDefault ?? ''}
          validate={(v) => problem(() => splitGitlabInput(v))}
          onSubmit={(v) => {
            const { gitlab, project } = splitGitlabInput(v);
            onAnswer(gitlab, project);
          }}
        />
      </Question>
    );
  }
  const seen = new Set<string>(['https://gitlab.com']);
  const options: Array<{ value: string; label: string; hint?: string }> = [];
  if (fromDefault) {
    seen.add(fromDefault);
    options.push({
      value: fromDefault,
      label: fromDefault,
      hint: source === 'git remote' ? "from this checkout's git remote" : source === 'last time' ? 'from last time' : '',
    });
  }
  for (const r of remembered) {
    if (seen.has(r)) continue;
    seen.add(r);
    options.push({ value: r, label: r, hint: 'used before' });
  }
  options.push({ value: 'https://gitlab.com', label: 'gitlab.com' }, { value: 'custom', label: 'Self-managed GitLab…', hint: 'type its URL' });
  return (
    <Question title="Which GitLab?">
      <Choice
        options={options}
        defaultValue={defaultValue}
        reserve={4}
        question="Which GitLab?"
        onSelect={(v) => (v === 'custom' ? setCustom(true) : onAnswer(v))}
      />
    </Question>
  );
}

export function RegistryStep({
  defaultValue,
  discovering,
  discoveryProblem,
  probe,
  onAnswer,
}: {
  defaultValue?: string | undefined;
  discovering: boolean;
  discoveryProblem?: string | undefined;
  probe: (registry: string) => Promise<string | undefined>;
  onAnswer: (registry: string, project?: string) => void;
}) {
  const [checking, setChecking] = React.useState(false);
  const [trouble, setTrouble] = React.useState<{ value: string; message: string } | undefined>();
  const [attempt, setAttempt] = React.useState(0);
  if (discovering) {
    return (
      <Question title="Container registry">
        <Spinner label="Looking for the registry…" />
      </Question>
    );
  }
  if (checking) {
    return (
      <Question title="Container registry">
        <Spinner label="Checking that the registry answers…" />
      </Question>
    );
  }
  const hint = trouble
    ? undefined
    : defaultValue
      ? 'Found it; Enter to confirm, or edit it.'
      : "As shown on a project's Deploy > Container registry page, e.g. registry.example.com";
  return (
    <Question title="Container registry" hint={hint}>
      {discoveryProblem && !defaultValue && !trouble ? (
        <Marked mark="⚠" color="yellow">
          {discoveryProblem}
        </Marked>
      ) : null}
      {/* Keyed by the default: a registry discovered after the first render must reach the input. */}
      <LineInput
        key={`${defaultValue ?? ''}#${attempt}`}
        defaultValue={trouble?.value ?? defaultValue ?? ''}
        validate={(v) => problem(() => splitRegistryInput(v))}
        onSubmit={(v) => {
          const { registry, project } = splitRegistryInput(v);
          // Entered again unchanged after a failed check: the person knows better (a VPN not up yet).
          if (registry === defaultValue || (trouble && trouble.value === v)) return onAnswer(registry, project);
          setChecking(true);
          void probe(registry).then((message) => {
            setChecking(false);
            if (message === undefined) onAnswer(registry, project);
            else {
              setTrouble({ value: v, message });
              setAttempt((n) => n + 1);
            }
          });
        }}
      />
      {trouble ? (
        <Box flexDirection="column">
          <Marked mark="✘" color="red">
            {trouble.message}
          </Marked>
          <Para dimColor>Edit it, or Enter to keep it anyway.</Para>
        </Box>
      ) : null}
    </Question>
  );
}

export function TypeStep({ defaultValue, onAnswer }: { defaultValue?: CredentialType | undefined; onAnswer: (t: CredentialType) => void }) {
  return (
    <Question title="Which credential do you have, or will you create?">
      <Choice
        options={CREDENTIAL_TYPES.map((t) => ({ value: t, label: CREDENTIALS[t].label, hint: CREDENTIALS[t].when }))}
        defaultValue={defaultValue}
        reserve={4}
        question="Which credential do you have, or will you create?"
        onSelect={onAnswer}
      />
    </Question>
  );
}

export function CiOnlyStep({ type, onClose }: { type: CredentialType; onClose: () => void }) {
  useKeys((input, key) => {
    if (key.return || input === 'q') onClose();
  });
  return (
    <Question title={`${CREDENTIALS[type].label} exists only inside a GitLab CI/CD job`}>
      <Para>Nothing to type here: GitLab fills it in for each job. A job for your .gitlab-ci.yml:</Para>
      <Box flexDirection="column" marginY={1}>
        {ciSnippet(type as CiType, 'push')
          .trimEnd()
          .split('\n')
          .map((line, i) => (
            <Verbatim key={i} text={line} color="green" />
          ))}
      </Box>
      <Para>Pull only:</Para>
      <Verbatim text={`gitlab-registry-login snippet --type ${type}`} />
    </Question>
  );
}

export function AccessStep({ defaultValue, onAnswer }: { defaultValue?: Access | undefined; onAnswer: (a: Access) => void }) {
  return (
    <Question title="What do you need to do?">
      <Choice<Access>
        options={[
          { value: 'pull', label: 'Pull images', hint: 'docker pull' },
          { value: 'push', label: 'Pull and push images', hint: 'docker push too' },
        ]}
        defaultValue={defaultValue}
        onSelect={onAnswer}
      />
    </Question>
  );
}

/** What the credential needs and where to create it: shown above the token prompt. */
export function Needs({
  gitlab,
  type,
  access,
  project,
  links,
  canOpen,
  renewable,
}: {
  gitlab: string;
  type: CredentialType;
  access: Access;
  project?: string | undefined;
  links: boolean;
  canOpen: boolean;
  /** "Let gitlab-registry-login renew this token": on, off, or undefined when not offered (no self_rotate scope). */
  renewable?: boolean | undefined;
}) {
  const info = CREDENTIALS[type];
  const page = tokenPage(gitlab, type, access, project || undefined, { selfRotate: renewable });
  return (
    <Box flexDirection="column" marginTop={1}>
      <Para bold>What you need</Para>
      {info.hasScopes ? (
        <>
          <Para>
            • Scopes: <Text bold>{[...requiredScopes(access), ...(renewable ? [SELF_ROTATE] : [])].join(' + ')}</Text>
            <Text dimColor> {scopesAside(type)}</Text>
          </Para>
          {type !== 'deploy-token' ? (
            <Para>
              • Role on the project: <Text bold>{requiredRole(access)}</Text> or higher
            </Para>
          ) : null}
        </>
      ) : (
        <Para>• {needsSentence(type, access)}</Para>
      )}
      {usernameOptional(type) ? (
        <Para>• Username: none to type. GitLab ignores it for this token; docker gets the account the token belongs to.</Para>
      ) : (
        <Para>• Username: {info.usernameHint}</Para>
      )}
      {renewable !== undefined ? <Renewal on={renewable} /> : null}
      {access === 'push' && project ? <Para dimColor>• {pushCheckNote(project)}</Para> : null}
      {/* Admin Mode concerns administrators' personal access tokens only. */}
      {type === 'personal-access-token' ? (
        <Para dimColor>• Administrators: Admin Mode does not apply to registry logins; no admin_mode scope is needed.</Para>
      ) : null}
      {page ? (
        <>
          <Para>• Create it here{canOpen ? ' (Enter opens it in your browser)' : ''}:</Para>
          <Link url={page} supported={links} />
          {tokenPageNotes(gitlab, type, access, project || undefined).map((n) =>
            // An alternate page is a link of its own; a note is text under the link.
            /^https?:\/\//.test(n) ? (
              <Link key={n} url={n} supported={links} />
            ) : (
              <Box key={n} marginLeft={2}>
                <Para dimColor>{n}</Para>
              </Box>
            ),
          )}
        </>
      ) : info.hasScopes ? (
        <Para>• Create it in the project's (or group's) Settings.</Para>
      ) : null}
    </Box>
  );
}

/**
 * The offer to let this tool renew the token (POST /personal_access_tokens/self/rotate with the `self_rotate` scope,
 * GitLab 17.9 and later: docs.gitlab.com/user/profile/personal_access_tokens/#personal-access-token-scopes). A
 * renewal revokes the token, so it suits a token used only for this login.
 */
function Renewal({ on }: { on: boolean }) {
  return on ? (
    <Para>
      • Renewal: <Text bold>on</Text>. With self_rotate, gitlab-registry-login can renew this token before it expires (GitLab 17.9 or later). Use the token only
      for this login: a renewal revokes it, so anything else using it stops working.
    </Para>
  ) : (
    <Para dimColor>
      • Renewal: Tab adds self_rotate, so gitlab-registry-login can renew this token before it expires (GitLab 17.9 or later; for a token used only for this
      login).
    </Para>
  );
}

/** The token prompt, under what the credential needs: paste as soon as the token exists. */
export function TokenStep({
  type,
  page,
  open,
  onToken,
  children,
}: {
  type: CredentialType;
  page?: string | undefined;
  open?: ((url: string) => void) | undefined;
  onToken: (token: string) => void;
  children?: React.ReactNode;
}) {
  const [opened, setOpened] = React.useState(false);
  const canOpen = Boolean(page && open);
  return (
    <>
      {children}
      <Question
        title={`Paste your ${CREDENTIALS[type].label.toLowerCase()}`}
        hint="Hidden as you type; it is sent only to your GitLab and to docker, never stored by this tool."
      >
        <LineInput
          mask
          validate={(v) => (v.trim() === '' ? (canOpen ? undefined : 'the token is empty') : undefined)}
          onSubmit={(v) => (v.trim() === '' ? undefined : onToken(v))}
          {...(canOpen
            ? {
                onEmptySubmit: () => {
                  open!(page!);
                  setOpened(true);
                },
              }
            : {})}
        />
        {opened ? <Para dimColor>Opened in your browser: create the token there, then paste it here.</Para> : null}
      </Question>
    </>
  );
}

export function UsernameStep({ type, defaultValue, onAnswer }: { type: CredentialType; defaultValue?: string | undefined; onAnswer: (u: string) => void }) {
  return (
    <Question title="Username" hint={CREDENTIALS[type].usernameHint}>
      <LineInput
        defaultValue={defaultValue ?? ''}
        placeholder={type === 'deploy-token' ? 'gitlab+deploy-token-42' : undefined}
        validate={(v) => problem(() => checkUsername(v))}
        onSubmit={(v) => onAnswer(checkUsername(v))}
      />
    </Question>
  );
}

export function ProjectStep({
  defaultValue,
  required = false,
  onAnswer,
}: {
  defaultValue?: string | undefined;
  /** Push: a path is needed, because push can only be proved on one. */
  required?: boolean;
  onAnswer: (p: string) => void;
}) {
  return (
    <Question
      title={required ? 'Project to push to' : 'Project to check (optional)'}
      hint={
        required
          ? 'group/project: push can only be proved on a path, so the project is needed to check it'
          : 'group/project whose pull/push access is checked; empty: check only the credential, as docker does'
      }
    >
      <LineInput
        defaultValue={defaultValue ?? ''}
        validate={(v) => (v.trim() === '' ? (required ? 'a project is needed to check push (e.g. group/app)' : undefined) : problem(() => parseProject(v)))}
        onSubmit={(v) => onAnswer(v.trim() === '' ? '' : parseProject(v))}
      />
    </Question>
  );
}

export function Checklist({ checks, running, warning }: { checks: CheckStep[]; running: boolean; warning?: string | undefined }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      {warning ? (
        <Marked mark="⚠" color="yellow">
          {warning}
        </Marked>
      ) : null}
      <Para bold>Verifying</Para>
      {checks.map((c) => (
        <Para key={c.id}>
          {c.status === 'pass' ? <Text color="green">✔</Text> : c.status === 'fail' ? <Text color="red">✘</Text> : <Text dimColor>-</Text>} {c.title}{' '}
          <Text dimColor>{c.ms} ms</Text>
        </Para>
      ))}
      {running ? <Spinner label="Asking the registry and GitLab…" /> : null}
    </Box>
  );
}

export function FailureStep({
  failure,
  choices,
  page,
  links,
  doctor,
  onChoose,
}: {
  failure: Verdict;
  choices: FailureChoice[];
  page?: string | undefined;
  links: boolean;
  doctor?: string | undefined;
  onChoose: (c: FailureChoice) => void;
}) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Marked mark="✘" color="red">
        {failure.message}
      </Marked>
      {failure.fix ? <FixText fix={failure.fix} links={links} /> : null}
      {page && !failure.fix.includes(page) ? (
        <>
          <Para>Create one here:</Para>
          <Link url={page} supported={links} />
        </>
      ) : null}
      {doctor === '' ? <Spinner label="Checking every link from docker to GitLab…" /> : null}
      <Box marginTop={1}>
        <Choice
          options={choices.map((c) => ({ value: c.id, label: c.label, ...(c.hint ? { hint: c.hint } : {}) }))}
          reserve={3}
          onSelect={(id) => onChoose(choices.find((c) => c.id === id)!)}
        />
      </Box>
    </Box>
  );
}

/** doctor's report inside the wizard: each line wraps under its own indent. */
export function DoctorReport({ text }: { text: string }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      {text
        .trimEnd()
        .split('\n')
        .map((line, i) => {
          const lead = /^ */.exec(line)![0].length;
          return (
            <Box key={i} marginLeft={lead}>
              <Para>{line.slice(lead) || ' '}</Para>
            </Box>
          );
        })}
    </Box>
  );
}

export function LoggingIn({ engine, waiting }: { engine: string; waiting?: string | undefined }) {
  return (
    <Box flexDirection="column">
      <Spinner label={`Running ${engine} login…`} />
      {waiting ? <Text color="yellow">{waiting}</Text> : null}
    </Box>
  );
}

export { DoneStep } from './Done.js';
