// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** Everything a GitLab CI/CD job already knows, from its predefined variables. */
import { CI_TYPES, pick, type CiType, type CredentialType } from './choices.js';
import { InputError } from './errors.js';

export type { CiType } from './choices.js';

export interface CiAnswers {
  registry: string;
  gitlab?: string;
  credentialType: CiType;
  username: string;
  token: string;
  /** The variable the token came from. */
  tokenVariable: string;
  project?: string;
}

/** Read the job's variables; a missing one is an input error naming it (exit 2). */
export function ciAnswers(env: NodeJS.ProcessEnv, type: CredentialType = 'ci-registry-password'): CiAnswers {
  if (!pick(CI_TYPES, type)) throw new InputError(`--ci works with --type ${CI_TYPES.join(', ')} (got ${type})`, '--type');
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') throw new InputError(`--ci needs the CI/CD variable ${name}, which is not set (is this a GitLab CI/CD job?)`, name);
    return v;
  };
  const registry = need('CI_REGISTRY');
  let username: string;
  let token: string;
  let tokenVariable: string;
  if (type === 'job-token') {
    username = 'gitlab-ci-token';
    tokenVariable = 'CI_JOB_TOKEN';
    token = need(tokenVariable);
  } else if (type === 'deploy-token') {
    username = need('CI_DEPLOY_USER');
    tokenVariable = 'CI_DEPLOY_PASSWORD';
    token = need(tokenVariable);
  } else {
    username = need('CI_REGISTRY_USER');
    tokenVariable = 'CI_REGISTRY_PASSWORD';
    token = need(tokenVariable);
  }
  return {
    registry,
    credentialType: type as CiType,
    username,
    token,
    tokenVariable,
    ...(env.CI_SERVER_URL ? { gitlab: env.CI_SERVER_URL } : {}),
    ...(env.CI_PROJECT_PATH ? { project: env.CI_PROJECT_PATH } : {}),
  };
}
