// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/**
 * URLs and commands that survive copying. Ink breaks a long line into several with a newline each, so a copied
 * URL or command arrives in pieces. Here the text is cut into pieces exactly as wide as the terminal, each piece
 * but the last ending with JOIN; the wizard's output stream (joinStream) removes JOIN and the newline after it,
 * so the terminal receives one long line and soft-wraps it where Ink expected (Ink still counts the rows right
 * when it redraws). Copying, or tmux's `capture-pane -J`, gives the whole line back.
 */
import { Box, Text, useStdout } from 'ink';

/** A zero-width OSC sequence Ink passes through untouched; never reaches the terminal. */
export const JOIN = '\u001b]1337;grl-join\u0007';
// eslint-disable-next-line no-control-regex
const JOINED = /\u001b\]1337;grl-join\u0007((?:\u001b\[[0-9;]*m)*)\r?\n/g;

/** Output as the terminal gets it: every JOIN and the line break after it removed. */
export function joinWrapped(text: string): string {
  return text.replace(JOINED, '$1').split(JOIN).join('');
}

/** `stdout` for Ink, writing through joinWrapped; `endsWithNewline` tells whether the last write ended a line. */
export function joinStream(stdout: NodeJS.WriteStream): { stream: NodeJS.WriteStream; endsWithNewline: () => boolean } {
  let last = '\n';
  const write = (chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? joinWrapped(chunk) : chunk;
    if (typeof text === 'string' && text.length > 0) last = text;
    return (stdout.write as (...a: unknown[]) => boolean)(text, ...rest);
  };
  const stream = new Proxy(stdout, {
    get(target, prop) {
      if (prop === 'write') return write;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  // eslint-disable-next-line no-control-regex
  return { stream, endsWithNewline: () => /\n(?:\u001b\[[0-9;?]*[A-Za-z])*$/.test(last) };
}

/** A URL or a command on lines of its own at the left edge, never broken by a newline. */
export function Verbatim({ text, color, link = false, bold = false }: { text: string; color?: string; link?: boolean; bold?: boolean }) {
  const { stdout } = useStdout();
  const width = Math.max(10, stdout.columns || 80);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += width) pieces.push(text.slice(i, i + width));
  if (pieces.length === 0) pieces.push('');
  const osc = (s: string) => (link ? `\u001b]8;;${text}\u0007${s}\u001b]8;;\u0007` : s);
  return (
    <Box flexDirection="column">
      {pieces.map((p, i) => (
        <Text key={i} wrap="truncate" bold={bold} {...(color ? { color } : {})}>
          {osc(p)}
          {i < pieces.length - 1 ? JOIN : ''}
        </Text>
      ))}
    </Box>
  );
}
