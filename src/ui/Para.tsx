// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import { Text, Transform, type TextProps } from 'ink';

// eslint-disable-next-line no-control-regex
const LEADING_SPACE = /^((?:\u001b\[[0-9;]*m)*) /;

/**
 * Text that wraps cleanly: Ink wraps without trimming, so a line broken at a space starts the next line with
 * that space. A paragraph's wrapped lines start at its left edge.
 */
export function Para(props: TextProps) {
  return (
    <Transform transform={(line, index) => (index > 0 ? line.replace(LEADING_SPACE, '$1') : line)}>
      <Text {...props} />
    </Transform>
  );
}
