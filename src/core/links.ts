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
