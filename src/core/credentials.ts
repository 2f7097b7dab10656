// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** Everything the tool knows about each GitLab credential type (the list of them is in choices.ts). */
import type { Access, CredentialType } from './choices.js';

// The lists themselves live in choices.ts (a leaf the CLI's definitions load at start).
export { ACCESS_LEVELS, CREDENTIAL_TYPES, type Access, type CredentialType } from './choices.js';

export interface CredentialInfo {
  label: string;
  /** One line: when to use it. */
  when: string;
  /** Only valid inside a running GitLab CI/CD job. */
  ciOnly: boolean;
  /** The username docker must be given, when it is fixed. */
  fixedUsername?: string;
  /** What to type as username, for the prompt and the messages. */
  usernameHint: string;
  /** Token prefix GitLab uses by default (an admin can change it): a hint, never a rule. */
  prefix?: string;
  /** Token scopes that make sense for this type (empty: no scopes, e.g. job tokens). */
  hasScopes: boolean;
}

export const CREDENTIALS: Record<CredentialType, CredentialInfo> = {
  'personal-access-token': {
    label: 'Personal access token',
    when: 'your own machine, acting as you',
    ciOnly: false,
    usernameHint: 'your GitLab username',
    prefix: 'glpat-',
    hasScopes: true,
  },
  'deploy-token': {
    label: 'Deploy token',
    when: 'a server or another system that only needs the registry',
    ciOnly: false,
    usernameHint: "the deploy token's own username, e.g. gitlab+deploy-token-42",
    prefix: 'gldt-',
    hasScopes: true,
  },
  'project-access-token': {
    label: 'Project access token',
    when: 'automation for one project, without a person behind it',
    ciOnly: false,
    usernameHint: "the token's bot user name (any non-empty name is accepted)",
    prefix: 'glpat-',
    hasScopes: true,
  },
  'group-access-token': {
    label: 'Group access token',
    when: "automation across a group's projects, without a person behind it",
    ciOnly: false,
    usernameHint: "the token's bot user name (any non-empty name is accepted)",
    prefix: 'glpat-',
    hasScopes: true,
  },
  'job-token': {
    label: 'CI/CD job token (CI_JOB_TOKEN)',
    when: 'inside a GitLab CI/CD job only',
    ciOnly: true,
    fixedUsername: 'gitlab-ci-token',
    usernameHint: 'gitlab-ci-token',
    prefix: 'glcbt-',
    hasScopes: false,
  },
  'ci-registry-password': {
    label: 'CI_REGISTRY_USER / CI_REGISTRY_PASSWORD',
    when: 'inside a GitLab CI/CD job only',
    ciOnly: true,
    fixedUsername: 'gitlab-ci-token',
    usernameHint: '$CI_REGISTRY_USER (gitlab-ci-token)',
    hasScopes: false,
  },
};

/** Minimum token scopes for an access level. */
export function requiredScopes(access: Access): string[] {
  return access === 'push' ? ['read_registry', 'write_registry'] : ['read_registry'];
}

/**
 * What to say beside the minimum scopes. Deploy tokens have no api/read_api scope
 * (app/models/deploy_token.rb AVAILABLE_SCOPES); personal, project and group tokens do.
 */
export function scopesAside(type: CredentialType): string {
  return type === 'deploy-token' ? '(deploy tokens have no api scope)' : '(api works too, but grants far more than needed)';
}

/** The role a user (or bot user) needs on the project. */
export function requiredRole(access: Access): string {
  return access === 'push' ? 'Developer' : 'Reporter';
}

/** Registry actions asked of GitLab for an access level. */
export function actionsFor(access: Access): string[] {
  return access === 'push' ? ['pull', 'push'] : ['pull'];
}

export function defaultUsername(type: CredentialType): string | undefined {
  return CREDENTIALS[type].fixedUsername;
}

/**
 * A warning when a token's prefix does not fit the chosen type, else undefined.
 * Prefixes can be changed by an instance admin, so this never blocks anything.
 */
export function prefixWarning(type: CredentialType, token: string): string | undefined {
  const expected = CREDENTIALS[type].prefix;
  if (!expected || token.startsWith(expected)) return undefined;
  const known = Object.entries(CREDENTIALS).find(([, c]) => c.prefix && token.startsWith(c.prefix));
  const looksLike = known ? ` It looks like a ${CREDENTIALS[known[0] as CredentialType].label.toLowerCase()}.` : '';
  return `${CREDENTIALS[type].label}s usually start with "${expected}".${looksLike} (An admin can change prefixes, so you may go on.)`;
}

/** What scopes and role a credential needs, as sentences (wizard step 5, --help, messages). */
export function needsSentence(type: CredentialType, access: Access): string {
  const info = CREDENTIALS[type];
  if (!info.hasScopes) {
    return access === 'push'
      ? 'A job token can pull from its own project and projects that allow it, and push only to its own project.'
      : 'A job token can pull from its own project and from projects that allow its project in their job token allowlist.';
  }
  const scopes = requiredScopes(access).join(' and ');
  const role = type === 'deploy-token' ? '' : ` and the ${requiredRole(access)} role (or higher) on the project`;
  return `Needs the scope ${scopes}${role}.`;
}

/** The credential's kind in running text: "personal access token", "deploy token", "CI/CD job token". */
export function kindName(type: CredentialType): string {
  switch (type) {
    case 'job-token':
    case 'ci-registry-password':
      return 'CI/CD job token';
    default:
      return CREDENTIALS[type].label.toLowerCase();
  }
}

/**
 * The type a docker-style `login -u USER` means when no --type is given: docker assumes a password, which for
 * GitLab is an access token; only two usernames say otherwise (a job token's and a deploy token's own).
 */
export function typeFromUsername(username: string): CredentialType {
  if (username === 'gitlab-ci-token') return 'job-token';
  if (username.startsWith('gitlab+deploy-token')) return 'deploy-token';
  return 'personal-access-token';
}

/**
 * The credential type a login an engine stores is taken as (status and doctor re-test it): the one known (remembered,
 * or given) when the stored username agrees with it: a project or group access token's bot name says no type.
 */
export function typeForStored(username: string, known: CredentialType | undefined): CredentialType {
  const derived = typeFromUsername(username);
  if (!known) return derived;
  if (derived === 'personal-access-token') return usernameOptional(known) ? known : derived;
  return derived;
}

/** GitLab ignores the login name for these (lib/gitlab/auth.rb `personal_access_token_check`): it is optional. */
export function usernameOptional(type: CredentialType): boolean {
  return type === 'personal-access-token' || type === 'project-access-token' || type === 'group-access-token';
}
