import { useRef, useState } from 'react';
import { Box, Text, useStdout } from 'ink';
import { useKeys } from './keys.js';

export interface ChoiceOption<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

/** Below this width an option's description is shown only for the selected option, on the lines under it. */
const NARROW = 60;

/**
 * The options to show in `rows` terminal rows: all of them when they fit, else a window around the selection
 * (one row each, the selection's description under it when narrow) with a "↑ n more" / "↓ n more" line.
 */
export function choiceWindow(count: number, focus: number, first: number, rows: number): { first: number; size: number } {
  if (count <= rows) return { first: 0, size: count };
  // Two rows for the "more" lines; at least one option.
  const size = Math.max(1, rows - 2);
  let start = Math.min(Math.max(first, 0), count - size);
  if (focus < start) start = focus;
  if (focus >= start + size) start = focus - size + 1;
  return { first: start, size };
}

/**
 * A list choice whose focus starts on the default, and where Enter always chooses. `reserve`: the rows the
 * rest of the screen takes (question, footer), so that in a short terminal the list keeps the question and
 * the selection on screen.
 */
export function Choice<T extends string>({ options, defaultValue, onSelect, isActive = true, reserve = 4 }: { options: ChoiceOption<T>[]; defaultValue?: T | undefined; onSelect: (value: T) => void; isActive?: boolean; reserve?: number }) {
  const start = Math.max(0, options.findIndex((o) => o.value === defaultValue));
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
  useKeys(
    (input, key) => {
      if (key.upArrow || input === 'k') move(-1);
      else if (key.downArrow || input === 'j' || key.tab) move(1);
      else if (key.return) onSelect(options[focusRef.current]!.value);
      else if (/^[1-9]$/.test(input) && Number(input) <= options.length) onSelect(options[Number(input) - 1]!.value);
    },
    isActive,
  );
  const focused = options[focus];
  // The selected option's description, under it in a narrow terminal.
  const hintRows = narrow && focused?.hint ? Math.ceil(focused.hint.length / Math.max(1, columns - 4)) : 0;
  const rows = stdout.rows ? Math.max(3, stdout.rows - reserve - hintRows) : options.length;
  const win = choiceWindow(options.length, focus, firstRef.current, rows);
  firstRef.current = win.first;
  const above = win.first;
  const below = options.length - win.first - win.size;
  return (
    <Box flexDirection="column">
      {above > 0 ? <Text dimColor>  ↑ {above} more</Text> : null}
      {options.slice(win.first, win.first + win.size).map((o, k) => {
        const i = win.first + k;
        const on = i === focus;
        return (
          <Box key={o.value} flexDirection="column">
            <Box>
              <Text color={on ? 'cyan' : undefined}>{on ? '❯ ' : '  '}</Text>
              <Box flexShrink={narrow ? 1 : 0}>
                <Text color={on ? 'cyan' : undefined}>{o.label}</Text>
              </Box>
              {/* A description wraps under itself, not under the option or at column 0. */}
              {o.hint && !narrow ? (
                <Box flexShrink={1} marginLeft={2}>
                  <Text dimColor>{o.hint}</Text>
                </Box>
              ) : null}
            </Box>
            {o.hint && narrow && on ? (
              <Box marginLeft={4}>
                <Text dimColor>{o.hint}</Text>
              </Box>
            ) : null}
          </Box>
        );
      })}
      {below > 0 ? <Text dimColor>  ↓ {below} more</Text> : null}
    </Box>
  );
}
