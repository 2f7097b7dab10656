import { useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './keys.js';

export interface ChoiceOption<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

/** A list choice whose focus starts on the default, and where Enter always chooses. */
export function Choice<T extends string>({ options, defaultValue, onSelect, isActive = true }: { options: ChoiceOption<T>[]; defaultValue?: T | undefined; onSelect: (value: T) => void; isActive?: boolean }) {
  const start = Math.max(0, options.findIndex((o) => o.value === defaultValue));
  // Focus lives in a ref: Down and Enter arriving in one burst must not see a stale value.
  const focusRef = useRef(start);
  const [focus, setFocus] = useState(start);
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
  return (
    <Box flexDirection="column">
      {options.map((o, i) => (
        <Text key={o.value}>
          <Text color={i === focus ? 'cyan' : undefined}>{i === focus ? '❯ ' : '  '}{o.label}</Text>
          {o.hint ? <Text dimColor>  {o.hint}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
