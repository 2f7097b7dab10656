// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** A ready `.gitlab-ci.yml` job that logs in with the CI/CD credential of a type. */
import type { Access } from './credentials.js';
import type { CiType } from './ci.js';

export function loginLine(type: CiType): string {
  switch (type) {
    case 'job-token':
      return 'echo "$CI_JOB_TOKEN" | docker login "$CI_REGISTRY" -u gitlab-ci-token --password-stdin';
    case 'deploy-token':
      return 'echo "$CI_DEPLOY_PASSWORD" | docker login "$CI_REGISTRY" -u "$CI_DEPLOY_USER" --password-stdin';
    default:
      return 'echo "$CI_REGISTRY_PASSWORD" | docker login "$CI_REGISTRY" -u "$CI_REGISTRY_USER" --password-stdin';
  }
}

export function ciSnippet(type: CiType, access: Access): string {
  const push = access === 'push';
  const note =
    type === 'deploy-token'
      ? '# Needs a deploy token named "gitlab-deploy-token" (Settings > Repository > Deploy tokens)\n# with read_registry' +
        (push ? ' and write_registry' : '') +
        ': GitLab then sets CI_DEPLOY_USER and CI_DEPLOY_PASSWORD.\n'
      : type === 'job-token'
        ? '# CI_JOB_TOKEN pushes only to this project; it pulls from projects that allow this one.\n'
        : '# CI_REGISTRY_USER / CI_REGISTRY_PASSWORD are set by GitLab in every job while it runs.\n';
  const script = push
    ? ['    - docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .', '    - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"']
    : ['    - docker pull "$CI_REGISTRY_IMAGE:latest"'];
  return [
    note.trimEnd(),
    `${push ? 'build-image' : 'pull-image'}:`,
    '  image: docker:27',
    '  services:',
    '    - docker:27-dind',
    '  variables:',
    '    DOCKER_TLS_CERTDIR: "/certs"',
    '  before_script:',
    `    - ${loginLine(type)}`,
    '  script:',
    ...script,
    '',
  ].join('\n');
}
