import { spawnSync } from 'node:child_process';

/**
 * Sends `signal` to every process in the group `pgid` (`kill(-pgid)`): a shell started with
 * `detached: true` leads a group of its own, so this reaches it and every child and grandchild it
 * started (D32, D57). Only src/main.ts may touch `process`, so the shell's own `kill` builtin sends
 * it; synchronous (a few ms), so the group has the signal before the caller moves on. A group
 * already empty is no error.
 */
export function signalProcessGroup(pgid: number | undefined, signal: 'KILL' | 'TERM'): void {
  if (pgid === undefined) return;
  spawnSync('/bin/sh', ['-c', `kill -s ${signal} -- "-$0" 2>/dev/null`, String(pgid)], { stdio: 'ignore' });
}
