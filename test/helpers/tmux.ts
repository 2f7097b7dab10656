/** Drive a program in a real terminal: tmux on its own socket, send-keys in, capture-pane out. */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

export interface Terminal {
  keys(...keys: string[]): void;
  /** Literal text, sent as one burst (as a paste or a password manager would). */
  type(text: string): void;
  screen(): string;
  /** What is on screen now, without the scrollback. */
  visible(): string;
  /** The screen and scrollback with soft-wrapped lines joined (`capture-pane -J`): what copying gives back. */
  joined(): string;
  /** The screen with its escape sequences (colours, attributes). */
  rawScreen(): string;
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Waits for the visible screen (no scrollback) to match: a pattern, or a test of the screen. */
  waitForVisible(pattern: RegExp | string | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  kill(): void;
}

export function startTerminal(command: string, env: NodeJS.ProcessEnv, size = { width: 110, height: 50 }, cwd?: string): Terminal {
  const socket = `grl-${randomUUID().slice(0, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env });
  tmux('new-session', '-d', '-s', 'w', '-x', String(size.width), '-y', String(size.height), ...(cwd ? ['-c', cwd] : []), command);
  tmux('set-option', '-t', 'w', 'remain-on-exit', 'on');
  const screen = () => tmux('capture-pane', '-p', '-t', 'w', '-S', '-200');
  const visible = () => tmux('capture-pane', '-p', '-t', 'w');
  return {
    keys: (...keys) => void tmux('send-keys', '-t', 'w', ...keys),
    type: (text) => void tmux('send-keys', '-t', 'w', '-l', text),
    screen,
    visible,
    joined: () => tmux('capture-pane', '-p', '-J', '-t', 'w', '-S', '-200'),
    rawScreen: () => tmux('capture-pane', '-p', '-e', '-t', 'w', '-S', '-200'),
    waitFor: (pattern, timeoutMs) => waitForScreen(screen, pattern, timeoutMs),
    waitForVisible: (pattern, timeoutMs) => waitForScreen(visible, pattern, timeoutMs),
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        /* already gone */
      }
    },
  };
}

/** Polls `capture` (every 50 ms, a frame at a time) until it matches; the last capture is in the timeout's message. */
async function waitForScreen(capture: () => string, pattern: RegExp | string | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
  const matches = typeof pattern === 'function' ? pattern : (s: string) => (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = capture();
    if (matches(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `ok` (every 50 ms) until it holds; on timeout, the error shows `show()` (the screen, say). */
export async function waitUntil(ok: () => boolean, show: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out; screen:\n${show()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A shell line that runs the CLI with exactly `env` and then prints its exit code as EXIT=N. */
export function cliCommand(bin: string, env: NodeJS.ProcessEnv, args: string[], after = ''): string {
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  return `env -i ${vars} ${bin} ${args.join(' ')}; echo "EXIT=$?"${after ? `; ${after}` : ''}`;
}
