// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/** An IO whose stdout is kept as text: doctor's report, shown inside the wizard. Not a terminal: whole lines. */
import { PassThrough } from 'node:stream';
import type { IO } from '../commands/io.js';

export function captureIO(env: NodeJS.ProcessEnv): IO & { text(): string } {
  let text = '';
  const sink = { write: (s: string) => ((text += s), true), isTTY: false };
  const stdin = new PassThrough();
  stdin.end();
  return { stdin, stdout: sink, stderr: { write: () => true, isTTY: false }, env, text: () => text };
}
