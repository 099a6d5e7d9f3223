import { writeSync } from 'node:fs';
import { errorCodeOf } from '../platform/index.ts';
import type { LogDestination } from './logger.ts';

export interface SyncFdDestinationOptions {
  /** What the fd is, for the stderr notice ("stdout", the log file's path). */
  name: string;
  /** Where the one-time notice goes (stderr); it must not throw. */
  warn: (text: string) => void;
}

/** Errors that mean "try again shortly" (a non-blocking pipe whose reader is behind), not "lost". */
const WOULD_BLOCK = new Set(['EAGAIN', 'EWOULDBLOCK', 'EBUSY']);
/** Wait between tries on a blocked pipe, ms. */
const BLOCKED_WAIT_MS = 10;
/** A pipe that takes nothing for this long has its line dropped, ms (5 s: a reader that is alive catches up). */
const MAX_BLOCKED_MS = 5_000;

const waitCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * JSON lines written synchronously to a file descriptor (1 = stdout, or the daily log file), so a line
 * is out before the call returns and survives exit and kill -9. A write that fails (ENOSPC on a full
 * disk, EIO, EPIPE, a pipe blocked past 5 s) drops that line and counts it: logging degrades and never
 * blocks the run (D56). The first drop writes one notice to stderr, `flushSync` (the run's last call)
 * one more with the count. sonic-boom's `flushSync` retried ENOSPC forever in `Atomics.wait`, so a
 * run on a full disk hung and never handled SIGTERM.
 */
export function createSyncFdDestination(fd: number, options: SyncFdDestinationOptions): LogDestination {
  let dropped = 0;
  let lastError = '';
  let reported = 0;
  // After one blocked line timed out, later lines do not wait again until a write gets through.
  let blockedOut = false;
  const drop = (code: string): void => {
    dropped += 1;
    lastError = code;
    if (dropped === 1) {
      notify(
        `pmp-extractor: cannot write log lines to ${options.name} (${code}); dropping them and going on\n`,
      );
    }
  };
  const notify = (text: string): void => {
    try {
      options.warn(text);
    } catch {
      // stderr is gone too: there is nowhere left to say it.
    }
  };
  const writeAll = (bytes: Buffer): string | null => {
    let offset = 0;
    let waitedMs = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(fd, bytes, offset);
        waitedMs = 0;
        blockedOut = false;
      } catch (error) {
        const code = errorCodeOf(error) ?? 'write error';
        if (!WOULD_BLOCK.has(code) || blockedOut || waitedMs >= MAX_BLOCKED_MS) {
          if (WOULD_BLOCK.has(code)) blockedOut = true;
          return code;
        }
        Atomics.wait(waitCell, 0, 0, BLOCKED_WAIT_MS);
        waitedMs += BLOCKED_WAIT_MS;
      }
    }
    return null;
  };
  return {
    write(line: string): boolean {
      const failed = writeAll(Buffer.from(line, 'utf8'));
      if (failed !== null) drop(failed);
      return true;
    },
    flushSync(): void {
      if (dropped === reported) return;
      reported = dropped;
      notify(`pmp-extractor: ${dropped} log lines could not be written to ${options.name} (${lastError})\n`);
    },
  };
}
