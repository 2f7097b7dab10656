/**
 * The error explainer against texts people really pasted, each with where it was pasted (issue trackers and
 * forums) or, for GitLab's own texts, the GitLab source that writes it. Every row: the text, its source, the
 * rule that must recognise it, and words its cause or fix must contain (the true cause and fix).
 */
import { describe, expect, test } from 'vitest';
import { explainError, hostIn } from '../../src/core/explain.js';

type Row = { text: string; source: string; id: string; says: RegExp; never?: RegExp };

const ROWS: Row[] = [
  // GitLab's 401 (app/controllers/jwt_controller.rb render_access_denied), as docker prints it.
  {
    text: 'Error response from daemon: Get "https://registry.gitlab.com/v2/": unauthorized: HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you\'re required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped. See https://gitlab.com/help/user/profile/account/two_factor_authentication_troubleshooting.md#error-http-basic-access-denied-if-a-password-was-provided-for-git-authentication-',
    source: 'https://github.com/basecamp/kamal/issues/1498',
    id: 'http-basic-access-denied',
    says: /two-factor[\s\S]*deploy-token/,
  },
  {
    text: 'Error response from daemon: Get https://registry.gitlab.com/v2/: unauthorized: HTTP Basic: Access denied',
    source: 'https://github.com/distribution/distribution/issues/2980',
    id: 'http-basic-access-denied',
    says: /expired or revoked/,
  },
  {
    text: 'Status 500: {"message":"Get https://registry.company.com/v2/core-squad/utilities/mysql-container/manifests/master: unauthorized: HTTP Basic: Access denied"}',
    source: 'https://github.com/testcontainers/testcontainers-java/issues/3092',
    id: 'http-basic-access-denied',
    says: /token/,
  },
  // podman / containers/image (docker/errors.go ErrUnauthorizedForCredentials) hides GitLab's 401 text.
  {
    text: 'Error: unable to pull docker://docker.io/library/alpine:latest: unable to pull image: Error determining manifest MIME type for docker://alpine:latest: unable to retrieve auth token: invalid username/password',
    source: 'https://github.com/podman-container-tools/podman/pull/3739',
    id: 'podman-invalid-username-password',
    says: /401[\s\S]*podman logout/,
  },
  {
    text: 'Error: logging into "registry.gitlab.com": invalid username/password',
    source: 'containers/image docker/errors.go ErrUnauthorizedForCredentials, wrapped by podman login ("logging into %q")',
    id: 'podman-invalid-username-password',
    says: /jwt\/auth[\s\S]*verify/,
  },
  {
    text: 'Error: error creating build container: initializing source docker://registry.gitlab.hpi.de/akita/i/pyod:0.2.5: Requesting bear token: invalid status code from registry 403 (Forbidden)',
    source: 'https://github.com/TimeEval/TimeEval/issues/56',
    id: 'podman-token-403',
    says: /not logged in[\s\S]*verify/,
  },
  {
    text: 'Error: writing blob: Requesting bearer token: invalid status code from registry 403 (Forbidden)',
    source: 'https://github.com/ansible-community/images/issues/87',
    id: 'podman-token-403',
    says: /protected repository path[\s\S]*storage limit/,
  },
  {
    text: 'Error: trying to reuse blob sha256:e1a3dbe31d144c87e8080650bb6b838476557d39ee44f2a991eeb7b9112087c1 at destination: Requesting bearer token: invalid status code from registry 404 (Not Found)',
    source: 'https://github.com/podman-container-tools/podman/issues/16065',
    id: 'podman-token-404',
    says: /not enabled[\s\S]*server-side/,
  },
  // The login went to the GitLab web host (or another web server), not the registry.
  {
    text: 'Error response from daemon: login attempt to http://172.17.0.1/v2/ failed with status: 404 Not Found',
    source: 'https://github.com/moby/moby/issues/28082',
    id: 'login-404',
    says: /GitLab web host/,
  },
  {
    text: 'Error response from daemon: Get http://117.119.33.138:8080/v2/: error parsing HTTP 404 response body: invalid character \'<\' looking for beginning of value: "<!DOCTYPE HTML PUBLIC \\"-//IETF//DTD HTML 2.0//EN\\">\\r\\n<html>\\r\\n<head><title>404 Not Found</title></head>',
    source: 'https://github.com/goharbor/harbor/issues/3032',
    id: 'html-404',
    says: /web server[\s\S]*registry host/,
  },
  {
    text: 'Error response from daemon: Head "https://git.example.com/v2/team/ca.app/manifests/develop": error parsing HTTP 404 response body: invalid character \'<\' looking for beginning of value: "<html>\\r\\n<head><title>404 Not Found</title></head>\\r\\n<body>\\r\\n<center><h1>404 Not Found</h1></center>\\r\\n<hr><center>nginx</center>',
    source: 'https://github.com/go-gitea/gitea/issues/32058',
    id: 'html-404',
    says: /reverse proxy/,
  },
  {
    text: 'error parsing HTTP 404 response body: unexpected end of JSON input: ""',
    source: 'https://github.com/SUSE/Portus/issues/1511',
    id: 'html-404',
    says: /not to the container registry/,
  },
  {
    text: 'error parsing HTTP 404 response body: invalid character \'p\' after top-level value: "404 page not found\\n"',
    source: 'https://github.com/docker/hub-feedback/issues/1697',
    id: 'html-404',
    says: /registry host/,
  },
  {
    text: "error parsing HTTP 403 response body: invalid character '<' looking for beginning of value: \"<HTML><HEAD>\\n<TITLE>Access Denied</TITLE>\\n</HEAD><BODY>\\n<H1>Access Denied</H1>",
    source: 'https://github.com/docker/hub-feedback/issues/1222',
    id: 'proxy-403',
    says: /neither GitLab nor the registry[\s\S]*proxy/,
    never: /read_registry/,
  },
  // GitLab's 403 DENIED "access forbidden" (container_registry_authentication_service.rb execute).
  {
    text: 'denied: access forbidden',
    source: 'https://github.com/harness/harness/issues/1960',
    id: 'access-forbidden',
    says: /Authorization header[\s\S]*read_registry/,
    never: /Reporter|Developer|role on/,
  },
  {
    text: 'ERROR: Get https://registry.gitlab.propulsion-home.ch/v2/full-stack/batch-2018-03/group-projects/phoenix/manifests/master: denied: access forbidden',
    source: 'https://github.com/sophialittlejohn/phoenix/issues/1',
    id: 'access-forbidden',
    says: /not logged in to this exact registry host/,
    never: /Reporter|Developer/,
  },
  // Pushes and pulls the registry refused.
  {
    text: 'The push refers to repository [docker.io/library/backend]\ndenied: requested access to the resource is denied',
    source: 'https://github.com/fastapi/full-stack-fastapi-template/issues/387',
    id: 'pushed-to-docker-hub',
    says: /Docker Hub[\s\S]*CI_REGISTRY_IMAGE/,
  },
  {
    text: "docker: Error response from daemon: pull access denied for hostname, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.",
    source: 'https://github.com/ravermeister/gitlab/issues/2',
    id: 'requested-access-denied',
    says: /Docker Hub/,
  },
  {
    text: 'Error response from daemon: Get https://registry-1.docker.io/v2/: unauthorized: incorrect username or password',
    source: 'https://github.com/docker/for-win/issues/4298',
    id: 'docker-hub-credentials',
    says: /Docker Hub[\s\S]*docker login registry\.gitlab\.com/,
  },
  {
    text: 'error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly, and try again: checking push permission for "gitregistry.knut.univention.de/univention/components/ucsschool-kelvin-rest-api:branch-dtroeder-21-kelvin-add-support-for-head-schools-school-name": UNAUTHORIZED: authentication required',
    source: 'https://pmhahn.github.io/gitlab-105-beware-global-variables',
    id: 'authentication-required',
    says: /another host/,
  },
  {
    text: 'unauthorized: authentication required',
    source: 'docs.gitlab.com user/packages/container_registry/authenticate_with_container_registry (token valid 5 min, 15 on GitLab.com)',
    id: 'authentication-required',
    says: /long push[\s\S]*15 on GitLab\.com[\s\S]*Authorization token duration/,
  },
  {
    text: 'Get https://docker.pkg.github.com/v2/undefinedlabs/maven-jdk18-perl-alpine/maven-jdk18-perl-alpine/manifests/0.1.0: no basic auth credentials',
    source: 'https://github.com/actions/docker/issues/32',
    id: 'no-basic-auth-credentials',
    says: /docker\.pkg\.github\.com/,
  },
  // GitLab texts with no verified public paste, quoted from GitLab's source.
  {
    text: 'denied: Your action has been rejected because the namespace storage limit has been reached. For more information, visit https://gitlab.com/help/user/storage_usage_quotas.md.',
    source: 'ee/app/services/ee/auth/container_registry_authentication_service.rb (rescue StorageError)',
    id: 'namespace-storage-limit',
    says: /pulling still works[\s\S]*Usage quotas/,
    never: /read_registry|Developer/,
  },
  {
    text: 'Too many failed authentication attempts from this IP',
    source: 'lib/gitlab/auth/ip_blocked.rb (rendered by app/controllers/application_controller.rb)',
    id: 'ip-blocked',
    says: /not checked[\s\S]*Wait/,
    never: /create a new/i,
  },
  {
    text: 'denied: Pushing to protected repository path forbidden',
    source: 'app/services/auth/container_registry_authentication_service.rb (execute)',
    id: 'protected-path',
    says: /Settings › Packages and registries › Container registry › Protected container repositories/,
  },
  // CI: the job's variables.
  {
    text: 'Error: Cannot perform an interactive login from a non TTY device',
    source: 'https://github.com/JanMikes/gitlab-ci-push-to-gcr/issues/2',
    id: 'non-tty-login',
    says: /protected variable[\s\S]*--password-stdin/,
  },
  // CI: docker:dind missing (the daemon's host, not the registry).
  {
    text: 'error during connect: Post "http://docker:2375/v1.24/auth": dial tcp: lookup docker on 169.254.169.254:53: no such host',
    source: 'https://github.com/docker-library/docker/issues/464',
    id: 'dind-service-missing',
    says: /docker:dind[\s\S]*services/,
    never: /spelling/,
  },
  {
    text: 'docker: error during connect: Post http://docker:2375/v1.40/containers/create: dial tcp: lookup docker on 192.168.1.1:53: no such host.',
    source: 'https://github.com/docker-library/docker/issues/202',
    id: 'dind-service-missing',
    says: /DOCKER_HOST/,
  },
  {
    text: 'error during connect: Get http://lordgaav__dind-options:2375/v1.30/version: dial tcp: lookup lordgaav__dind-options on 10.0.1.12:53: no such host',
    source: 'https://github.com/LordGaav/dind-options/issues/3',
    id: 'dind-service-missing',
    says: /alias/,
  },
  // Network.
  {
    text: 'Error response from daemon: Get https://xxxx.xxx.com:8090/v2/: Get https://xxxx.xxx.com:8090/api/docker/xxxx/v2/token?account=xxxxxxxxx&client_id=docker&offline_token=true&service=xxxx.xxx.com%3A8090: net/http: request canceled (Client.Timeout exceeded while awaiting headers) (Client.Timeout exceeded while awaiting headers)',
    source: 'https://github.com/moby/moby/issues/38331',
    id: 'io-timeout',
    says: /token endpoint slower/,
  },
  {
    text: 'Error response from daemon: Get https://dockerregistry:port/v2/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    source: 'https://github.com/docker/for-win/issues/5983',
    id: 'io-timeout',
    says: /HTTPS_PROXY/,
  },
  {
    text: 'Error response from daemon: Get https://registry.mydomain.com:5000/v2/: dial tcp 0.0.0.0:5000: connect: connection refused',
    source: 'https://github.com/evertramos/docker-registry-letsencrypt/issues/1',
    id: 'connection-refused',
    says: /:5000 is its internal port/,
  },
  {
    text: 'Error response from daemon: Get https://portus.mycompany.com/v2/: Get https://172.17.0.1/v2/token?account=test.user&client_id=docker&offline_token=true&service=172.17.0.1: dial tcp 172.17.0.1:443: connect: connection refused',
    source: 'https://github.com/SUSE/Portus/issues/2227',
    id: 'realm-refused',
    says: /realm[\s\S]*external URL/,
  },
  {
    text: 'received unexpected HTTP status: 502 Bad Gateway',
    source: 'https://github.com/goharbor/harbor/issues/16638',
    id: 'bad-gateway',
    says: /reverse proxy[\s\S]*Nothing is wrong with your credential/,
  },
  {
    text: 'Error: error authenticating creds for "registry.my.com:31231": pinging docker registry returned: Get https://registry.my.com:31231/v2/: http: server gave HTTP response to HTTPS client',
    source: 'https://github.com/podman-container-tools/podman/issues/8051',
    id: 'http-response-to-https',
    says: /plain HTTP/,
  },
  {
    text: 'Error response from daemon: Get https://my_git_lab:4567/v1/users/: x509: certificate signed by unknown authority',
    source: 'https://github.com/docker/for-mac/issues/395',
    id: 'unknown-authority',
    says: /certs\.d/,
  },
  // Credential helpers.
  {
    text: 'Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`',
    source: 'https://github.com/docker/docker-credential-helpers/issues/170',
    id: 'dbus-secret-service',
    says: /credsStore/,
  },
  {
    text: 'error saving credentials: error storing credentials - err: exit status 1, out: `The name org.freedesktop.secrets was not provided by any .service files`',
    source: 'https://github.com/docker/cli/issues/7148',
    id: 'dbus-secret-service',
    says: /keyring/,
  },
  {
    text: 'error getting credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`',
    source: 'https://github.com/docker/docker-credential-helpers/issues/105',
    id: 'dbus-secret-service',
    says: /docker-credential-pass/,
  },
];

