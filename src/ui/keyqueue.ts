// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/**
 * Type-ahead for the wizard: keys typed right after an answer reach the next question, not the one just left.
 *
 * Ink hands over whatever arrived together as one input ("\ralice\r" when Enter, a name and Enter come in one
 * read), and a step changes only when React has committed the next one. So: a chunk is cut at its line breaks
 * into text and Enter keys; after an Enter or Esc (the keys that end a step) the rest waits until the set of
 * key handlers changes (the next step is live) or, when no step follows, until `settleMs` has passed. A
 * bracketed paste is never cut: a pasted token with a stray second line stays in the token input, which keeps
 * only its first line.
 *
 * Plain TypeScript, no Ink: test/unit/keyqueue.test.ts drives it with fake timers.
 */

export interface KeyFlags {
  return?: boolean;
  escape?: boolean;
}

// Bracketed-paste markers, as Ink hands them over (escape stripped or not).
// eslint-disable-next-line no-control-regex
export const PASTE_MARKERS = /\u001b?\[20[01]~/g;
// eslint-disable-next-line no-control-regex
const PASTE_START = /^\u001b?\[200~$/;
// eslint-disable-next-line no-control-regex
const PASTE_END = /^\u001b?\[201~$/;
const LINE_BREAK = /(\r\n|\r|\n)/;

export interface KeyQueue<K extends KeyFlags> {
  /** An input as Ink reports it. */
  push(input: string, key: K): void;
  /** A step's key handlers came or went: what waits is delivered to the new ones. */
  handlersChanged(): void;
  /** Drop what waits and stop the timer (the app is leaving). */
  close(): void;
}

export function createKeyQueue<K extends KeyFlags>(deliver: (input: string, key: K) => void, settleMs = 250): KeyQueue<K> {
  const waiting: Array<[string, K]> = [];
  let holding = false;
  let inPaste = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;

  const cut = (input: string, key: K): Array<[string, K]> => {
    if (PASTE_START.test(input)) inPaste = true;
    else if (PASTE_END.test(input)) inPaste = false;
    // A lone LF is Enter typed before the terminal was in raw mode (the line discipline maps CR to LF).
    if (input === '\n' && !key.return) return [['\r', { ...key, return: true }]];
    if (inPaste || input.length < 2 || !LINE_BREAK.test(input)) return [[input, key]];
    const pieces: Array<[string, K]> = [];
    for (const part of input.split(LINE_BREAK)) {
      if (part === '') continue;
      pieces.push(LINE_BREAK.test(part) ? ['\r', { ...key, return: true }] : [part, key]);
    }
    return pieces;
  };

  const release = () => {
    holding = false;
    if (timer) clearTimeout(timer);
    timer = undefined;
    drain();
  };

  const drain = () => {
    while (!holding && waiting.length > 0) {
      const [input, key] = waiting.shift()!;
      deliver(input, key);
      if (key.return || key.escape) {
        holding = true;
        timer = setTimeout(release, settleMs);
        timer.unref?.();
      }
    }
  };

  return {
    push(input, key) {
      waiting.push(...cut(input, key));
      drain();
    },
    handlersChanged() {
      // After the whole commit: every handler of the next step is registered by then.
      if (holding && !immediate) {
        immediate = setImmediate(() => {
          immediate = undefined;
          release();
        });
      }
    },
    close() {
      waiting.length = 0;
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      holding = false;
    },
  };
}
