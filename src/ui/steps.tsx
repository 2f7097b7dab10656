/** One component per wizard step. They render state and collect answers; nothing else. */
import React from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './keys.js';
import { Spinner } from './Spinner.js';
import { CREDENTIAL_TYPES, CREDENTIALS, needsSentence, requiredScopes, requiredRole, scopesAside, type Access, type CredentialType } from '../core/credentials.js';
import { parseGitlabUrl, parseProject, parseRegistry } from '../core/hosts.js';
import { checkUsername } from '../core/secret.js';
import { InputError } from '../core/errors.js';
import { tokenPage, tokenPageNotes } from '../core/links.js';
import { ciSnippet } from '../core/snippet.js';
import type { CiType } from '../core/ci.js';
import type { Step as CheckStep, VerifyResult } from '../core/verify.js';
import type { EngineLoginResult } from '../core/engine.js';
import type { Verdict } from '../core/verdict.js';
import type { WizardAnswers } from '../core/wizard.js';
import { Choice } from './Choice.js';
import { LineInput } from './LineInput.js';
import { Link } from './Link.js';

const problem = (f: () => unknown) => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
};

function Question({ title, children, hint }: { title: string; children: React.ReactNode; hint?: string }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>{title}</Text>
      {hint ? <Text dimColor>{hint}</Text> : null}
      {children}
    </Box>
  );
}

/** A line led by a mark (✔, ✘, ⚠) whose wrapped lines stay under the text, not under the mark. */
function Marked({ mark, color, children }: { mark: string; color: string; children: React.ReactNode }) {
  return (
    <Box>
      <Text color={color}>{mark} </Text>
      <Box flexShrink={1}>
        <Text color={color}>{children}</Text>
      </Box>
    </Box>
  );
}

export function Welcome() {
  return (
    <Box flexDirection="column">
      <Text>Welcome! This logs docker in to a GitLab container registry: a few questions, then your token is checked against the registry before docker sees it.</Text>
      <Text dimColor>The token is never stored by this tool; only your non-secret answers are remembered for next time.</Text>
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
      <Text>
        {'  '}
        {a.username} · {a.credentialType ? CREDENTIALS[a.credentialType].label : ''} · {a.access === 'push' ? 'pull and push' : 'pull'} · {a.registry}
        {a.project ? ` · ${a.project}` : ''}
      </Text>
      <Text dimColor>  Enter: yes, ask for the token · e: change the answers · Esc: back</Text>
    </Question>
  );
}

export function GitlabStep({ defaultValue, onAnswer }: { defaultValue?: string | undefined; onAnswer: (url: string) => void }) {
  const [custom, setCustom] = React.useState(false);
  const fromDefault = defaultValue && defaultValue !== 'https://gitlab.com' ? defaultValue : undefined;
  if (custom) {
    return (
      <Question title="Your GitLab's URL" hint="e.g. https://gitlab.example.com">
        <LineInput
          defaultValue={fromDefault ?? ''}
          validate={(v) => problem(() => parseGitlabUrl(v))}
          onSubmit={(v) => {
            const u = parseGitlabUrl(v);
            onAnswer(`${u.origin}${u.pathname === '/' ? '' : u.pathname}`);
          }}
        />
      </Question>
    );
  }
  const options = [
    ...(fromDefault ? [{ value: fromDefault, label: fromDefault, hint: 'from this checkout\'s git remote or last time' }] : []),
    { value: 'https://gitlab.com', label: 'gitlab.com' },
    { value: 'custom', label: 'Self-managed GitLab…', hint: 'type its URL' },
  ];
  return (
    <Question title="Which GitLab?">
      <Choice options={options} defaultValue={defaultValue} onSelect={(v) => (v === 'custom' ? setCustom(true) : onAnswer(v))} />
    </Question>
  );
}

