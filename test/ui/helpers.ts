import { stripVTControlCharacters } from 'node:util';

export const KEY = { enter: '\r', down: '\u001b[B', up: '\u001b[A', esc: '\u001b', ctrlC: '\u0003', backspace: '\u007f' };
export const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/** The frame as a person reads it. */
export const plain = (frame: string | undefined) => stripVTControlCharacters(frame ?? '');

/** Wait until the last frame matches (Ink renders asynchronously). */
export async function until(lastFrame: () => string | undefined, pattern: RegExp | string, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = plain(lastFrame());
    if (typeof pattern === 'string' ? f.includes(pattern) : pattern.test(f)) return f;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; last frame:\n${f}`);
    await tick(10);
  }
}
