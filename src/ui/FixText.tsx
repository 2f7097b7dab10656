// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import { Box, Text } from 'ink';
import { Para } from './Para.js';
import { Link } from './Link.js';

export type FixPart = { text: string } | { url: string };

/**
 * A sentence cut at its links: `https://…` up to the next space, without the punctuation that ends the sentence
 * around it (`.`, `,`, `;`, `:` or a closing parenthesis).
 */
export function splitLinks(text: string): FixPart[] {
  const parts: FixPart[] = [];
  let rest = text;
  for (let m = /https?:\/\/\S+/.exec(rest); m; m = /https?:\/\/\S+/.exec(rest)) {
    const url = m[0].replace(/[.,;:)]+$/, '');
    const before = rest.slice(0, m.index).trim();
    if (before) parts.push({ text: before });
    parts.push({ url });
    rest = rest.slice(m.index + url.length);
  }
  if (rest.trim()) parts.push({ text: rest.trim() });
  return parts;
}

/**
 * "Fix: …", its words indented and wrapped, each link standing whole on lines of its own at the left edge
 * (Verbatim.tsx cuts a link to the terminal's full width).
 */
export function FixText({ fix, links }: { fix: string; links: boolean }) {
  const parts = splitLinks(fix);
  const startsWithText = parts[0] !== undefined && 'text' in parts[0];
  return (
    <Box flexDirection="column">
      {startsWithText ? null : (
        <Box marginLeft={2}>
          <Text bold>Fix:</Text>
        </Box>
      )}
      {parts.map((p, i) =>
        'url' in p ? (
          <Link key={i} url={p.url} supported={links} />
        ) : (
          <Box key={i} marginLeft={2}>
            <Para>
              {i === 0 ? <Text bold>Fix: </Text> : null}
              {p.text}
            </Para>
          </Box>
        ),
      )}
    </Box>
  );
}
