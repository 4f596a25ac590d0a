import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';

/**
 * Lowers the calling thread's CPU priority to the least (nice 19), so that when the event loop that
 * serves routing and this thread's behind-the-load work both want a core, routing gets it. On Linux
 * a thread's id is accepted where setpriority takes a process id, and /proc/thread-self names it;
 * elsewhere (or where it is not allowed) the thread keeps the process's priority. True if lowered.
 */
export function lowerThisThreadsPriority(): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, constants.priority.PRIORITY_LOW);
    return true;
  } catch {
    return false;
  }
}
