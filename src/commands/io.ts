/** What a command touches of the outside world, injected so tests can call `run` directly. */
export interface IO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function processIO(): IO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Colour only for a terminal, and never with NO_COLOR. */
export function useColor(io: IO, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  return io[stream].isTTY === true && !('NO_COLOR' in io.env) && io.env.TERM !== 'dumb';
}

export function paint(on: boolean) {
  const wrap = (open: number, close: number) => (s: string) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
