// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import { InputError } from '../core/errors.js';
import { CI_TYPES } from '../core/ci.js';
import { ciSnippet } from '../core/snippet.js';
import type { IO } from './io.js';
import type { SnippetFlags } from './options.js';

export function runSnippet(opts: { flags: SnippetFlags; io: IO }): number {
  const { type, access = 'pull' } = opts.flags;
  if (!type) throw new InputError(`missing --type (${CI_TYPES.join('|')})`, '--type');
  opts.io.stdout.write(ciSnippet(type, access));
  return 0;
}
