// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/** The done screen's "renew it now" (#19): one key, a question first, then what renew did (never the token). */
import { Box, Text } from 'ink';
import { SUCCESSOR_OFFER, type RenewResult } from '../core/renew.js';
import { useKeys } from './keys.js';
import { Marked } from './Marked.js';
import { Para } from './Para.js';
import { Spinner } from './Spinner.js';
import { FixText } from './FixText.js';

export interface RenewKeys {
  onAsk: () => void;
  onConfirm: () => void;
  onDecline: () => void;
  onFinish: () => void;
  /** renew's last resort: y shows the successor once; the answer is false (n, Esc, Enter) or true (shown, Enter). */
  onShow: () => void;
  onShown: (shown: boolean) => void;
}

/**
 * Offered (r / Enter), asked (y / n), running (what it is doing), or its result; while it runs, renew's last resort:
 * the successor offered (y / n) and shown until Enter (`successor`, held by src/ui/flow.tsx while shown).
 */
export function RenewPanel(props: {
  renewal: 'asking' | 'running' | 'offering' | 'showing' | RenewResult | undefined;
  doing: string | undefined;
  successor: string | undefined;
  links: boolean;
  keys: RenewKeys;
}) {
  const { renewal, doing, successor, links, keys } = props;
  useKeys((input, key) => {
    if (renewal === undefined) {
      if (input === 'r') keys.onAsk();
      else if (key.return || input === 'q') keys.onFinish();
    } else if (renewal === 'asking') {
      if (input === 'y') keys.onConfirm();
      else if (input === 'n' || key.escape) keys.onDecline();
    } else if (renewal === 'offering') {
      if (input === 'y') keys.onShow();
      else if (input === 'n' || key.escape || key.return) keys.onShown(false);
    } else if (renewal === 'showing' && key.return) keys.onShown(true);
  });
  if (renewal === undefined) return null;
  if (renewal === 'offering' || renewal === 'showing') return <SuccessorOffered successor={successor} />;
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
  return <Renewed result={renewal} links={links} />;
}

/** Every store failed after the rotation: show the successor once? Then the successor itself, until Enter. */
function SuccessorOffered({ successor }: { successor: string | undefined }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Marked mark="✘" color="red">
        {SUCCESSOR_OFFER.lost}
      </Marked>
      {successor === undefined ? (
        <Para bold>{SUCCESSOR_OFFER.question} y/N</Para>
      ) : (
        <Box flexDirection="column" marginLeft={2}>
          <Text>{successor}</Text>
          <Para bold>{SUCCESSOR_OFFER.keep} Press Enter when done: it leaves the screen.</Para>
        </Box>
      )}
    </Box>
  );
}

/** What renew did: the new expiry and where the token is, or why not and what to do; its warnings. */
function Renewed({ result, links }: { result: RenewResult; links: boolean }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Marked mark={result.ok ? '✔' : '✘'} color={result.ok ? 'green' : 'red'}>
        {result.message}
      </Marked>
      {result.fix ? <FixText fix={result.fix} links={links} /> : null}
      {result.warnings.map((w) => (
        <Marked key={w} mark="⚠" color="yellow">
          {w}
        </Marked>
      ))}
    </Box>
  );
}
