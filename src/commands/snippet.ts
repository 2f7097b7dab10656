// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import { InputError } from '../core/errors.js';
import { CI_TYPES } from '../core/ci.js';
import { ciSnippet } from '../core/snippet.js';
import { oneOf } from './request.js';
import type { IO } from './io.js';

export function runSnippet(opts: { flags: { type?: string; access?: string }; io: IO }): number {
  const type = oneOf(opts.flags.type, CI_TYPES, '--type');
  if (!type) throw new InputError(`missing --type (${CI_TYPES.join('|')})`, '--type');
  const access = oneOf(opts.flags.access, ['pull', 'push'] as const, '--access') ?? 'pull';
  opts.io.stdout.write(ciSnippet(type, access));
  return 0;
}
