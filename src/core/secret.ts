// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { InputError } from './errors.js';

export const MAX_SECRET_BYTES = 4096;

/** The token in a text something else wrote (a server's answer, an engine's output), replaced by [token]. */
export function withoutSecret(text: string, token: string): string {
  return token ? text.split(token).join('[token]') : text;
}

/**
 * The one place a token is read and cleaned: trailing newline and spaces trimmed (as from
 * `echo "$TOKEN" |`), then refused if it could not be a token. Messages never include it.
 */
export function cleanToken(raw: string, source = '--token-stdin'): string {
  const token = raw.replace(/^\uFEFF/, '').trim();
  if (token === '') throw new InputError(`no token was given on ${source === '--token-stdin' ? 'standard input' : source}`, source);
  if (Buffer.byteLength(token) > MAX_SECRET_BYTES)
    throw new InputError(`the token is longer than ${MAX_SECRET_BYTES} bytes; did you paste the wrong thing?`, source);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(token)) throw new InputError('the token contains control characters (a line break inside it?); paste it again', source);
  if (/\s/.test(token)) throw new InputError('the token contains spaces; GitLab tokens have none', source);
  if (/[^\u0021-\u007e]/.test(token)) throw new InputError('the token contains non-ASCII characters; GitLab tokens are plain ASCII', source);
  return token;
}

/** A username as docker and HTTP Basic take it: no ":" (it ends the user part), no control characters. */
export function checkUsername(raw: string, flag = '--username'): string {
  const name = raw.trim();
  if (name === '') throw new InputError('the username is empty', flag);
  if (Buffer.byteLength(name) > 255) throw new InputError('the username is longer than 255 bytes', flag);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InputError('the username contains control characters', flag);
  if (/[\s:]/.test(name)) throw new InputError('the username contains a space or ":"', flag);
  if (/[^\u0021-\u007e]/.test(name)) throw new InputError('the username contains non-ASCII characters', flag);
  return name;
}

/** Read all of standard input (for --token-stdin), with a size cap and a limit on how long to wait for its end. */
export function readStdin(stream: NodeJS.ReadableStream = process.stdin, cap = 64 * 1024, waitMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      clearTimeout(timer);
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      if (err) {
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        reject(err);
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > cap) done(new InputError(`standard input is larger than ${cap / 1024} KiB; expected one token`, '--token-stdin'));
      else chunks.push(b);
    };
    const onEnd = () => done();
    const onError = (e: Error) => done(new InputError(`cannot read standard input: ${e.message}`, '--token-stdin'));
    const timer = setTimeout(
      () =>
        done(
          new InputError(
            `standard input did not end within ${Math.round(waitMs / 1000)} s; pipe the token in (printf %s "$TOKEN" | ...) and close it`,
            '--token-stdin',
          ),
        ),
      waitMs,
    );
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
