import { expect, test } from 'vitest';
import { toCommandResult } from '../../src/commands/report.js';
import type { EngineLoginResult } from '../../src/core/engine.js';
import type { StoreFailure } from '../../src/core/login.js';
import { verdict } from '../../src/core/verdict.js';
import type { VerifyResult } from '../../src/core/verify.js';

const verified: VerifyResult = {
  ...verdict('ok', 'alice can pull group/app.'),
  ok: true,
  registry: 'registry.example.com',
  username: 'alice',
  credentialType: 'personal-access-token',
  requested: ['pull'],
  granted: ['pull'],
  steps: [],
};

test("the engine login's answer is told apart from a verdict given before it ran (no shape test on the union)", () => {
  const ran: EngineLoginResult = { ...verdict('ok', 'Logged in.'), loggedIn: true, storage: { kind: 'file', file: '/tmp/config.json' } };
  expect(toCommandResult(verified, { engine: 'docker', result: ran })).toMatchObject({ ok: true, loggedIn: true, storage: ran.storage });
  // No engine was found: a verdict, so nobody is logged in and nothing is stored anywhere.
  const none = toCommandResult(verified, { engine: null, result: verdict('engine-missing', 'Neither docker nor podman was found.') });
  expect(none).toMatchObject({ ok: false, loggedIn: false });
  expect(none).not.toHaveProperty('storage');
  // The credential store stopped it: what went wrong with the store is in the result (--json `store`).
  const store: StoreFailure = {
    ...verdict('store-failed', 'docker could not store the login.'),
    verdict: 'store-failed',
    loggedIn: false,
    store: { state: 'missing', file: '/tmp/config.json', helper: 'desktop', advice: 'Install it.' },
  };
  expect(toCommandResult(verified, { engine: 'docker', result: store })).toMatchObject({ loggedIn: false, store: store.store });
});
