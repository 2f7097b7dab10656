// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import { ciSnippet } from '../core/snippet.js';
import type { IO } from './io.js';
import type { SnippetFlags } from './options.js';

/** `snippet --type T [--access A]`: --type is required and checked as commander parses (options.ts). */
export function runSnippet(opts: { flags: SnippetFlags; io: IO }): number {
  const { type, access = 'pull' } = opts.flags;
  opts.io.stdout.write(ciSnippet(type, access));
  return 0;
}
