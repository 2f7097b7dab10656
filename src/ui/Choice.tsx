// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import { useRef, useState } from 'react';
import { Box, Text, useStdout } from 'ink';
import { useKeys } from './keys.js';
import { Para } from './Para.js';

export interface ChoiceOption<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

/** Below this width an option's description is shown only for the selected option, on the lines under it. */
const NARROW = 60;

/**
 * The options to show in `rows` terminal rows, given each option's height: all of them when they fit, else a
 * window that holds the selection (starting from the last window's first option where it can), with one row
 * each for the "↑ n more" / "↓ n more" lines.
 */
export function choiceWindow(heights: number[], focus: number, previousFirst: number, rows: number): { first: number; size: number } {
  const n = heights.length;
  if (heights.reduce((a, b) => a + b, 0) <= rows) return { first: 0, size: n };
  const budget = Math.max(1, rows - 2);
  let first = Math.min(Math.max(previousFirst, 0), focus);
  let last: number;
  let used: number;
  for (;;) {
    used = 0;
    last = first - 1;
    while (last + 1 < n && used + heights[last + 1]! <= budget) used += heights[++last]!;
    if (focus <= last || first === focus) break;
    first++;
  }
  // Room left at the end of the list: show more of what is above instead.
  while (first > 0 && used + heights[first - 1]! <= budget) used += heights[--first]!;
  return { first, size: Math.max(1, last - first + 1) };
}

/**
 * A list choice whose focus starts on the default, and where Enter always chooses. `reserve`: the rows the
 * rest of the screen takes (question, footer), so that in a short terminal the list keeps the question and
 * the selection on screen.
 */
/** The focused option's text in cyan; the others in the terminal's own colour. */
function Focused({ on, children }: { on: boolean; children: string }) {
  return on ? <Text color="cyan">{children}</Text> : <Text>{children}</Text>;
}

export function Choice<T extends string>({
  options,
  defaultValue,
  onSelect,
  isActive = true,
  reserve = 4,
  question = '',
}: {
  options: ChoiceOption<T>[];
  defaultValue?: T | undefined;
  onSelect: (value: T) => void;
  isActive?: boolean;
  reserve?: number;
  question?: string;
}) {
  const start = Math.max(
    0,
    options.findIndex((o) => o.value === defaultValue),
  );
  // Focus lives in a ref: Down and Enter arriving in one burst must not see a stale value.
  const focusRef = useRef(start);
  const firstRef = useRef(0);
  const [focus, setFocus] = useState(start);
  const { stdout } = useStdout();
  const columns = stdout.columns || 80;
  const narrow = columns < NARROW;
  const move = (by: number) => {
    focusRef.current = (focusRef.current + by + options.length) % options.length;
    setFocus(focusRef.current);
  };
  useKeys((input, key) => {
    if (key.upArrow || input === 'k') move(-1);
    else if (key.downArrow || input === 'j' || key.tab) move(1);
    else if (key.return) onSelect(options[focusRef.current]!.value);
    else if (/^[1-9]$/.test(input) && Number(input) <= options.length) onSelect(options[Number(input) - 1]!.value);
  }, isActive);
  const rowsOf = (text: number, width: number) => Math.max(1, Math.ceil(text / Math.max(1, width)));
  // Each option's height on screen: its label (and description) as the terminal wraps them.
  const heights = options.map((o, i) =>
    narrow
      ? rowsOf(2 + o.label.length, columns) + (i === focus && o.hint ? rowsOf(o.hint.length, columns - 4) : 0)
      : rowsOf(2 + o.label.length + (o.hint ? 2 + o.hint.length : 0), columns),
  );
  // The rows left for the list: the question above it, the footer and the cursor's line below it.
  const rows = stdout.rows ? Math.max(3, stdout.rows - reserve - (question ? rowsOf(question.length, columns) : 0)) : Infinity;
  const win = choiceWindow(heights, focus, firstRef.current, rows);
  firstRef.current = win.first;
  const above = win.first;
  const below = options.length - win.first - win.size;
  return (
    <Box flexDirection="column">
      {above > 0 ? <Text dimColor> ↑ {above} more</Text> : null}
      {options.slice(win.first, win.first + win.size).map((o, k) => {
        const i = win.first + k;
        const on = i === focus;
        return (
          <Box key={o.value} flexDirection="column">
            <Box>
              <Box flexShrink={0} width={2}>
                <Focused on={on}>{on ? '❯' : ' '}</Focused>
              </Box>
              <Box flexShrink={narrow ? 1 : 0}>
                <Focused on={on}>{o.label}</Focused>
              </Box>
              {/* A description wraps under itself, not under the option or at column 0. */}
              {o.hint && !narrow ? (
                <Box flexShrink={1} marginLeft={2}>
                  <Para dimColor>{o.hint}</Para>
                </Box>
              ) : null}
            </Box>
            {o.hint && narrow && on ? (
              <Box marginLeft={4}>
                <Para dimColor>{o.hint}</Para>
              </Box>
            ) : null}
          </Box>
        );
      })}
      {below > 0 ? <Text dimColor> ↓ {below} more</Text> : null}
    </Box>
  );
}
