// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/** The done screen: what was verified and stored, whose login it is and how long the token lasts, and what next. */
import { Box, Text } from 'ink';
import type { VerifyResult } from '../core/verify.js';
import type { EngineLoginResult } from '../core/engine.js';
import { expiryAdvice, expiryWarning, tokenLine } from '../core/tokeninfo.js';
import { Link } from './Link.js';
import { Verbatim } from './Verbatim.js';
import { Para } from './Para.js';
import { Marked } from './Marked.js';

export function DoneStep({
  verify,
  login,
  registry,
  project,
  rememberProblem,
  links = false,
}: {
  verify: VerifyResult;
  login: EngineLoginResult;
  registry: string;
  project?: string | undefined;
  rememberProblem?: string | undefined;
  links?: boolean;
}) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Marked mark="✔" color="green">
        {verify.message}
      </Marked>
      <Marked mark="✔" color="green">
        {login.message}
      </Marked>
      <Storage login={login} registry={registry} />
      <Account verify={verify} links={links} />
      {rememberProblem ? (
        <Marked mark="⚠" color="yellow">
          {rememberProblem}
        </Marked>
      ) : null}
      <NextCommands verify={verify} registry={registry} project={project} />
    </Box>
  );
}

/** Where the engine keeps the login, and docker's "stored unencrypted" warning explained when it printed it. */
function Storage({ login, registry }: { login: EngineLoginResult; registry: string }) {
  const s = login.storage;
  return (
    <>
      {/* Indented by a margin, not spaces: a line that wraps keeps its indent. */}
      {s?.kind === 'helper' ? (
        <Box marginLeft={2}>
          <Para>
            Stored by the credential helper docker-credential-{s.helper} (config: {s.file}).
          </Para>
        </Box>
      ) : s?.insecure ? (
        <Box marginLeft={2}>
          <Text>
            The token is now stored base64 (not encrypted) in {s.file}, for {registry} only (credHelpers["{registry}"] = ""); credsStore and your other logins
            are unchanged. The config as it was: {s.insecure.backup}. To undo: `docker logout {registry}`, then delete "{registry}" from credHelpers in {s.file}
            .
          </Text>
        </Box>
      ) : s ? (
        <Box marginLeft={2}>
          <Para>Stored in {s.file}.</Para>
        </Box>
      ) : null}
      {/* Explained only when docker printed it. */}
      {s && s.kind !== 'helper' && login.warning ? (
        <>
          <Box marginLeft={2}>
            <Para dimColor>
              docker's "stored unencrypted" warning means the file holds the token in base64, readable by anyone who can read the file. A credential helper
              keeps it in your keyring instead:
            </Para>
          </Box>
          <Link url="https://docs.docker.com/reference/cli/docker/login/#credential-stores" supported={false} />
        </>
      ) : null}
    </>
  );
}

/**
 * Whose login it is (the account GitLab named) and the token's record from `GET /personal_access_tokens/self`,
 * asked by the verification alongside the registry checks (core/verify.ts): name, scopes, "expires 2026-12-31
 * (31 days)"; within 14 days a warning with the page that creates its successor, whole on its own line.
 */
export function Account({ verify, links }: { verify: VerifyResult; links: boolean }) {
  const t = verify.token;
  // Within 14 days: "renew it now" for a token that may rotate itself, else the page that creates its successor
  // (core/tokeninfo.ts expiryAdvice, as login, verify and status say it); the link stands on lines of its own.
  const advice = t ? expiryAdvice(t, verify.gitlab, verify.credentialType, verify.projectPath ?? verify.project, verify.registry) : undefined;
  // The warning's text without the successor link (no instance given): that link stands on lines of its own below.
  const warning = t && advice ? expiryWarning(t, undefined, verify.credentialType, verify.project, verify.registry) : undefined;
  const successor = advice?.kind === 'successor' ? advice.link : undefined;
  return (
    <>
      <Box flexDirection="column" marginLeft={2}>
        {verify.account ? <Para>Account: {verify.account}</Para> : null}
        {t ? <Para dimColor={t.state === 'unavailable'}>{tokenLine(t)}</Para> : null}
      </Box>
      {(verify.remarks ?? []).map((r) => (
        <Marked key={r} mark="⚠" color="yellow">
          {r}
        </Marked>
      ))}
      {warning ? (
        <Marked mark="⚠" color="yellow">
          {warning}
        </Marked>
      ) : null}
      {/* A link stands whole on lines of its own, at the left edge (Verbatim.tsx). */}
      {successor ? <Link url={successor} supported={links} /> : null}
    </>
  );
}

/** The commands to run next, each whole on its own lines: copied, it runs. */
function NextCommands({ verify, registry, project }: { verify: VerifyResult; registry: string; project?: string | undefined }) {
  const image = `${registry}/${project || 'GROUP/PROJECT'}`;
  const push = verify.granted?.includes('push') || (!project && verify.ok);
  return (
    <Box flexDirection="column" marginTop={1}>
      {project ? (
        <Para>
          Image path: <Text bold>{image}</Text>
        </Para>
      ) : null}
      <Para bold>Next:</Para>
      <Verbatim text={`docker pull ${image}:latest`} />
      {push ? <Verbatim text={`docker build -t ${image}:latest .`} /> : null}
      {push ? <Verbatim text={`docker push ${image}:latest`} /> : null}
      <Para dimColor>This login, its account and the token&apos;s expiry, any time:</Para>
      <Verbatim text="gitlab-registry-login status" />
    </Box>
  );
}
