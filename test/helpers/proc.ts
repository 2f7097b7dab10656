import { readFileSync } from 'node:fs';

/** Running, not a zombie waiting for a parent that does not reap (PID 1 in a container may not). */
export function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
