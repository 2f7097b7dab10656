// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { InputError } from './errors.js';

/** One challenge of a `WWW-Authenticate` header (RFC 7235). */
export interface Challenge {
  /** Lower case: `bearer`, `basic`, ... */
  scheme: string;
  /** Parameter names lower case, values unquoted and unescaped. */
  params: Record<string, string>;
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const T68CHAR = /[A-Za-z0-9\-._~+/]/;

/**
 * Parse one or more `WWW-Authenticate` header values into challenges.
 * Accepts several challenges per value, quoted strings with escapes, token68,
 * and stray commas and whitespace. Throws InputError on text that is not a challenge list.
 */
export function parseChallenges(values: string | readonly string[]): Challenge[] {
  const list = typeof values === 'string' ? [values] : values;
  const out: Challenge[] = [];
  for (const v of list) out.push(...parseOne(v));
  return out;
}

function parseOne(input: string): Challenge[] {
  const s = input;
  let i = 0;
  const challenges: Challenge[] = [];
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  const fail = (what: string): never => {
    throw new InputError(`malformed WWW-Authenticate header: ${what} at offset ${i}`);
  };
  const quoted = () => {
    i++; // opening quote
    let value = '';
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\') {
        if (i + 1 >= s.length) break;
        value += s[i + 1];
        i += 2;
      } else if (c === '"') {
        i++;
        return value;
      } else {
        value += c;
        i++;
      }
    }
    return fail('unterminated quoted string');
  };

  for (;;) {
    // Skip empty list elements.
    while (i < s.length && (s[i] === ',' || s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= s.length) break;
    const scheme = token();
    if (scheme === '') fail('expected an auth scheme');
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    ws();
    // token68?
    const save = i;
    while (i < s.length && T68CHAR.test(s[i]!)) i++;
    while (i < s.length && s[i] === '=') i++;
    const maybe68 = s.slice(save, i);
    ws();
    if (maybe68 !== '' && (i >= s.length || s[i] === ',')) {
      // `Scheme token68`: token68 characters never include "=" except trailing padding.
      challenge.token68 = maybe68;
      continue;
    }
    i = save;
    // auth-param list: name = value, separated by commas, until the next scheme.
    for (;;) {
      ws();
      if (i >= s.length) break;
      const before = i;
      const name = token();
      if (name === '') {
        if (s[i] === ',') {
          i++;
          continue;
        }
        fail(`unexpected character ${JSON.stringify(s[i])}`);
      }
      ws();
      if (s[i] !== '=') {
        // A new challenge begins here.
        i = before;
        break;
      }
      i++;
      ws();
      let value: string;
      if (s[i] === '"') value = quoted();
      else {
        // RFC 7235 says token, but registries send unquoted URLs (`realm=https://h/jwt/auth`): read to the next comma or space.
        const start = i;
        while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t' && s[i] !== '"') i++;
        value = s.slice(start, i);
        if (value === '') fail(`parameter ${name} has no value`);
      }
      challenge.params[name.toLowerCase()] = value;
      ws();
      if (i < s.length && s[i] !== ',') fail(`expected "," after parameter ${name}`);
      if (i < s.length) i++;
    }
  }
  return challenges;
}

/** The registry's Bearer challenge, if it has one with a realm. */
export function bearerChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer' && typeof c.params.realm === 'string' && c.params.realm !== '');
}
