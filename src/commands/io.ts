// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import { stripVTControlCharacters } from 'node:util';
import { colourWanted } from '../core/colour.js';
/** What a command touches of the outside world, injected so tests can call `run` directly. */
export interface OutStream {
  write(s: string): unknown;
  isTTY?: boolean;
  /** The terminal's width, when it is one. */
  columns?: number;
}

export interface IO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
}

export function processIO(): IO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Colour by the one rule (core/colour.ts): FORCE_COLOR, then NO_COLOR, then a terminal. */
export function useColor(io: IO, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  return colourWanted(io.env, io[stream].isTTY === true);
}

export function paint(on: boolean) {
  const wrap = (open: number, close: number) => (s: string) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/**
 * `line` broken at spaces to fit a terminal's width, each further line indented by `indent` spaces, so a long
 * fix reads as a paragraph instead of wrapping mid-word at the left edge. Not a terminal (a pipe, a log): the
 * line is left whole, for grep.
 */
export function fit(line: string, stream: OutStream, indent: number): string {
  const width = stream.isTTY ? stream.columns : undefined;
  if (!width || width < 40) return line;
  const visible = (s: string) => stripVTControlCharacters(s).length;
  if (visible(line) <= width) return line;
  const lead = /^ */.exec(line)![0];
  const out: string[] = [];
  let current = lead;
  for (const word of line.slice(lead.length).split(' ')) {
    const joined = current.trim() === '' ? current + word : `${current} ${word}`;
    if (visible(joined) > width && current.trim() !== '') {
      out.push(current);
      current = ' '.repeat(indent) + word;
    } else {
      current = joined;
    }
  }
  out.push(current);
  return out.join('\n');
}
