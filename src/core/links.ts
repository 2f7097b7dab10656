import { requiredScopes, type Access, type CredentialType } from './credentials.js';

/** Where to create the credential, prefilled where GitLab allows it. */
export function tokenPage(gitlab: string, type: CredentialType, access: Access, project?: string): string | undefined {
  const base = gitlab.replace(/\/+$/, '');
  switch (type) {
    case 'personal-access-token': {
      const q = new URLSearchParams({ name: 'container registry', scopes: requiredScopes(access).join(',') });
      return `${base}/-/user_settings/personal_access_tokens?${q.toString().replace(/%2C/g, ',')}`;
    }
    case 'project-access-token':
      return project ? `${base}/${project}/-/settings/access_tokens` : undefined;
    case 'group-access-token':
      return project ? `${base}/groups/${project.split('/')[0]}/-/settings/access_tokens` : undefined;
    case 'deploy-token':
      return project ? `${base}/${project}/-/settings/repository#js-deploy-tokens` : undefined;
    default:
      return undefined;
  }
}

/** A `.gitlab-ci.yml` login line for the CI-only credential types. */
export function ciLoginLine(type: CredentialType): string {
  return type === 'job-token'
    ? 'echo "$CI_JOB_TOKEN" | docker login "$CI_REGISTRY" -u gitlab-ci-token --password-stdin'
    : 'echo "$CI_REGISTRY_PASSWORD" | docker login "$CI_REGISTRY" -u "$CI_REGISTRY_USER" --password-stdin';
}
