import { readFileSync } from 'node:fs';

/** Running, not a zombie waiting for a parent that does not reap (PID 1 in a container may not). */
export function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Polls `done` every 20 ms until it holds or `timeoutMs` has passed, then returns either way: a bounded wait that
 * ends as soon as it can (never a fixed sleep); the caller's expectation judges what it finds.
 */
export async function pollUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
