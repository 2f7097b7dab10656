import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { LineInput } from '../../src/ui/LineInput.js';
import { Choice } from '../../src/ui/Choice.js';
import { KEY, listening, plain, until, waitFor } from './helpers.js';

afterEach(() => cleanup());
const TOKEN = 'glpat-0123456789abcdefghij';

describe('LineInput (masked)', () => {
  test('shows no character of the value', async () => {
    const got: string[] = [];
    const { stdin, lastFrame } = render(<LineInput mask onSubmit={(v) => got.push(v)} />);
    await listening(stdin);
    stdin.write(TOKEN);
    const f = await until(lastFrame, `(${TOKEN.length} characters)`);
    for (let i = 0; i + 4 <= TOKEN.length; i++) expect(f).not.toContain(TOKEN.slice(i, i + 4));
    expect(f).toContain(`(${TOKEN.length} characters)`);
  });

  test('keys typed back to back with Enter, with no render in between: nothing lost', async () => {
    const got: string[] = [];
    const { stdin } = render(<LineInput mask onSubmit={(v) => got.push(v)} />);
    await listening(stdin);
    for (const ch of TOKEN) stdin.write(ch);
    stdin.write(KEY.enter);
    await waitFor(() => got.length > 0, 'the submit');
    expect(got).toEqual([TOKEN]);
  });

  test.each([
    ['one chunk with a trailing newline', `${TOKEN}\n`],
    ['one chunk with a trailing CR', `${TOKEN}\r`],
    ['one chunk with CRLF', `${TOKEN}\r\n`],
    ['bracketed paste with Enter', `\u001b[200~${TOKEN}\u001b[201~\r`],
    ['bracketed paste with a newline inside the markers', `\u001b[200~${TOKEN}\n\u001b[201~`],
  ])('paste: %s', async (_n, chunk) => {
    const got: string[] = [];
    const { stdin } = render(<LineInput mask onSubmit={(v) => got.push(v)} />);
    await listening(stdin);
    stdin.write(chunk);
    await waitFor(() => got.length > 0, 'the submit');
    expect(got).toEqual([TOKEN]);
  });

  test('a paste without newline waits for Enter; backspace and Ctrl-U edit', async () => {
    const got: string[] = [];
    const { stdin, lastFrame } = render(<LineInput mask onSubmit={(v) => got.push(v)} />);
    await listening(stdin);
    stdin.write(`\u001b[200~${TOKEN}x\u001b[201~`);
    // The paste is in the input (shown by its length), and nothing was submitted.
    await until(lastFrame, `(${TOKEN.length + 1} characters)`);
    expect(got).toEqual([]);
    stdin.write(KEY.backspace);
    stdin.write(KEY.enter);
    await waitFor(() => got.length > 0, 'the submit');
    expect(got).toEqual([TOKEN]);
  });

  test('validation blocks submit and shows why', async () => {
    const got: string[] = [];
    const { stdin, lastFrame } = render(<LineInput validate={(v) => (v.includes('/') ? undefined : 'needs a slash')} onSubmit={(v) => got.push(v)} />);
    await listening(stdin);
    stdin.write('abc\r');
    await until(lastFrame, 'needs a slash');
    expect(got).toEqual([]);
    stdin.write('/d\r');
    await waitFor(() => got.length > 0, 'the submit');
    expect(got).toEqual(['abc/d']);
  });
});

describe('Choice', () => {
  const options = [
    { value: 'a', label: 'Alpha' },
    { value: 'b', label: 'Beta', hint: 'the second' },
    { value: 'c', label: 'Gamma' },
  ];
  test('focus starts on the default, and Enter on the default chooses it', async () => {
    const got: string[] = [];
    const { stdin, lastFrame } = render(<Choice options={options} defaultValue="b" onSelect={(v) => got.push(v)} />);
    await listening(stdin);
    expect(plain(lastFrame())).toContain('❯ Beta  the second');
    stdin.write(KEY.enter);
    await waitFor(() => got.length > 0, 'the choice');
    expect(got).toEqual(['b']);
  });
  test('Down and Enter in one burst choose the next option', async () => {
    const got: string[] = [];
    const { stdin } = render(<Choice options={options} onSelect={(v) => got.push(v)} />);
    await listening(stdin);
    stdin.write(KEY.down);
    stdin.write(KEY.down);
    stdin.write(KEY.enter);
    await waitFor(() => got.length > 0, 'the choice');
    expect(got).toEqual(['c']);
  });
  test('Enter typed before raw mode arrives as \\n and still chooses (inside the app key router)', async () => {
    const { KeysProvider } = await import('../../src/ui/keys.js');
    const got: string[] = [];
    const { stdin } = render(
      <KeysProvider>
        <Choice options={options} onSelect={(v) => got.push(v)} />
      </KeysProvider>,
    );
    await listening(stdin);
    stdin.write('\n');
    await waitFor(() => got.length > 0, 'the choice');
    expect(got).toEqual(['a']);
  });
  test('digits choose directly; Up wraps', async () => {
    const got: string[] = [];
    const { stdin } = render(<Choice options={options} onSelect={(v) => got.push(v)} />);
    await listening(stdin);
    stdin.write('2');
    stdin.write(KEY.up);
    stdin.write(KEY.enter);
    await waitFor(() => got.length === 2, 'two choices');
    expect(got).toEqual(['b', 'c']);
  });
});
