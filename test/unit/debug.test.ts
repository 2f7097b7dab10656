import { expect, test } from 'vitest';
import type { Runner } from '../../src/core/process.js';
import { addSecret, debug, enableDebug, redact, traceGet, traceRunner } from '../../src/core/debug.js';

test('redact: JWTs, GitLab tokens, Authorization values, URL credentials and secret parameters', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
  expect(redact(`token ${jwt} end`)).toBe('token [redacted JWT] end');
  expect(redact('glpat-abcdefgh12345678 gldt-ZZZZZZZZZZZZ glcbt-1234567890ab')).toBe('glpat-[redacted] gldt-[redacted] glcbt-[redacted]');
  expect(redact('Authorization: Basic YWxpY2U6c2VjcmV0')).toBe('Authorization: [redacted]');
  expect(redact('{"authorization":"Bearer abc.def"}')).toBe('{"authorization":"[redacted]"}');
  expect(redact('(Authorization: [redacted]) -> 200')).toBe('(Authorization: [redacted]) -> 200');
  expect(redact('https://user:pa55@proxy.example.com:3128/')).toBe('https://[redacted]@proxy.example.com:3128/');
  expect(redact('/x?private_token=abc&job_token=def&password=ghi&scope=pull')).toBe(
    '/x?private_token=[redacted]&job_token=[redacted]&password=[redacted]&scope=pull',
  );
  expect(redact('gitlab-registry-login global-settings')).toBe('gitlab-registry-login global-settings');
});

test("secrets seen in an Authorization header or on an engine's stdin are redacted from every later line", async () => {
  const lines: string[] = [];
  enableDebug((l) => void lines.push(l));
  const get = traceGet(async (url: string) => ({ status: 200, url }));
  await get('https://gitlab.example.com/jwt/auth?scope=repository:g/p:pull', {
    authorization: `Basic ${Buffer.from('alice:s3cr3t-token-value').toString('base64')}`,
  });
  const fake: Runner = async () => ({ exitCode: 0, stdout: '{"Username":"bob","Secret":"helper-secret-123"}', stderr: '', timedOut: false, notFound: false });
  const runner = traceRunner(fake);
  await runner('docker', ['login', '--username', 'alice', '--password-stdin', 'registry.example.com'], {
    input: 'engine-stdin-secret',
    env: {},
    timeoutMs: 1000,
  });
  await runner('docker-credential-pass', ['get'], { input: 'registry.example.com', env: {}, timeoutMs: 1000 });
  debug('later: s3cr3t-token-value engine-stdin-secret helper-secret-123 registry.example.com');
  addSecret('x'); // too short to be a secret worth replacing everywhere
  const all = lines.join('');
  expect(all).toContain('http GET gitlab.example.com /jwt/auth?scope=repository:g/p:pull (Authorization: [redacted]) -> 200 in');
  expect(all).toContain('run docker login --username alice --password-stdin registry.example.com (stdin: [redacted]) -> exit 0 in');
  expect(all).toContain('run docker-credential-pass get (stdin: [redacted]) -> exit 0');
  expect(all).toContain('later: [redacted] [redacted] [redacted] registry.example.com');
  for (const s of ['s3cr3t-token-value', 'engine-stdin-secret', 'helper-secret-123']) expect(all).not.toContain(s);
});
