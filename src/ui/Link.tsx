import { Text } from 'ink';
import { colourWanted } from '../core/colour.js';

/** A clickable link (OSC 8) where the terminal supports it, else the plain URL. */
export function Link({ url, supported }: { url: string; supported: boolean }) {
  if (!supported) return <Text color="blue">{url}</Text>;
  return <Text color="blue">{`\u001b]8;;${url}\u0007${url}\u001b]8;;\u0007`}</Text>;
}

export function linksSupported(env: NodeJS.ProcessEnv): boolean {
  if (!colourWanted(env, true)) return false; // no colour, no escape sequences for links either
  return Boolean(env.WT_SESSION || env.VTE_VERSION || env.KITTY_WINDOW_ID || env.WEZTERM_PANE || ['iTerm.app', 'vscode', 'WezTerm', 'ghostty'].includes(env.TERM_PROGRAM ?? ''));
}
