// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import { Verbatim } from './Verbatim.js';
import { colourWanted } from '../core/colour.js';

/** A link on lines of its own, never broken by a newline; clickable (OSC 8) where the terminal supports it. */
export function Link({ url, supported }: { url: string; supported: boolean }) {
  return <Verbatim text={url} color="blue" link={supported} />;
}

export function linksSupported(env: NodeJS.ProcessEnv): boolean {
  if (!colourWanted(env, true)) return false; // no colour, no escape sequences for links either
  return Boolean(
    env.WT_SESSION ||
    env.VTE_VERSION ||
    env.KITTY_WINDOW_ID ||
    env.WEZTERM_PANE ||
    ['iTerm.app', 'vscode', 'WezTerm', 'ghostty'].includes(env.TERM_PROGRAM ?? ''),
  );
}
