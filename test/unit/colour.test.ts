import { expect, test } from 'vitest';
import { colourWanted } from '../../src/core/colour.js';

test.each([
  // [env, isTTY, colour]
  [{}, true, true],
  [{}, false, false],
  [{ TERM: 'dumb' }, true, false],
  [{ NO_COLOR: '1' }, true, false],
  [{ NO_COLOR: '' }, true, true], // no-color.org: only a non-empty value
  [{ FORCE_COLOR: '1' }, false, true], // a CI log: ANSI rendered, no terminal
  [{ FORCE_COLOR: '2' }, false, true],
  [{ FORCE_COLOR: '3' }, false, true],
  [{ FORCE_COLOR: 'true' }, false, true],
  [{ FORCE_COLOR: '' }, false, true], // as chalk and Node read it
  [{ FORCE_COLOR: '0' }, true, false],
  [{ FORCE_COLOR: 'false' }, true, false],
  [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true], // FORCE_COLOR wins
  [{ FORCE_COLOR: '1', TERM: 'dumb' }, false, true],
  [{ FORCE_COLOR: 'yes' }, true, true], // unknown value: ignored, the terminal decides
  [{ FORCE_COLOR: 'yes' }, false, false],
] as Array<[NodeJS.ProcessEnv, boolean, boolean]>)('%o, terminal %s: colour %s', (env, tty, want) => {
  expect(colourWanted(env, tty)).toBe(want);
});