describe('doctor --error knows what people really paste', () => {
  test('at least 30 distinct real texts, each with its source', () => {
    expect(new Set(ROWS.map((r) => r.text)).size).toBe(ROWS.length);
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
    for (const r of ROWS) expect(r.source).toMatch(/^https:\/\/|\.rb|docs\.gitlab\.com|containers\/image/);
  });

  test.each(ROWS.map((r) => [r.text.slice(0, 90), r] as const))('%s', (_t, row) => {
    const e = explainError(row.text);
    expect(e?.id, row.source).toBe(row.id);
    expect(`${e?.cause} ${e?.fix}`).toMatch(row.says);
    if (row.never) expect(`${e?.cause} ${e?.fix}`).not.toMatch(row.never);
  });
});

describe('the host an error names', () => {
  test.each([
    ['Error: logging into "registry.gitlab.com": invalid username/password', 'registry.gitlab.com'],
    ['initializing source docker://registry.gitlab.hpi.de/akita/i/pyod:0.2.5: weird', 'registry.gitlab.hpi.de'],
    ['Error response from daemon: Get "https://registry.example.com:5050/v2/": something new', 'registry.example.com:5050'],
    ['the flux capacitor is out of sync', ''],
  ])('%s → %s', (text, host) => {
    expect(hostIn(text)).toBe(host);
  });
});
