// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * The closed lists an answer is chosen from (a flag, the team file, a remembered answer, the wizard), and the
 * bounds of a number one. No imports: commander's definitions (src/program.ts) load this module at start, so it
 * must stay a leaf (what each choice means lives in credentials.ts, engine.ts, ci.ts).
 */

/** `value` as one of `choices`, typed, or undefined when it is none of them (a flag, a file, a remembered answer). */
export function pick<T extends string>(choices: readonly T[], value: unknown): T | undefined {
  return choices.find((c) => c === value);
}

/** The credential types (their labels, usernames and scopes: CREDENTIALS in credentials.ts). */
export const CREDENTIAL_TYPES = [
  'personal-access-token',
  'deploy-token',
  'project-access-token',
  'group-access-token',
  'job-token',
  'ci-registry-password',
] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

export const ACCESS_LEVELS = ['pull', 'push'] as const;
/** `push` always includes `pull`. */
export type Access = (typeof ACCESS_LEVELS)[number];

/** The types a GitLab CI/CD job's own variables hold (ci.ts reads them). */
export type CiType = Extract<CredentialType, 'ci-registry-password' | 'job-token' | 'deploy-token'>;
export const CI_TYPES: readonly CiType[] = ['ci-registry-password', 'job-token', 'deploy-token'];

export const ENGINES = ['docker', 'podman'] as const;
export type EngineName = (typeof ENGINES)[number];
/** `auto`: docker if present, else podman. */
export const ENGINE_CHOICES = [...ENGINES, 'auto'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** The longest lifetime GitLab gives a token (app/models/personal_access_token.rb MAX_PERSONAL_ACCESS_TOKEN_LIFETIME_IN_DAYS). */
export const MAX_RENEW_DAYS = 365;
