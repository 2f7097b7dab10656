// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/* eslint-disable no-control-regex -- control characters and escape sequences are what this module removes */
/**
 * Server- and file-derived text made safe to show: every answer from a server (a realm's error body, a registry's
 * error, a certificate's subject, a challenge's realm) and every name read from a file is data, not display.
 *
 * Applied at the points where a verdict, a doctor check or an input error is built (verdict(), doctor's checks,
 * InputError), so whatever a message quotes reaches a terminal without control sequences: C0 and C1 controls, DEL
 * and whole escape sequences (CSI, OSC, DCS, ...) are removed, line breaks and tabs become spaces, bidirectional
 * overrides go too (they reorder what the reader sees). Quoted server text is also capped (`quote`).
 * `--json` output goes through JSON.stringify as before, which escapes whatever is left.
 */

/** Longest server- or file-derived piece quoted in a message. */
export const QUOTE_MAX = 200;
/** Longest message, fix or detail as a whole (ours are well under; a hostile one is cut here). */
export const TEXT_MAX = 600;

// ESC or the 8-bit CSI/OSC/DCS introducers, followed by the rest of their sequence.
// OSC/DCS/SOS/PM/APC: up to BEL or ST (ESC \ or U+009C), or the end of the text.
const STRING_SEQ = /(?:\u001b[\]P^_X]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g;
// CSI: parameters, intermediates, a final byte.
const CSI_SEQ = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?/g;
// Any other two-character escape (ESC 7, ESC c, ESC ( B ...).
const ESC_SEQ = /\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` without control characters or escape sequences, at most `max` characters (cut with "…"). */
export function sanitise(text: string, max = TEXT_MAX): string {
  let s = String(text);
  // A huge text is cut first (generously) so the patterns below never scan megabytes.
  if (s.length > max * 4 + 64) s = s.slice(0, max * 4 + 64);
  s = s.replace(STRING_SEQ, '').replace(CSI_SEQ, '').replace(ESC_SEQ, '').replace(BREAKS, ' ').replace(CONTROLS, '');
  return cap(s, max);
}

/** Server text made safe to show on one line: sanitised, length capped, whitespace folded and trimmed. */
export function shown(text: string, max = QUOTE_MAX): string {
  return sanitise(text, max).replace(/\s+/g, ' ').trim();
}

/** A server- or file-derived piece to quote inside a message: sanitised and capped at QUOTE_MAX. */
export function quote(text: string, max = QUOTE_MAX): string {
  return sanitise(text, max);
}

function cap(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  let cut = chars.slice(0, max - 1).join('');
  // Never end on half of a surrogate pair or a lone combining mark's base: Array.from already splits by code point.
  cut = cut.replace(/\s+$/, '');
  return `${cut}…`;
}
