import React, { createContext, useContext, useLayoutEffect, useRef } from 'react';
import { useInput, type Key } from 'ink';

type Handler = (input: string, key: Key) => void;
const KeysContext = createContext<Set<Handler> | null>(null);

/**
 * One key listener for the whole app, mounted once. Ink's useInput subscribes in a passive effect, which
 * runs after the frame is already on screen: keys typed in that gap (a password manager, a fast Down+Enter)
 * would reach no one. Handlers registered through useKeys are live from the commit that shows them.
 */
export function KeysProvider({ children }: { children: React.ReactNode }) {
  const handlers = useRef(new Set<Handler>()).current;
  useInput((input, key) => {
    // Enter typed before the terminal was in raw mode arrives as "\n" (the line discipline maps CR to LF):
    // it is still Enter.
    const k = input === '\n' && !key.return ? { ...key, return: true } : key;
    for (const h of [...handlers]) h(input, k);
  });
  return <KeysContext.Provider value={handlers}>{children}</KeysContext.Provider>;
}

/** Like Ink's useInput, without the gap (falls back to useInput outside a KeysProvider). */
export function useKeys(handler: Handler, isActive = true): void {
  const handlers = useContext(KeysContext);
  const latest = useRef(handler);
  latest.current = handler;
  useInput((i, k) => latest.current(i, k), { isActive: isActive && handlers === null });
  useLayoutEffect(() => {
    if (!isActive || !handlers) return;
    const fn: Handler = (i, k) => latest.current(i, k);
    handlers.add(fn);
    return () => {
      handlers.delete(fn);
    };
  }, [isActive, handlers]);
}
