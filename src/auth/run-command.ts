import { spawn } from 'node:child_process';
import { signalProcessGroup } from '../platform/index.ts';

interface CommandResult {
  /** null when the process was killed by a signal. */
  exitCode: number | null;
  timedOut: boolean;
  /** Standard output, at most MAX_STDOUT_BYTES. Standard error is drained and discarded. */
  stdout: string;
}

/** Runs a shell command line; injectable so tests can script outcomes. Rejects only if spawning fails. */
export type RunCommand = (command: string, timeoutMs: number, signal?: AbortSignal) => Promise<CommandResult>;

/** A token or a small JSON object fits easily; anything larger is cut off, not buffered. */
const MAX_STDOUT_BYTES = 64 * 1024;

/**
 * `/bin/sh -c command` with a time limit. The shell leads a process group of its own (`detached`), so
 * on timeout or abort SIGKILL goes to the whole group: the shell and every child and grandchild it
 * started (D32), and we stop waiting for its pipes. The environment is inherited so keychain helpers
 * and OAuth managers find their config.
 */
export const runShellCommand: RunCommand = (command, timeoutMs, signal) =>
  new Promise<CommandResult>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let timedOut = false;

    child.stdout.on('data', (chunk: Buffer) => {
      if (bytes < MAX_STDOUT_BYTES) chunks.push(chunk);
      bytes += chunk.length;
    });
    // Drained so a chatty command cannot block on a full pipe; never kept (it may hold secrets).
    child.stderr.resume();

    const stop = (): void => {
      signalProcessGroup(child.pid, 'KILL');
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    signal?.addEventListener('abort', stop, { once: true });

    child.once('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      reject(error);
    });
    // 'close' waits for the pipes too; if a grandchild keeps stdout open past the limit, the timer
    // destroys the pipes and 'close' still arrives.
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      resolve({
        exitCode,
        timedOut,
        stdout: Buffer.concat(chunks).subarray(0, MAX_STDOUT_BYTES).toString('utf8'),
      });
    });
  });
