// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
/**
 * A small line reader for `login` and `verify` in a terminal: no Ink (it would cost the wizard's ~60 ms first
 * frame on a path that asks two questions). Raw mode, so a secret is never echoed and Ctrl-C is ours: the
 * terminal is restored before the process exits 130. Paste works with or without a trailing newline and with
 * bracketed paste.
 */
import type { IO } from './io.js';

export interface TtyIn {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'end', listener: () => void): unknown;
  once(event: 'end', listener: () => void): unknown;
  readonly readableEnded?: boolean;
  resume(): unknown;
  pause(): unknown;
  setEncoding?(encoding: BufferEncoding): unknown;
}

export interface AskOptions {
  /** Nothing typed is shown (a token). */
  secret?: boolean;
  /** Offered in brackets; Enter alone takes it. */
  defaultValue?: string;
  /** Called on Ctrl-C after the terminal is restored; default: exit 130. */
  onInterrupt?: () => void;
}

// Escape sequences (arrows, bracketed-paste markers, function keys) are not text.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-9;?]*[~A-Za-z]|\u001b[O][A-Za-z]|\u001b./g;

/** Ask one question on the terminal and resolve with the answer (trimmed). */
export function ask(io: IO, question: string, options: AskOptions = {}): Promise<string> {
  const stdin: TtyIn = io.stdin;
  const out = io.stdout;
  const interrupt = options.onInterrupt ?? (() => process.exit(130));
  return new Promise((resolve) => {
    let value = '';
    const restore = () => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      try {
        stdin.setRawMode?.(false);
      } catch {
        /* the terminal is gone */
      }
      stdin.pause();
      process.removeListener('exit', restoreOnExit);
    };
    // SIGTERM or any other exit while asking must not leave the terminal raw.
    const restoreOnExit = () => {
      try {
        stdin.setRawMode?.(false);
      } catch {
        /* gone */
      }
    };
    const finish = () => {
      restore();
      out.write('\n');
      resolve(value.trim() === '' && options.defaultValue !== undefined ? options.defaultValue : value.trim());
    };
    const onData = (chunk: Buffer | string) => {
      const text = (typeof chunk === 'string' ? chunk : chunk.toString('utf8')).replace(ESCAPES, '');
      for (const ch of text) {
        if (ch === '\u0003') {
          restore();
          out.write('\n');
          interrupt();
          return;
        }
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          return;
        }
        if (ch === '\u007f' || ch === '\b') {
          if (value.length > 0) {
            value = value.slice(0, -1);
            if (!options.secret) out.write('\b \b');
          }
          continue;
        }
        if (ch === '\u0015') {
          // Ctrl-U: start over.
          if (!options.secret) out.write('\b \b'.repeat(value.length));
          value = '';
          continue;
        }
        if (ch < ' ') continue;
        value += ch;
        if (!options.secret) out.write(ch);
      }
    };
    // The input ends (the terminal went away, a pipe closed), now or before this question: as Ctrl-D, what was typed,
    // never a wait forever.
    const onEnd = () => finish();
    stdin.once('end', onEnd);
    if (stdin.readableEnded) setImmediate(onEnd);
    out.write(`${question}${options.defaultValue ? ` [${options.defaultValue}]` : ''}: `);
    stdin.setEncoding?.('utf8');
    try {
      stdin.setRawMode?.(true);
    } catch {
      /* not a terminal after all: read lines as they come */
    }
    process.once('exit', restoreOnExit);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** The one decision whether a person can be asked: both ends are terminals. */
export function canPrompt(stdin: { isTTY?: boolean }, stdout: { isTTY?: boolean }): boolean {
  return stdin.isTTY === true && stdout.isTTY === true;
}
