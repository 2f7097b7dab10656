// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * What docker/podman/GitLab error lines mean and what to do: one table, used by the engine login's
 * classification and by `doctor --error`, so the same failure reads the same everywhere.
 */
import type { VerdictCode } from './verdict.js';
import { STORAGE_LIMIT_FIX } from './tokenresponse.js';

export interface Explanation {
  /** Stable id of the pattern. */
  id: string;
  cause: string;
  fix: string;
  verdict?: VerdictCode;
}

type Rule = { id: string; re: RegExp; verdict?: VerdictCode; cause: (r: string) => string; fix: (r: string) => string };

const R = (r: string) => (r ? r : 'HOST');

// Order matters: the more specific text first. Each rule's texts are real pastes, kept with their sources in
// test/unit/explain.test.ts; GitLab's own texts are cited from gitlabhq/gitlabhq.
const RULES: Rule[] = [
  {
    // ee/app/services/ee/auth/container_registry_authentication_service.rb `rescue StorageError`.
    id: 'namespace-storage-limit',
    re: /namespace storage limit has been reached/i,
    verdict: 'storage-limit',
    cause: () => "GitLab refuses pushes because the namespace's storage limit has been reached. The credential is fine, and pulling still works.",
    fix: () => STORAGE_LIMIT_FIX,
  },
  {
    // lib/gitlab/auth/ip_blocked.rb, rendered plain by app/controllers/application_controller.rb.
    id: 'ip-blocked',
    re: /Too many failed authentication attempts from this IP/i,
    verdict: 'ip-blocked',
    cause: () =>
      'GitLab refuses every sign-in from this IP address for now: too many failed authentications came from it (Git and registry logins together). The credential was not checked.',
    fix: () =>
      'Wait for the ban to lift (1 hour by default) and stop whatever keeps retrying a failing login from this IP (a CI job, a stored docker or git credential). Do not replace the token for this; an admin can lift the ban early.',
  },
  {
    // docker/cli: `docker login` with no -u, or -u without a password on stdin, and no terminal.
    id: 'non-tty-login',
    re: /Cannot perform an interactive login from a non[- ]TTY device/i,
    cause: () =>
      'docker login had no username or no password and no terminal to ask for them. In GitLab CI the usual reason is a variable that is empty in this job: a protected variable is not given to jobs on unprotected branches or tags.',
    fix: () =>
      'Check that the variables are set in this job (unprotect the variable, or protect the branch), then pass both: `printf %s "$TOKEN" | docker login REGISTRY -u "$USER" --password-stdin`. In a job, $CI_REGISTRY_USER and $CI_REGISTRY_PASSWORD always exist.',
  },
  {
    id: 'registry-rejects-gitlab-token',
    re: /login attempt to \S+ failed with status: 401 Unauthorized/i,
    verdict: 'registry-rejected-token',
    cause: () =>
      'The registry rejected the login (401) although GitLab issued a token: the registry and GitLab disagree on the token signing key, issuer or service, or their clocks differ.',
    fix: () =>
      'A server-side fault for the instance admin (registry auth.token settings, the GitLab registry key, NTP); `gitlab-registry-login doctor` checks the clock.',
  },
  {
    // docker's loginV2 when GET /v2/ answers 404: not a registry's /v2/ (docker/cli internal/registry).
    id: 'login-404',
    re: /login attempt to \S+ failed with status: 404 Not Found/i,
    verdict: 'not-a-registry',
    cause: (r) =>
      `${R(r)} is not a container registry: its /v2/ answered 404. With GitLab this is usually the login going to the GitLab web host instead of the registry host (registry.HOST, HOST:5050, or registry.gitlab.com).`,
    fix: () =>
      "Log in to the registry host, not the GitLab URL: `gitlab-registry-login doctor --gitlab https://GITLAB` finds it (or see the project's Deploy › Container registry page).",
  },
  {
    // docker decoding an HTML 404 page where a registry answers JSON.
    id: 'html-404',
    re: /error parsing HTTP 404 response body: (invalid character '<'|invalid character 'p' after top-level value|unexpected end of JSON input)/i,
    verdict: 'not-a-registry',
    cause: (r) =>
      `${R(r)} answered a registry request with a web page's 404, not a registry's JSON: the name points to a web server (often the GitLab web host, or a reverse proxy without the registry behind it), not to the container registry.`,
    fix: () =>
      'Use the registry host in docker login and in image names (registry.HOST, HOST:5050, or registry.gitlab.com); an admin checks the reverse proxy in front of the registry.',
  },
  {
    // An HTML or empty 403: from a proxy, WAF or CDN; GitLab and the registry answer JSON.
    id: 'proxy-403',
    re: /error parsing HTTP 403 response body/i,
    cause: () =>
      'A 403 that neither GitLab nor the registry wrote (they answer JSON): a proxy, firewall or CDN between you and the registry refused the request.',
    fix: () => "Check the proxy settings (HTTPS_PROXY, the docker daemon's own proxy) and ask the network or instance admin what blocks the registry.",
  },
  {
    id: 'http-basic-access-denied',
    re: /HTTP Basic: Access denied/i,
    verdict: 'invalid-credentials',
    cause: () =>
      'GitLab rejected the username and token: the token is wrong, expired or revoked; a deploy token was used with another username than its own; a password was used on an account with two-factor authentication; or the account is blocked or locked.',
    fix: () =>
      'Use a token (not your password), with its exact username for deploy tokens (gitlab+deploy-token-N); create a new token if it expired. `gitlab-registry-login verify` tells which.',
  },
  {
    // containers/image docker/errors.go ErrUnauthorizedForCredentials: the token endpoint answered 401.
    id: 'podman-invalid-username-password',
    re: /invalid username\/password/i,
    verdict: 'invalid-credentials',
    cause: () =>
      "The registry's token endpoint (GitLab's /jwt/auth) answered 401: podman/buildah hides GitLab's text. The username and token are wrong, expired or revoked, or a deploy token was used with another username; a stored login that is no longer valid gives the same text on pull.",
    fix: () =>
      "`gitlab-registry-login verify` shows GitLab's reason; log in again with a valid token (podman logout HOST, then login), or remove the stale entry from $REGISTRY_AUTH_FILE / ~/.docker/config.json for public images.",
  },
  {
    // containers/image: the token endpoint's status, without its body ("bear token" in older versions).
    id: 'podman-token-403',
    re: /Requesting bear(er)? token: invalid status code from registry 403/i,
    cause: () =>
      "GitLab's token endpoint refused (403); podman/buildah does not show GitLab's text. GitLab answers 403 to a request without a valid login for a private project (not logged in to this exact host), to a credential without read_registry/write_registry, to a protected repository path, to a push over the namespace storage limit, and to an IP banned after failed logins.",
    fix: () =>
      "Run `gitlab-registry-login verify --registry HOST --project GROUP/PROJECT` with the same credential: it shows GitLab's own reason. Log in to the exact registry host first if you have not.",
  },
  {
    id: 'podman-token-404',
    re: /Requesting bear(er)? token: invalid status code from registry 404/i,
    cause: () =>
      "GitLab's token endpoint answered 404. GitLab does this when the container registry is not enabled on the instance; an intermittent 404 during pushes is a server-side fault (containers/podman#16065).",
    fix: () => 'Retry once; if it persists, `gitlab-registry-login doctor --registry HOST` and tell the instance admin.',
  },
  {
    id: 'protected-path',
    re: /Pushing to protected repository path forbidden/i,
    verdict: 'insufficient-access',
    cause: () => 'A container repository protection rule forbids this credential to push to that path.',
    fix: () =>
      "Ask a Maintainer or Owner: the project's Settings › Packages and registries › Container registry › Protected container repositories decides who may push; or push to another path.",
  },
  {
    // app/services/auth/container_registry_authentication_service.rb: a 404 for the whole instance.
    id: 'registry-not-enabled',
    re: /registry not enabled/i,
    verdict: 'registry-disabled',
    cause: () =>
      'The container registry is not enabled on this GitLab instance (GitLab answers this for the whole instance; a project whose registry is off simply gets no access).',
    fix: () => "An admin enables it (gitlab_rails['registry_enabled'], registry_external_url).",
  },
  {
    // GitLab's token endpoint: 403 DENIED "access forbidden". The role never causes it (a role too low gives an
    // empty grant instead); docs: authenticate_with_container_registry.md, "docker login command fails with access forbidden".
    id: 'access-forbidden',
    re: /denied: access forbidden|"code":"DENIED"/i,
    cause: () =>
      "GitLab's token endpoint refused: the request reached it without a valid login (not logged in to this exact registry host, or a proxy in front of GitLab strips the Authorization header, which GitLab's docs name), or the credential has no registry scope (read_registry/write_registry). A role too low never gives this text.",
    fix: () =>
      'Log in to the exact registry host the image names; use a token with read_registry (pull) and write_registry (push); if that is already so, the instance admin checks that the reverse proxy passes the Authorization header to /jwt/auth.',
  },
  {
    // The image name had no registry host, so docker went to Docker Hub (docker.io).
    id: 'pushed-to-docker-hub',
    re: /push refers to repository \[docker\.io\//i,
    cause: () => 'The image name has no registry host, so docker pushed to Docker Hub (docker.io), where this login does not apply.',
    fix: () => 'Tag the image with the registry host: `docker tag IMAGE REGISTRY/group/project[/image]:TAG` (in CI: $CI_REGISTRY_IMAGE), then push that name.',
  },
  {
    id: 'requested-access-denied',
    re: /requested access to the resource is denied/i,
    verdict: 'insufficient-access',
    cause: () =>
      'The registry refused this pull or push: the image path is not one you may use (a typo, a project that does not exist, more than two levels below the project, or a name without the registry host so docker went to Docker Hub), or the credential lacks push (write_registry, Developer role).',
    fix: () =>
      'Tag the image as REGISTRY/group/project[/image] exactly as the project path, and check access with `gitlab-registry-login verify --project group/project --access push`.',
  },
  {
    // Docker Hub's answer: the login went to Docker Hub, not the GitLab registry.
    id: 'docker-hub-credentials',
    re: /incorrect username or password/i,
    cause: () =>
      'This is Docker Hub answering, not GitLab: `docker login` was run without the registry host (or the image name has none), so docker used registry-1.docker.io.',
    fix: () => 'Name the registry: `docker login registry.gitlab.com` (or your registry.HOST / HOST:5050), and tag images with that host.',
  },
  {
    id: 'no-basic-auth-credentials',
    re: /no basic auth credentials/i,
    cause: (r) => `docker has no stored login for ${R(r)}: it never logged in to that exact host and port, or the credential helper lost it.`,
    fix: () => 'Log in to the registry host exactly as the image names it: `gitlab-registry-login login`.',
  },
  {
    // The registry JWT lives 5 minutes on self-managed and 15 on GitLab.com (docs: authenticate_with_container_registry.md).
    id: 'authentication-required',
    re: /unauthorized: authentication required|UNAUTHORIZED: authentication required|unauthorized: HTTP Basic|401 Unauthorized/i,
    verdict: 'invalid-credentials',
    cause: () =>
      'The registry wants a login this request did not have: not logged in, a stored credential that GitLab no longer accepts (expired or revoked token, a job token after its job ended), or a login to another host. During a long push it is the registry token expiring mid-push (GitLab issues it for 5 minutes on self-managed, 15 on GitLab.com).',
    fix: () =>
      'Log in again (`gitlab-registry-login login`); `gitlab-registry-login doctor` checks whether the stored credential is still accepted. For long pushes an admin raises Admin › Settings › CI/CD › Container registry › Authorization token duration.',
  },
  {
    id: 'dbus-secret-service',
    re: /Cannot autolaunch D-Bus|org\.freedesktop\.secrets|secretservice|dbus/i,
    verdict: 'login-failed',
    cause: () =>
      "docker could not store the credential: its credential helper (named by credsStore or credHelpers in docker's config.json) needs a desktop keyring over D-Bus, which this session does not have.",
    fix: (r) =>
      `Unlock or start the desktop keyring, or use docker-credential-pass on a headless machine; or keep just this registry's login in the file: \`gitlab-registry-login login --insecure-storage\` (credHelpers["${R(r)}"] = ""). Do not remove credsStore: your other logins are kept there.`,
  },
  {
    id: 'error-storing-credentials',
    re: /error storing credentials|error getting credentials|executable file not found.*docker-credential/i,
    verdict: 'login-failed',
    cause: () => 'docker could not store or read the credential with its credential helper.',
    fix: (r) =>
      `Check that the helper named by "credsStore"/"credHelpers" in the docker config.json (docker-credential-NAME) is installed and works (\`docker-credential-NAME list\`), or keep just this registry's login in the file: \`gitlab-registry-login login --insecure-storage\` (credHelpers["${R(r)}"] = "").`,
  },
  {
    id: 'unknown-authority',
    re: /x509|certificate signed by unknown authority|certificate is not valid|certificate has expired/i,
    verdict: 'tls-error',
    cause: (r) => `docker does not trust ${R(r)}'s TLS certificate (a private CA, or an expired or wrong certificate).`,
    fix: (r) =>
      `Put the CA certificate in /etc/docker/certs.d/${R(r)}/ca.crt (podman: /etc/containers/certs.d/${R(r)}/ca.crt); for this tool, --ca-file or NODE_EXTRA_CA_CERTS.`,
  },
  {
    id: 'http-response-to-https',
    re: /server gave HTTP response to HTTPS client/i,
    verdict: 'tls-error',
    cause: (r) => `${R(r)} answers plain HTTP, which docker refuses for registries off loopback.`,
    fix: () => 'Serve the registry over HTTPS; only as a last resort add it to "insecure-registries" in /etc/docker/daemon.json.',
  },
  {
    // In a CI job, `docker` is the docker:dind service's host name (DOCKER_HOST=tcp://docker:2375 or :2376).
    id: 'dind-service-missing',
    re: /error during connect:[\s\S]*lookup \S+ on \S+: no such host|lookup docker on \S+: no such host/i,
    cause: () =>
      'docker cannot reach its daemon: DOCKER_HOST names a host (in GitLab CI usually `docker`, the docker:dind service) that does not exist in this job. The registry was never contacted.',
    fix: () =>
      'Add the service to the job (`services: [docker:27-dind]`, or with `alias: docker`), run the job on a runner with privileged mode, and match DOCKER_HOST / DOCKER_TLS_CERTDIR to it (tcp://docker:2376 with TLS).',
  },
  {
    id: 'no-such-host',
    re: /no such host|ENOTFOUND|Name or service not known/i,
    verdict: 'unreachable',
    cause: (r) => `The name ${R(r)} cannot be resolved (cannot resolve it: a typo, a VPN-only host, or DNS trouble).`,
    fix: () => 'Check the spelling of the registry host; connect the VPN for an internal instance; check DNS and HTTPS_PROXY.',
  },
  {
    // docker's nested error: the registry answered, its token realm (GitLab) could not be reached.
    id: 'realm-refused',
    re: /Get "?https?:\/\/[^/"\s]+\/v2\/"?: Get "?https?:\/\/\S+: dial tcp \S+: connect: connection refused/i,
    verdict: 'unreachable',
    cause: () =>
      "The registry answered, but its token endpoint (the realm, GitLab's /jwt/auth) refused the connection: the registry's auth.token.realm points to an address that is not reachable from here (often an internal address or localhost).",
    fix: () => "The instance admin sets the registry's realm to GitLab's external URL (https://GITLAB/jwt/auth).",
  },
  {
    id: 'connection-refused',
    re: /connect: connection refused|getsockopt: connection refused|ECONNREFUSED/i,
    verdict: 'unreachable',
    cause: (r) =>
      `Nothing accepts connections at ${R(r)}: a wrong port (GitLab's registry is usually registry.HOST or HOST:5050; :5000 is its internal port), or the registry is down.`,
    fix: () =>
      '`gitlab-registry-login doctor --gitlab https://GITLAB` finds the registry host and port; if it is right, the instance admin checks the registry.',
  },
  {
    id: 'bad-gateway',
    re: /\b50[234] (Bad Gateway|Service Unavailable|Gateway Time-?out)|received unexpected HTTP status: 50[234]/i,
    verdict: 'unreachable',
    cause: () =>
      'The reverse proxy in front of the registry (or GitLab) could not get an answer from it: the registry is down, restarting or overloaded. Nothing is wrong with your credential.',
    fix: () => 'Retry in a minute; if it persists, tell the instance admin (registry service and its storage backend).',
  },
  {
    id: 'io-timeout',
    re: /i\/o timeout|timed out|deadline exceeded|TLS handshake timeout|Client\.Timeout exceeded/i,
    verdict: 'unreachable',
    cause: (r) =>
      `The connection to ${R(r)} timed out: a firewall, a proxy that is needed but not set, or the host is down. docker waits 15 s for an answer; a token endpoint slower than that times out too.`,
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
export function hostIn(text: string): string {
  return (
    /https?:\/\/([^/"\s]+)/.exec(text)?.[1] ??
    /(?:logging into|creds for) "([^"\s]+)"/.exec(text)?.[1] ??
    /docker:\/\/([^/"\s]+\.[^/"\s]+)\//.exec(text)?.[1] ??
    /lookup ([^\s:]+)/.exec(text)?.[1] ??
    ''
  );
}

/** Explain an error text, or undefined when it is not recognised. */
export function explainError(text: string, registry = ''): Explanation | undefined {
  const r = registry || hostIn(text);
  for (const rule of RULES) {
    if (rule.re.test(text)) return { id: rule.id, cause: rule.cause(r), fix: rule.fix(r), ...(rule.verdict ? { verdict: rule.verdict } : {}) };
  }
  return undefined;
}
