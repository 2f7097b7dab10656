// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import { useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './keys.js';
import { PASTE_MARKERS } from './keyqueue.js';

export interface LineInputProps {
  /** Show no character of the value (tokens). */
  mask?: boolean;
  defaultValue?: string;
  placeholder?: string | undefined;
  /** An error message for the value as typed, or undefined when it is fine. */
  validate?: (value: string) => string | undefined;
  onSubmit: (value: string) => void;
  /** Enter on an empty input does this instead of submitting (the token prompt opens the browser). */
  onEmptySubmit?: () => void;
  isActive?: boolean;
}

/**
 * A one-line input that loses nothing when keys arrive fast (password managers, paste, tmux send-keys):
 * the value lives in a ref, every chunk is applied in order, and a chunk may carry its own Enter.
 */
export function LineInput({ mask = false, defaultValue = '', placeholder, validate, onSubmit, onEmptySubmit, isActive = true }: LineInputProps) {
  const value = useRef(defaultValue);
  const submitted = useRef(false);
  const [, render] = useState(0);
  const [error, setError] = useState<string | undefined>();

  const submit = () => {
    const v = value.current;
    if (v === '' && onEmptySubmit) {
      onEmptySubmit();
      return true;
    }
    const problem = validate?.(v);
    if (problem) {
      setError(problem);
      return false;
    }
    submitted.current = true;
    onSubmit(v);
    return true;
  };

  useKeys((input, key) => {
    if (submitted.current) return;
    if (key.escape || key.upArrow || key.downArrow || key.tab || (key.ctrl && input === 'c')) return;
    if (key.return) {
      submit();
      return;
    }
    if (key.backspace || key.delete) {
      value.current = value.current.slice(0, -1);
    } else if (key.ctrl && input === 'u') {
      value.current = '';
    } else {
      const text = input.replace(PASTE_MARKERS, '');
      const lines = text.split(/\r\n|\r|\n/);
      // eslint-disable-next-line no-control-regex
      value.current += lines[0]!.replace(/[\u0000-\u001f\u007f]/g, '');
      if (lines.length > 1) {
        // The chunk carried its own Enter: submit (a refusal keeps its message on screen).
        if (!submit()) render((n) => n + 1);
        return;
      }
    }
    setError(undefined);
    render((n) => n + 1);
  }, isActive);

  const v = value.current;
  const shown = mask ? (v.length ? `${'•'.repeat(Math.min(v.length, 12))}${v.length > 12 ? '…' : ''}  (${v.length} characters)` : '') : v;
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">› </Text>
        {shown === '' && placeholder ? <Text dimColor>{placeholder}</Text> : <Text>{shown}</Text>}
        {isActive ? <Text inverse> </Text> : null}
      </Text>
      {error ? (
        <Box marginLeft={2}>
          <Text color="red">{error}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
