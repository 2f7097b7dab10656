/** The wizard's fast width and segments answer exactly what string-width (both copies Ink bundles) and Intl.Segmenter answer, or step aside. */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import stringWidth from 'string-width';
import { narrowWidth, onePerGrapheme, PlainSegmenter } from '../../src/ui/plaintext.js';

// wrap-ansi brings its own, older string-width: the build puts narrowWidth in front of that one too.
const wrapAnsiDir = createRequire(import.meta.url).resolve('wrap-ansi');
const { default: stringWidth7 } = (await import(new URL('./node_modules/string-width/index.js', `file://${wrapAnsiDir}`).href)) as {
  default: (s: string) => number;
};

const answered: string[] = [];
for (let cp = 0; cp <= 0xffff; cp++) {
  const c = String.fromCodePoint(cp);
  if (narrowWidth(c) !== undefined) answered.push(c);
}
const COLOURS = [
  '\u001B[1m',
  '\u001B[22m',
  '\u001B[36m',
  '\u001B[39m',
  '\u001B[2m',
  '\u001B]8;;https://gitlab.com/-/user_settings/personal_access_tokens\u0007',
  '\u001B]8;;\u0007',
  '\u009B31m',
];

describe('narrowWidth', () => {
  test('answers for the wizard’s own characters and printable ASCII', () => {
    for (const c of '❯…✔✘⚠•·→›—⠋⠙⠹─│╭╮╰╯ aZ~') expect(narrowWidth(c), `U+${c.codePointAt(0)!.toString(16)}`).toBe(1);
    expect(answered.length).toBeGreaterThan(600);
  });

  test('every character it answers for has the width string-width gives it (both versions)', () => {
    const wrong = answered.filter((c) => narrowWidth(c) !== stringWidth(c) || (narrowWidth(c, {}, true) ?? stringWidth7(c)) !== stringWidth7(c));
    expect(wrong.map((c) => `U+${c.codePointAt(0)!.toString(16)}`)).toEqual([]);
  });

  test('steps aside for what only string-width can measure', () => {
    for (const s of ['✔️', '👍', '漢字', 'e\u0301', 'soft\u00ADhyphen', 'zero\u200Bwidth', 'tab\t', '\u0007', 'ｗ', '⌚', '\uD83D'])
      expect(narrowWidth(s), JSON.stringify(s)).toBeUndefined();
    expect(narrowWidth('abc', { countAnsiEscapeCodes: true })).toBeUndefined();
    expect(narrowWidth('…', { ambiguousIsNarrow: false })).toBeUndefined();
    expect(narrowWidth(42)).toBeUndefined();
    // string-width 7 counts text-style emoji as two columns: its stand-in leaves them to it.
    expect(narrowWidth('✔ ok')).toBe(4);
    expect(narrowWidth('✔ ok', {}, true)).toBeUndefined();
    expect(narrowWidth('✘ ok', {}, true)).toBe(4);
  });

  test('random coloured strings of its alphabet measure as string-width measures them', () => {
    const piece = fc.oneof(fc.constantFrom(...answered), fc.constantFrom(...COLOURS), fc.constantFrom('👍', 'e\u0301', '漢', '\u001B', '\u001B['));
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((a) => a.join('')),
        (s) => {
          const w = narrowWidth(s);
          const w7 = narrowWidth(s, {}, true);
          return (w === undefined || w === stringWidth(s)) && (w7 === undefined || w7 === stringWidth7(s));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

const graphemes = new Intl.Segmenter();
const segmentsOf = (s: Iterable<{ segment: string; index: number; input: string }>) => [...s].map(({ segment, index, input }) => ({ segment, index, input }));
const single: string[] = [];
for (let cp = 0; cp <= 0xffff; cp++) if (onePerGrapheme(String.fromCodePoint(cp))) single.push(String.fromCodePoint(cp));

describe('PlainSegmenter', () => {
  test('takes every character narrowWidth answers for, the controls of escape sequences, and not CR or marks', () => {
    for (const c of answered) expect(onePerGrapheme(c)).toBe(true);
    for (const c of ['\u001B', '\u009B', '\u0007', '\n']) expect(onePerGrapheme(c)).toBe(true);
    for (const s of ['\r', 'e\u0301', '👍', '\u200D', '\uFE0F', '🇩🇪', '\u1100\u1161', '\uD83D']) expect(onePerGrapheme(s), JSON.stringify(s)).toBe(false);
  });

  test('no two characters of its alphabet join into one grapheme (every pair, against Intl.Segmenter)', () => {
    const joined: string[] = [];
    for (const a of single) {
      for (const b of single) {
        const pair = a + b;
        const n = [...graphemes.segment(pair)].length;
        if (n !== 2) joined.push(JSON.stringify(pair));
      }
    }
    expect(joined).toEqual([]);
    // Every pair of the alphabet, each through a real Intl.Segmenter: ~8 s on an idle 2-core machine and four times
    // that on a busy one. The limit is for a hang, not a speed goal (those live in npm run bench).
  }, 180_000);

  test('segments like Intl.Segmenter: its own text per code unit, other text through a real one', () => {
    const mine = new PlainSegmenter(undefined, { granularity: 'grapheme' });
    const piece = fc.oneof(fc.constantFrom(...single), fc.constantFrom('\r\n', 'e\u0301', '👍🏽', '🇩🇪', '👨\u200D👩', '漢'));
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((a) => a.join('')),
        fc.integer({ min: -2, max: 70 }),
        (s, at) => {
          expect(segmentsOf(mine.segment(s))).toEqual(segmentsOf(graphemes.segment(s)));
          const want = graphemes.segment(s).containing(at);
          const got = mine.segment(s).containing(at);
          expect(got && { segment: got.segment, index: got.index, input: got.input }).toEqual(
            want && { segment: want.segment, index: want.index, input: want.input },
          );
        },
      ),
      { numRuns: 3000 },
    );
    expect(mine.resolvedOptions().granularity).toBe('grapheme');
  });

  test('word granularity always goes to the real segmenter', () => {
    const words = new PlainSegmenter('en', { granularity: 'word' });
    expect([...words.segment('hello there')].map((s) => s.segment)).toEqual(['hello', ' ', 'there']);
  });
});
