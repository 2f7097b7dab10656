// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/** The done screen's "renew it now" (#19): one key, a question first, then what renew did (never the token). */
import { Box, Text } from 'ink';
import type { RenewResult } from '../core/renew.js';
import { useKeys } from './keys.js';
import { Marked } from './Marked.js';
import { Para } from './Para.js';
import { Spinner } from './Spinner.js';

export interface RenewKeys {
  onAsk: () => void;
  onConfirm: () => void;
  onDecline: () => void;
  onFinish: () => void;
}

/** Offered (r / Enter), asked (y / n), running (what it is doing), or its result. */
export function RenewPanel({ renewal, doing, keys }: { renewal: 'asking' | 'running' | RenewResult | undefined; doing: string | undefined; keys: RenewKeys }) {
  useKeys((input, key) => {
    if (renewal === undefined) {
      if (input === 'r') keys.onAsk();
      else if (key.return || input === 'q') keys.onFinish();
    } else if (renewal === 'asking') {
      if (input === 'y') keys.onConfirm();
      else if (input === 'n' || key.escape) keys.onDecline();
    }
  });
  if (renewal === undefined) return null;
  if (renewal === 'asking') {
    return (
      <Box flexDirection="column" marginTop={1}>
        <Para bold>Renew this token now?</Para>
        <Marked mark="⚠" color="yellow">
          GitLab revokes it at once and gives docker its successor (same name and scopes): anything else that uses this token (CI/CD variables, other machines,
          scripts) stops working.
        </Marked>
      </Box>
    );
  }
  if (renewal === 'running') {
    return (
      <Box marginTop={1}>
        <Spinner label={doing ?? 'Renewing the token…'} />
      </Box>
    );
  }
  return <Renewed result={renewal} />;
}

/** What renew did: the new expiry and where the token is, or why not and what to do; its warnings. */
function Renewed({ result }: { result: RenewResult }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Marked mark={result.ok ? '✔' : '✘'} color={result.ok ? 'green' : 'red'}>
        {result.message}
      </Marked>
      {result.fix ? (
        <Box marginLeft={2}>
          <Para>
            <Text bold>Fix: </Text>
            {result.fix}
          </Para>
        </Box>
      ) : null}
      {result.warnings.map((w) => (
        <Marked key={w} mark="⚠" color="yellow">
          {w}
        </Marked>
      ))}
    </Box>
  );
}
