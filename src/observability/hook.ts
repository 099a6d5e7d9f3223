import { spawn as nodeSpawn } from 'node:child_process';
import { signalProcessGroup, type Clock, type EventLogger } from '../platform/index.ts';
import { buildHookEnv } from './hook-env.ts';
import type { HookVariables } from './hook-env.ts';

/** The part of a ChildProcess the hook runner uses; node:child_process's spawn satisfies it. */
export interface HookChild {
  /** The shell's pid, which is also its process group id (it is spawned `detached`). */
  readonly pid?: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

export type HookSpawn = (
  file: string,
  args: readonly string[],
  options: { env: Record<string, string>; stdio: ['ignore', 'ignore', 'pipe']; detached: true },
) => HookChild;

export interface PostExtractionHookOptions {
  /** POST_EXTRACTION_HOOK, run as `/bin/sh -c command`. */
  command: string;
  env: HookVariables;
  /** The environment to start from (main passes process.env); credentials are withheld. */
  baseEnv: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  logger: EventLogger;
  /** Time limit, ms (Config.hookTimeoutMs); then SIGTERM, and SIGKILL after `killGraceMs`. */
  timeoutMs: number;
  /** ms (LIMITS.hookKillGraceMs). */
  killGraceMs: number;
  /** The run's stop signal (SIGINT/SIGTERM): the hook's process group is stopped like on timeout (D57). */
  signal?: AbortSignal;
  spawn?: HookSpawn;
}

export interface HookResult {
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** The run was stopped while the hook ran (or before it could start): the process exits 3. */
  interrupted: boolean;
  durationMs: number;
}

type Ending = { kind: 'exit'; code: number | null; signal: string | null } | { kind: 'error'; error: Error };

/** The end of stderr kept for the failure message, chars; stdout is discarded (ours is JSON only). */
const STDERR_TAIL_CHARS = 1024;

/** Runs the hook; resolves with its outcome, logs hook_complete / hook_failed, never rejects. */
export async function runPostExtractionHook(options: PostExtractionHookOptions): Promise<HookResult> {
  const { clock, logger } = options;
  const startedMs = clock.nowMs();
  const { signal } = options;
  const finish = (ok: boolean, exitCode: number | null, timedOut: boolean, message: string): HookResult => {
    const durationMs = clock.nowMs() - startedMs;
    if (ok) logger.emit('hook_complete', { exit_code: 0, duration_ms: durationMs });
    else logger.emit('hook_failed', { error_message: message, exit_code: exitCode, timed_out: timedOut });
    return { ok, exitCode, timedOut, interrupted: signal?.aborted === true, durationMs };
  };
  // A stopped run releases its lock now (D57): it does not start a hook that may run for minutes.
  if (signal?.aborted === true) return finish(false, null, false, `hook not run: ${stopReason(signal)}`);

  let child: HookChild;
  try {
    const spawn: HookSpawn = options.spawn ?? nodeSpawn;
    const env = buildHookEnv(options.baseEnv, options.env);
    // Detached: the shell leads a process group, so a stop reaches its children too (D57).
    child = spawn('/bin/sh', ['-c', options.command], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
  } catch (error) {
    return finish(false, null, false, `hook could not start: ${errorText(error)}`);
  }
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer | string) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
  });
  const ended = new Promise<Ending>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ kind: 'exit', code, signal });
    });
    child.once('error', (error) => {
      resolve({ kind: 'error', error });
    });
  });

  const { timeoutMs } = options;
  const outcome = await raceTimer(ended, clock, timeoutMs, signal);
  const timedOut = outcome === 'timeout';
  const ending =
    outcome === 'timeout' || outcome === 'stopped'
      ? await stop(child, ended, clock, options.killGraceMs)
      : outcome;
  // A grandchild may still hold the pipe open; our end must not keep the process alive.
  destroyStream(child.stderr);

  const detail = stderrTail.trim() === '' ? '' : `: ${stderrTail.trim()}`;
  if (ending.kind === 'error') {
    return finish(false, null, timedOut, `hook failed: ${ending.error.message}`);
  }
  if (timedOut) return finish(false, ending.code, true, `hook timed out after ${timeoutMs} ms${detail}`);
  if (outcome === 'stopped') return finish(false, ending.code, false, `hook stopped: ${stopReason(signal)}`);
  if (ending.code === 0) return finish(true, 0, false, '');
  const how =
    ending.code === null ? `killed by ${ending.signal ?? 'a signal'}` : `exited with ${ending.code}`;
  return finish(false, ending.code, false, `hook ${how}${detail}`);
}

/**
 * SIGTERM to the hook's process group, then SIGKILL to the group if the hook ignores it for
 * `graceMs`: no child or grandchild it started outlives it (D57). `child.kill` covers a child
 * without a pid (a spawn that failed, a test double).
 */
async function stop(
  child: HookChild,
  ended: Promise<Ending>,
  clock: Clock,
  graceMs: number,
): Promise<Ending> {
  signalProcessGroup(child.pid, 'TERM');
  child.kill('SIGTERM');
  const afterTerm = await raceTimer(ended, clock, graceMs);
  // Also after the shell exited: a grandchild that ignored SIGTERM is still in the group.
  signalProcessGroup(child.pid, 'KILL');
  if (afterTerm !== 'timeout' && afterTerm !== 'stopped') return afterTerm;
  child.kill('SIGKILL');
  return ended;
}

/** The child's ending, 'timeout' once `delayMs` of clock time passed first, or 'stopped' on abort. */
async function raceTimer(
  ended: Promise<Ending>,
  clock: Clock,
  delayMs: number,
  signal?: AbortSignal,
): Promise<Ending | 'timeout' | 'stopped'> {
  const cancel = new AbortController();
  const timer = clock.sleep(delayMs, cancel.signal).then(
    () => 'timeout' as const,
    () => new Promise<never>(() => undefined),
  );
  const stopped = new Promise<'stopped'>((resolve) => {
    if (signal?.aborted === true) resolve('stopped');
    signal?.addEventListener(
      'abort',
      () => {
        resolve('stopped');
      },
      { once: true, signal: cancel.signal },
    );
  });
  try {
    return await Promise.race([ended, timer, stopped]);
  } finally {
    cancel.abort();
  }
}

function stopReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason.message : 'the run was stopped';
}

function destroyStream(stream: NodeJS.ReadableStream | null): void {
  if (stream !== null && 'destroy' in stream && typeof stream.destroy === 'function') {
    (stream as { destroy(): void }).destroy();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
