// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import type React from 'react';
import { Box } from 'ink';
import { Para } from './Para.js';

/** A line led by a mark (✔, ✘, ⚠) whose wrapped lines stay under the text, not under the mark. */
export function Marked({ mark, color, children }: { mark: string; color: string; children: React.ReactNode }) {
  return (
    <Box>
      <Para color={color}>{mark} </Para>
      <Box flexShrink={1}>
        <Para color={color}>{children}</Para>
      </Box>
    </Box>
  );
}
