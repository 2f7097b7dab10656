import { expect, test } from 'vitest';
import { getWithRetry } from '../../src/core/registry.js';
import type { HttpClient } from '../../src/core/http.js';
import { fakeHttp } from '../helpers/fakes.js';

/** A sleep that records what it was asked to wait, and returns at once. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

test('5xx: two retries, waiting 250 then 500 ms, then the last answer', async () => {
  const { client, seen } = fakeHttp(() => ({ status: 503 }));
  const { waits, sleep } = recordingSleep();
  const res = await getWithRetry(client, 'https://gitlab.example.com/jwt/auth', undefined, { sleep });
  expect(res.status).toBe(503);
  expect(seen).toHaveLength(3);
  expect(waits).toEqual([250, 500]);
});

test('429 with Retry-After: honoured up to 2 s', async () => {
  const answers = [{ status: 429, headers: { 'retry-after': '1' } }, { status: 429, headers: { 'retry-after': '60' } }, { status: 200 }];
  const { client } = fakeHttp(() => answers.shift()!);
  const { waits, sleep } = recordingSleep();
  expect((await getWithRetry(client, 'https://gitlab.example.com/jwt/auth', undefined, { sleep })).status).toBe(200);
  expect(waits).toEqual([1000, 2000]);
});

test('no retry when what is left of --timeout would not cover the wait', async () => {
  const { client, seen } = fakeHttp(() => ({ status: 503 }));
  const bounded: HttpClient = { ...client, remainingMs: () => 200 };
  const { waits, sleep } = recordingSleep();
  await getWithRetry(bounded, 'https://gitlab.example.com/jwt/auth', undefined, { sleep });
  expect(seen).toHaveLength(1);
  expect(waits).toEqual([]);
});

test('4xx other than 429 is not retried', async () => {
  const { client, seen } = fakeHttp(() => ({ status: 401 }));
  const { waits, sleep } = recordingSleep();
  await getWithRetry(client, 'https://gitlab.example.com/jwt/auth', undefined, { sleep, retries: 5 });
  expect(seen).toHaveLength(1);
  expect(waits).toEqual([]);
});
