import { expect, test } from 'vitest';
import { engineLogout } from '../../src/core/engine.js';
import { childEnv } from '../../src/core/process.js';
import { fakeRunner } from '../helpers/fakes.js';

const CALLER = {
  PATH: '/usr/bin',
  HOME: '/home/u',
  CI_JOB_TOKEN: 'job-secret',
  CI_REGISTRY_PASSWORD: 'reg-secret',
  CI_DEPLOY_PASSWORD: 'deploy-secret',
  CI_JOB_JWT_V2: 'jwt-secret',
  DOCKER_CONFIG: '/home/u/.docker',
};

test("logout does not hand the caller's CI secrets to the engine (filtered as login does)", async () => {
  const { runner, calls } = fakeRunner({ stdout: 'Removing login credentials for registry.example.com' });
  await engineLogout(
    {
      engine: 'docker',
      file: '/usr/bin/docker',
      registry: 'registry.example.com',
      hadLogin: { username: 'u', source: 'config' },
      env: CALLER,
      timeoutMs: 5000,
    },
    runner,
  );
  expect(calls).toHaveLength(1);
  const env = calls[0]!.env;
  expect(env).toMatchObject({ PATH: '/usr/bin', HOME: '/home/u', DOCKER_CONFIG: '/home/u/.docker' });
  for (const k of ['CI_JOB_TOKEN', 'CI_REGISTRY_PASSWORD', 'CI_DEPLOY_PASSWORD', 'CI_JOB_JWT_V2']) expect(env, k).not.toHaveProperty(k);
});

test('childEnv: the token, wherever it is, and CI/CD secret variables never reach a child', () => {
  const env = childEnv({ ...CALLER, MY_TOKEN: 'glpat-x', OTHER: 'keep' }, 'glpat-x');
  expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/u', DOCKER_CONFIG: '/home/u/.docker', OTHER: 'keep' });
});
