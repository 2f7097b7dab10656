import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { ask } from '../../src/commands/prompt.js';

/** A terminal whose output is kept; keys are written to `stdin`. */
function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  let shown = '';
  const stdout = { isTTY: true, write: (s: string) => ((shown += s), true) };
  return { io: { stdin, stdout, stderr: { write: () => true }, env: {} }, stdin, shown: () => shown };
}

describe('ask (the prompt of login and verify in a terminal)', () => {
  test('resolves with the line typed, trimmed', async () => {
    const t = terminal();
    const answer = ask(t.io, 'Registry');
    t.stdin.write(' registry.example.com \r');
    expect(await answer).toBe('registry.example.com');
    expect(t.shown()).toContain('Registry: ');
  });
  test('Enter alone takes the default offered in brackets', async () => {
    const t = terminal();
    const answer = ask(t.io, 'Registry', { defaultValue: 'registry.example.com' });
    t.stdin.write('\r');
    expect(await answer).toBe('registry.example.com');
    expect(t.shown()).toContain('Registry [registry.example.com]: ');
  });
  test('a secret is never shown', async () => {
    const t = terminal();
    const answer = ask(t.io, 'Token', { secret: true });
    t.stdin.write('glpat-secretsecret01\r');
    expect(await answer).toBe('glpat-secretsecret01');
    expect(t.shown()).not.toContain('secret');
  });
  test('the input ending (the terminal gone, a pipe closed) ends the question with what was typed, never a wait forever', async () => {
    const t = terminal();
    const answer = ask(t.io, 'Username');
    t.stdin.write('dep');
    t.stdin.end();
    expect(await answer).toBe('dep');
  });
});

test('a question asked after the input has ended ends at once too', async () => {
  const t = terminal();
  const first = ask(t.io, 'Registry', { defaultValue: 'registry.example.com' });
  t.stdin.end();
  expect(await first).toBe('registry.example.com');
  expect(await ask(t.io, 'Token', { secret: true })).toBe('');
});
