/**
 * What docker/podman/GitLab error lines mean and what to do: one table, used by the engine login's
 * classification and by `doctor --error`, so the same failure reads the same everywhere.
 */
import type { VerdictCode } from './verdict.js';

export interface Explanation {
  /** Stable id of the pattern. */
  id: string;
  cause: string;
  fix: string;
  verdict?: VerdictCode;
}

type Rule = { id: string; re: RegExp; verdict?: VerdictCode; cause: (r: string) => string; fix: (r: string) => string };

const R = (r: string) => (r ? r : 'HOST');

// Order matters: the more specific text first.
const RULES: Rule[] = [
  {
    id: 'registry-rejects-gitlab-token',
    re: /login attempt to \S+ failed with status: 401 Unauthorized/i,
    verdict: 'registry-rejected-token',
    cause: () => 'The registry rejected the login (401) although GitLab issued a token: the registry and GitLab disagree on the token signing key, issuer or service, or their clocks differ.',
    fix: () => 'A server-side fault for the instance admin (registry auth.token settings, the GitLab registry key, NTP); `gitlab-registry-login doctor` checks the clock.',
  },
  {
    id: 'http-basic-access-denied',
    re: /HTTP Basic: Access denied/i,
    verdict: 'invalid-credentials',
    cause: () => 'GitLab rejected the username and token: the token is wrong, expired or revoked; a deploy token was used with another username than its own; or a password was used on an account with two-factor authentication.',
    fix: () => 'Use a token (not your password), with its exact username for deploy tokens (gitlab+deploy-token-N); create a new token if it expired. `gitlab-registry-login verify` tells which.',
  },
  {
    id: 'protected-path',
    re: /Pushing to protected repository path forbidden/i,
    verdict: 'insufficient-access',
    cause: () => 'A container repository protection rule forbids this credential to push to that path.',
    fix: () => 'Ask a Maintainer: Settings > Packages and registries > Protected container repositories decides who may push; or push to another path.',
  },
  {
    id: 'registry-not-enabled',
    re: /registry not enabled/i,
    verdict: 'registry-disabled',
    cause: () => 'The container registry is not enabled on this GitLab instance (or for this project).',
    fix: () => "An admin enables it (gitlab_rails['registry_enabled']); a project Owner turns it on under Settings > General > Visibility > Container registry.",
  },
  {
    id: 'access-forbidden',
    re: /denied: access forbidden|"code":"DENIED"/i,
    verdict: 'no-registry-scope',
    cause: () => 'GitLab accepted the credential but it may not use the registry: the token lacks read_registry/write_registry, or the user lacks the role on the project.',
    fix: () => 'Use a token with read_registry (pull) and write_registry (push), and at least Reporter (pull) or Developer (push) on the project.',
  },
  {
    id: 'requested-access-denied',
    re: /requested access to the resource is denied/i,
    verdict: 'insufficient-access',
    cause: () => "The registry refused this pull or push: the image path is not one you may use (a typo, a project that does not exist, or a name without the registry host so docker went to Docker Hub), or the credential lacks push (write_registry, Developer role).",
    fix: () => 'Tag the image as REGISTRY/group/project[/image] exactly as the project path, and check access with `gitlab-registry-login verify --project group/project --access push`.',
  },
  {
    id: 'no-basic-auth-credentials',
    re: /no basic auth credentials/i,
    cause: (r) => `docker has no stored login for ${R(r)}: it never logged in to that exact host and port, or the credential helper lost it.`,
    fix: () => 'Log in to the registry host exactly as the image names it: `gitlab-registry-login login`.',
  },
  {
    id: 'authentication-required',
    re: /unauthorized: authentication required|unauthorized: HTTP Basic|401 Unauthorized/i,
    verdict: 'invalid-credentials',
    cause: () => 'The registry wants a login this request did not have: not logged in, a stored credential that GitLab no longer accepts (expired or revoked token, a job token after its job ended), or a login to another host.',
    fix: () => 'Log in again (`gitlab-registry-login login`); `gitlab-registry-login doctor` checks whether the stored credential is still accepted.',
  },
  {
    id: 'dbus-secret-service',
    re: /Cannot autolaunch D-Bus|org\.freedesktop\.secrets|secretservice|dbus/i,
    verdict: 'login-failed',
    cause: () => "docker could not store the credential: its credential helper (named by credsStore or credHelpers in docker's config.json) needs a desktop keyring over D-Bus, which this session does not have.",
    fix: (r) => `Unlock or start the desktop keyring, or use docker-credential-pass on a headless machine; or keep just this registry's login in the file: \`gitlab-registry-login login --insecure-storage\` (credHelpers["${R(r)}"] = ""). Do not remove credsStore: your other logins are kept there.`,
  },
  {
    id: 'error-storing-credentials',
    re: /error storing credentials|error getting credentials|executable file not found.*docker-credential/i,
    verdict: 'login-failed',
    cause: () => 'docker could not store or read the credential with its credential helper.',
    fix: (r) => `Check that the helper named by "credsStore"/"credHelpers" in the docker config.json (docker-credential-NAME) is installed and works (\`docker-credential-NAME list\`), or keep just this registry's login in the file: \`gitlab-registry-login login --insecure-storage\` (credHelpers["${R(r)}"] = "").`,
  },
  {
    id: 'unknown-authority',
    re: /x509|certificate signed by unknown authority|certificate is not valid|certificate has expired/i,
    verdict: 'tls-error',
    cause: (r) => `docker does not trust ${R(r)}'s TLS certificate (a private CA, or an expired or wrong certificate).`,
    fix: (r) => `Put the CA certificate in /etc/docker/certs.d/${R(r)}/ca.crt (podman: /etc/containers/certs.d/${R(r)}/ca.crt); for this tool, --ca-file or NODE_EXTRA_CA_CERTS.`,
  },
  {
    id: 'http-response-to-https',
    re: /server gave HTTP response to HTTPS client/i,
    verdict: 'tls-error',
    cause: (r) => `${R(r)} answers plain HTTP, which docker refuses for registries off loopback.`,
    fix: () => 'Serve the registry over HTTPS; only as a last resort add it to "insecure-registries" in /etc/docker/daemon.json.',
  },
  {
    id: 'no-such-host',
    re: /no such host|ENOTFOUND|Name or service not known/i,
    verdict: 'unreachable',
    cause: (r) => `The name ${R(r)} cannot be resolved (cannot resolve it: a typo, a VPN-only host, or DNS trouble).`,
    fix: () => 'Check the spelling of the registry host; connect the VPN for an internal instance; check DNS and HTTPS_PROXY.',
  },
  {
    id: 'io-timeout',
    re: /i\/o timeout|timed out|deadline exceeded|TLS handshake timeout/i,
    verdict: 'unreachable',
    cause: (r) => `The connection to ${R(r)} timed out: a firewall, a proxy that is needed but not set, or the host is down.`,
    fix: () => 'Check the network, VPN and HTTPS_PROXY/NO_PROXY (docker reads them too; the daemon has its own proxy settings).',
  },
  {
    id: 'too-many-requests',
    re: /toomanyrequests|too many requests|rate limit/i,
    cause: () => 'The registry is rate-limiting you (many failed logins, or pull limits — on Docker Hub when the image name has no registry host).',
    fix: () => 'Wait a few minutes; stop retrying a failing login in a loop; check that image names carry your GitLab registry host.',
  },
  {
    id: 'permission-denied-config',
    re: /permission denied.*(config\.json|\.docker)|open .*\.docker.*permission denied/i,
    verdict: 'login-failed',
    cause: () => 'docker could not write its config file.',
    fix: () => 'Check the owner and permissions of the docker config folder (DOCKER_CONFIG or ~/.docker); it may have been created by root.',
  },
];

/** The registry host named in an error line, if any (`https://HOST/v2/`, `Get "https://HOST/..."`, `lookup HOST`). */
function hostIn(text: string): string {
  return /https?:\/\/([^/"\s]+)/.exec(text)?.[1] ?? /lookup ([^\s:]+)/.exec(text)?.[1] ?? '';
}

/** Explain an error text, or undefined when it is not recognised. */
export function explainError(text: string, registry = ''): Explanation | undefined {
  const r = registry || hostIn(text);
  for (const rule of RULES) {
    if (rule.re.test(text)) return { id: rule.id, cause: rule.cause(r), fix: rule.fix(r), ...(rule.verdict ? { verdict: rule.verdict } : {}) };
  }
  return undefined;
}

