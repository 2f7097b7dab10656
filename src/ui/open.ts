// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/** Opening the token page in the person's browser: xdg-open, open or start; never waits for it. */
import { spawn } from 'node:child_process';
import { findOnPath } from '../core/which.js';

export type Opener = (url: string) => void;

/**
 * How to open a URL here, or undefined when it cannot work: no opener on PATH, or a Linux session without a
 * display (over SSH a browser would open on the remote machine, or not at all). Then the link is only printed.
 */
export function browserOpener(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Opener | undefined {
  let file: string | undefined;
  let args: (url: string) => string[];
  if (platform === 'darwin') {
    if ((env.SSH_CONNECTION || env.SSH_TTY) && !env.DISPLAY) return undefined;
    file = findOnPath('open', env);
    args = (url) => [url];
  } else if (platform === 'win32') {
    file = env.ComSpec || findOnPath('cmd.exe', env);
    // `start` is cmd's: the empty title keeps a quoted URL from becoming the window's title.
    args = (url) => ['/d', '/s', '/c', 'start', '""', url.replace(/&/g, '^&')];
  } else {
    if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
    file = findOnPath('xdg-open', env);
    args = (url) => [url];
  }
  if (!file) return undefined;
  const opener = file;
  return (url) => {
    try {
      const child = spawn(opener, args(url), { detached: true, stdio: 'ignore', env, windowsHide: true });
      child.on('error', () => undefined);
      child.unref();
    } catch {
      /* the link is on screen anyway */
    }
  };
}