export function RegistryStep({ defaultValue, discovering, onAnswer }: { defaultValue?: string | undefined; discovering: boolean; onAnswer: (registry: string) => void }) {
  if (discovering) {
    return (
      <Question title="Container registry">
        <Spinner label="Looking for the registry…" />
      </Question>
    );
  }
  return (
    <Question title="Container registry" hint={defaultValue ? 'Found it; Enter to confirm, or edit it.' : 'As shown on a project\'s Deploy > Container registry page, e.g. registry.example.com'}>
      {/* Keyed by the default: a registry discovered after the first render must reach the input. */}
      <LineInput key={defaultValue ?? ''} defaultValue={defaultValue ?? ''} validate={(v) => problem(() => parseRegistry(v))} onSubmit={(v) => onAnswer(parseRegistry(v).registry)} />
    </Question>
  );
}

export function TypeStep({ defaultValue, onAnswer }: { defaultValue?: CredentialType | undefined; onAnswer: (t: CredentialType) => void }) {
  return (
    <Question title="Which credential do you have, or will you create?">
      <Choice options={CREDENTIAL_TYPES.map((t) => ({ value: t, label: CREDENTIALS[t].label, hint: CREDENTIALS[t].when }))} defaultValue={defaultValue} onSelect={onAnswer} />
    </Question>
  );
}

export function CiOnlyStep({ type }: { type: CredentialType }) {
  return (
    <Question title={`${CREDENTIALS[type].label} exists only inside a GitLab CI/CD job`}>
      <Text>Nothing to type here: GitLab fills it in for each job. A job for your .gitlab-ci.yml:</Text>
      <Box marginLeft={2} marginY={1}>
        <Text color="green">{ciSnippet(type as CiType, 'push')}</Text>
      </Box>
      <Text dimColor>Pull only: gitlab-registry-login snippet --type {type} · Esc: choose another credential · Ctrl-C: quit</Text>
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

export function NeedsStep({ gitlab, type, access, project, links, onContinue }: { gitlab: string; type: CredentialType; access: Access; project?: string | undefined; links: boolean; onContinue: () => void }) {
  useKeys((_i, key) => {
    if (key.return) onContinue();
  });
  const info = CREDENTIALS[type];
  const page = tokenPage(gitlab, type, access, project || undefined);
  return (
    <Question title="What you need">
      {info.hasScopes ? (
        <>
          <Text>
            • Scopes: <Text bold>{requiredScopes(access).join(' + ')}</Text>
            <Text dimColor> {scopesAside(type)}</Text>
          </Text>
          {type !== 'deploy-token' ? (
            <Text>
              • Role on the project: <Text bold>{requiredRole(access)}</Text> or higher
            </Text>
          ) : null}
        </>
      ) : (
        <Text>• {needsSentence(type, access)}</Text>
      )}
      <Text>• Username: {info.usernameHint}</Text>
      <Text>• Admin Mode does not apply to registry logins: no admin_mode scope is needed.</Text>
      {page ? (
        <Box flexDirection="column">
          <Text>• Create it here:</Text>
          <Box marginLeft={2}>
            <Link url={page} supported={links} />
          </Box>
          {tokenPageNotes(gitlab, type, access, project || undefined).map((n) => (
            <Box key={n} marginLeft={2}>
              <Text dimColor>{n}</Text>
            </Box>
          ))}
        </Box>
      ) : info.hasScopes ? (
        <Text>• Create it in the project's (or group's) Settings.</Text>
      ) : null}
      <Text dimColor>Enter: continue · Esc: back</Text>
    </Question>
  );
}

export function UsernameStep({ type, defaultValue, onAnswer }: { type: CredentialType; defaultValue?: string | undefined; onAnswer: (u: string) => void }) {
  return (
    <Question title="Username" hint={CREDENTIALS[type].usernameHint}>
      <LineInput defaultValue={defaultValue ?? ''} placeholder={type === 'deploy-token' ? 'gitlab+deploy-token-42' : undefined} validate={(v) => problem(() => checkUsername(v))} onSubmit={(v) => onAnswer(checkUsername(v))} />
    </Question>
  );
}

export function ProjectStep({ defaultValue, onAnswer }: { defaultValue?: string | undefined; onAnswer: (p: string) => void }) {
  return (
    <Question title="Project to check (optional)" hint="group/project whose pull/push access is checked; empty: check only the credential, as docker does">
      <LineInput defaultValue={defaultValue ?? ''} validate={(v) => (v.trim() === '' ? undefined : problem(() => parseProject(v)))} onSubmit={(v) => onAnswer(v.trim() === '' ? '' : parseProject(v))} />
    </Question>
  );
}

export function TokenStep({ type, onToken }: { type: CredentialType; onToken: (token: string) => void }) {
  return (
    <Question title={`Paste your ${CREDENTIALS[type].label.toLowerCase()}`} hint="Hidden as you type; it is sent only to your GitLab and to docker, never stored by this tool.">
      <LineInput mask validate={(v) => (v.trim() === '' ? 'the token is empty' : undefined)} onSubmit={onToken} />
    </Question>
  );
}

export function Checklist({ checks, running, warning }: { checks: CheckStep[]; running: boolean; warning?: string | undefined }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      {warning ? <Marked mark="⚠" color="yellow">{warning}</Marked> : null}
      <Text bold>Verifying</Text>
      {checks.map((c) => (
        <Text key={c.id}>
          {c.status === 'pass' ? <Text color="green">✔</Text> : c.status === 'fail' ? <Text color="red">✘</Text> : <Text dimColor>-</Text>} {c.title} <Text dimColor>{c.ms} ms</Text>
        </Text>
      ))}
      {running ? <Spinner label="Asking the registry and GitLab…" /> : null}
    </Box>
  );
}

