// src/ui/: the Ink wizard: command.ts sets it up, App.tsx renders core/wizard.ts's state machine and runs
// its effects through core/session.ts. Components only render; decisions live in core/.
import React, { createContext, useContext, useEffect, useLayoutEffect, useRef } from 'react';
import { useInput, type Key } from 'ink';
import { createKeyQueue, type KeyQueue } from './keyqueue.js';

type Handler = (input: string, key: Key) => void;
interface Keys {
  handlers: Set<Handler>;
  queue: KeyQueue<Key>;
}
const KeysContext = createContext<Keys | null>(null);

/**
 * One key listener for the whole app, mounted once. Ink's useInput subscribes in a passive effect, which
 * runs after the frame is already on screen: keys typed in that gap (a password manager, a fast Down+Enter)
 * would reach no one. Handlers registered through useKeys are live from the commit that shows them, and keys
 * typed ahead of a step change wait for the next step (src/ui/keyqueue.ts).
 */
export function KeysProvider({ children }: { children: React.ReactNode }) {
  const keys = useRef<Keys | null>(null);
  if (!keys.current) {
    const handlers = new Set<Handler>();
    keys.current = {
      handlers,
      queue: createKeyQueue<Key>((input, key) => {
        for (const h of [...handlers]) h(input, key);
      }),
    };
  }
  const { queue } = keys.current;
  useInput((input, key) => queue.push(input, key));
  useEffect(() => () => queue.close(), [queue]);
  return <KeysContext.Provider value={keys.current}>{children}</KeysContext.Provider>;
}

/** Like Ink's useInput, without the gap (falls back to useInput outside a KeysProvider). */
export function useKeys(handler: Handler, isActive = true): void {
  const keys = useContext(KeysContext);
  const latest = useRef(handler);
  latest.current = handler;
  useInput((i, k) => latest.current(i, k), { isActive: isActive && keys === null });
  useLayoutEffect(() => {
    if (!isActive || !keys) return;
    const fn: Handler = (i, k) => latest.current(i, k);
    keys.handlers.add(fn);
    keys.queue.handlersChanged();
    return () => {
      keys.handlers.delete(fn);
      keys.queue.handlersChanged();
    };
  }, [isActive, keys]);
}
