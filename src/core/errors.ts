// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { sanitise } from './sanitise.js';

/**
 * The one error type thrown by the core's parsers and input checks.
 * `flag` names the command-line flag the bad value came from, when known,
 * so the CLI can print a one-line message that points at it (exit 2).
 * Messages never contain secret values.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly flag?: string,
  ) {
    // A message may quote a file (a team file's key) or the command line: never a control sequence.
    super(sanitise(message));
  }
}
