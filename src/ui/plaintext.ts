// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
/**
 * Width and grapheme segments of the plain text the wizard draws, without Unicode's start-up costs.
 *
 * Ink measures every string with string-width and splits every line into graphemes with Intl.Segmenter. On the
 * first frame that costs a fifth of the time: the first Intl.Segmenter loads ICU's break rules (~14 ms here),
 * and string-width's first non-ASCII call compiles `/^\p{RGI_Emoji}$/v` (~20 ms; wrap-ansi's older copy
 * compiles the emoji-regex package), all to learn that `❯`, `…` or `✔` are one column and one grapheme.
 *
 * The build (scripts/build.mjs) puts `narrowWidth` in front of every string-width and `PlainSegmenter` in
 * place of `Intl.Segmenter` in the bundled dependencies. Text made only of the characters below is answered
 * here; anything else goes to string-width and to a real Intl.Segmenter, made on first need.
 * test/unit/plaintext.test.ts checks every character (and every pair) of this alphabet against string-width
 * and Intl.Segmenter themselves.
 */
import stripAnsi from 'strip-ansi';

// One column each when ambiguous characters count as narrow (string-width's default): printable ASCII, Latin-1
// letters and signs (not the soft hyphen U+00AD, which is zero-width), dashes, quotes, bullets and ellipsis,
// arrows, box drawing, Braille (the spinner) and the marks the wizard prints. None of them is an emoji without
// a variation selector, and none combines with its neighbours, so the width is the length.
const NARROW_CLASS =
  '\\u0020-\\u007E\\u00A0-\\u00AC\\u00AE-\\u00FF\\u2010-\\u2027\\u2030-\\u203E\\u2190-\\u2199\\u2500-\\u257F\\u26A0\\u2713-\\u2718\\u276F\\u2800-\\u28FF';
const NARROW = new RegExp(`^[${NARROW_CLASS}]*$`);
// string-width before 8 (wrap-ansi's copy) counts these text-style emoji as two columns (emoji-regex matches them
// without a variation selector); string-width 8 as one, as terminals print them.
const TEXT_EMOJI = /[\u00A9\u00AE\u203C\u2194-\u2199\u26A0\u2714\u2716]/;
// Each of these is a grapheme of its own next to any other of them: the narrow characters, the soft hyphen and
// the control characters (escape sequences are made of them) except CR, which joins a following LF.
const ONE_PER_GRAPHEME = new RegExp(`^[${NARROW_CLASS}\\u0000-\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u00AD]*$`);

/** Whether every code unit of `text` is a grapheme of its own, so segmenting it needs no Unicode rules. */
export function onePerGrapheme(text: string): boolean {
  return ONE_PER_GRAPHEME.test(text);
}

export interface WidthOptions {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}

/**
 * The width of `text`, or undefined when only string-width itself can tell. `before8`: answer as string-width
 * 7 would, for the copy wrap-ansi brings.
 */
export function narrowWidth(text: unknown, options?: WidthOptions, before8 = false): number | undefined {
  if (typeof text !== 'string' || options?.countAnsiEscapeCodes || options?.ambiguousIsNarrow === false) return undefined;
  const plain = text.includes('\u001B') || text.includes('\u009B') ? stripAnsi(text) : text;
  if (!NARROW.test(plain)) return undefined;
  return before8 && TEXT_EMOJI.test(plain) ? undefined : plain.length;
}

interface SegmentData {
  segment: string;
  index: number;
  input: string;
}

/** Intl.Segments for text whose every code unit is a grapheme of its own. */
class OnePerUnit implements Iterable<SegmentData> {
  constructor(private readonly input: string) {}

  containing(at: number = 0): SegmentData | undefined {
    const i = Math.trunc(Number(at)) || 0;
    if (i < 0 || i >= this.input.length) return undefined;
    return { segment: this.input[i]!, index: i, input: this.input };
  }

  *[Symbol.iterator](): Iterator<SegmentData> {
    const { input } = this;
    for (let i = 0; i < input.length; i++) yield { segment: input[i]!, index: i, input };
  }
}

/** Intl.Segmenter that makes the real one (and pays for ICU's rules) only for text that needs it. */
export class PlainSegmenter {
  private real: Intl.Segmenter | undefined;

  constructor(
    private readonly locales?: string | string[],
    private readonly options?: Intl.SegmenterOptions,
  ) {}

  private realSegmenter(): Intl.Segmenter {
    return (this.real ??= new Intl.Segmenter(this.locales, this.options));
  }

  segment(input: string): Intl.Segments | OnePerUnit {
    const text = String(input);
    if ((this.options?.granularity ?? 'grapheme') === 'grapheme' && onePerGrapheme(text)) return new OnePerUnit(text);
    return this.realSegmenter().segment(text);
  }

  resolvedOptions(): Intl.ResolvedSegmenterOptions {
    return this.realSegmenter().resolvedOptions();
  }
}