export type ResultChoice = 'token' | 'type' | 'troubleshoot' | 'quit';

export function FailureStep({ failure, onChoose }: { failure: Verdict; onChoose: (c: ResultChoice) => void }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Marked mark="✘" color="red">{failure.message}</Marked>
      {failure.fix ? (
        <Box marginLeft={2}>
          <Text>
            <Text bold>Fix: </Text>
            {failure.fix}
          </Text>
        </Box>
      ) : null}
      <Box marginTop={1}>
        <Choice<ResultChoice>
          options={[
            { value: 'token', label: 'Enter the token again' },
            { value: 'type', label: 'Change the credential type or access' },
            { value: 'troubleshoot', label: 'Troubleshoot', hint: 'check every link from docker to GitLab' },
            { value: 'quit', label: 'Quit' },
          ]}
          onSelect={onChoose}
        />
      </Box>
    </Box>
  );
}

export function LoggingIn({ engine }: { engine: string }) {
  return <Spinner label={`Running ${engine} login…`} />;
}

export function DoneStep({ verify, login, registry, project, rememberProblem }: { verify: VerifyResult; login: EngineLoginResult; registry: string; project?: string | undefined; rememberProblem?: string | undefined }) {
  const image = `${registry}/${project || 'GROUP/PROJECT'}`;
  const s = login.storage;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Marked mark="✔" color="green">{verify.message}</Marked>
      <Marked mark="✔" color="green">{login.message}</Marked>
      {/* Indented by a margin, not spaces: a line that wraps keeps its indent. */}
      {s?.kind === 'helper' ? (
        <Box marginLeft={2}>
          <Text>Stored by the credential helper docker-credential-{s.helper} (config: {s.file}).</Text>
        </Box>
      ) : s ? (
        <Box flexDirection="column" marginLeft={2}>
          <Text>Stored in {s.file}.</Text>
          <Text dimColor>docker's "stored unencrypted" warning means the file holds the token in base64, readable by anyone who can read the file.</Text>
          <Text dimColor>A credential helper keeps it in your keyring instead: https://docs.docker.com/reference/cli/docker/login/#credential-stores</Text>
        </Box>
      ) : null}
      {rememberProblem ? <Marked mark="⚠" color="yellow">{rememberProblem}</Marked> : null}
      <Box flexDirection="column" marginTop={1}>
        {project ? <Text>Image path: <Text bold>{image}</Text></Text> : null}
        <Text bold>Next:</Text>
        <Box flexDirection="column" marginLeft={2}>
          <Text>docker pull {image}:latest</Text>
          {verify.granted?.includes('push') || (!project && verify.ok) ? <Text>docker build -t {image}:latest . && docker push {image}:latest</Text> : null}
        </Box>
      </Box>
    </Box>
  );
}
