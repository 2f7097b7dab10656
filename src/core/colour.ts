// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * The one colour rule, for the commands and the wizard alike:
 *  1. FORCE_COLOR wins over everything else: `1`, `2`, `3`, `true` or empty turn colour on even in a pipe or a
 *     CI log (which renders ANSI but is no terminal); `0` or `false` turn it off even in a terminal. Node
 *     (`FORCE_COLOR` in its CLI docs) and chalk, which draws the wizard, read it the same way. Any other value
 *     is ignored.
 *  2. NO_COLOR set to a non-empty value turns colour off (https://no-color.org: an empty value does not).
 *  3. Otherwise colour only in a terminal whose TERM is not `dumb`.
 */
export function forcedColour(env: NodeJS.ProcessEnv): boolean | undefined {
  const force = env.FORCE_COLOR;
  if (force === undefined) return undefined;
  if (force === '0' || force === 'false') return false;
  if (force === '' || force === 'true' || force === '1' || force === '2' || force === '3') return true;
  return undefined;
}

export function colourWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const forced = forcedColour(env);
  if (forced !== undefined) return forced;
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== 'dumb';
}
