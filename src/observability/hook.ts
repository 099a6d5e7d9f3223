import { spawn as nodeSpawn } from 'node:child_process';
import type { Clock, EventLogger } from '../platform/index.ts';
import { buildHookEnv } from './hook-env.ts';
import type { HookVariables } from './hook-env.ts';

/** The part of a ChildProcess the hook runner uses; node:child_process's spawn satisfies it. */
export interface HookChild {
  readonly stderr: NodeJS.ReadableStream | null;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

export type HookSpawn = (
  file: string,
  args: readonly string[],
  options: { env: Record<string, string>; stdio: ['ignore', 'ignore', 'pipe'] },
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
  spawn?: HookSpawn;
}

export interface HookResult {
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
}

type Ending = { kind: 'exit'; code: number | null; signal: string | null } | { kind: 'error'; error: Error };

/** The end of stderr kept for the failure message, chars; stdout is discarded (ours is JSON only). */
const STDERR_TAIL_CHARS = 1024;

/** Runs the hook; resolves with its outcome, logs hook_complete / hook_failed, never rejects. */
export async function runPostExtractionHook(options: PostExtractionHookOptions): Promise<HookResult> {
  const { clock, logger } = options;
  const startedMs = clock.nowMs();
  const finish = (ok: boolean, exitCode: number | null, timedOut: boolean, message: string): HookResult => {
    const durationMs = clock.nowMs() - startedMs;
    if (ok) logger.emit('hook_complete', { exit_code: 0, duration_ms: durationMs });
    else logger.emit('hook_failed', { error_message: message, exit_code: exitCode, timed_out: timedOut });
    return { ok, exitCode, timedOut, durationMs };
  };

  let child: HookChild;
  try {
    const spawn: HookSpawn = options.spawn ?? nodeSpawn;
    const env = buildHookEnv(options.baseEnv, options.env);
    child = spawn('/bin/sh', ['-c', options.command], { env, stdio: ['ignore', 'ignore', 'pipe'] });
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
  const outcome = await raceTimer(ended, clock, timeoutMs);
  const timedOut = outcome === 'timeout';
  const ending = timedOut ? await stop(child, ended, clock, options.killGraceMs) : outcome;
  // A grandchild may still hold the pipe open; our end must not keep the process alive.
  destroyStream(child.stderr);

  const detail = stderrTail.trim() === '' ? '' : `: ${stderrTail.trim()}`;
  if (ending.kind === 'error') {
    return finish(false, null, timedOut, `hook failed: ${ending.error.message}`);
  }
  if (timedOut) return finish(false, ending.code, true, `hook timed out after ${timeoutMs} ms${detail}`);
  if (ending.code === 0) return finish(true, 0, false, '');
  const how =
    ending.code === null ? `killed by ${ending.signal ?? 'a signal'}` : `exited with ${ending.code}`;
  return finish(false, ending.code, false, `hook ${how}${detail}`);
}

/** SIGTERM, then SIGKILL if the hook ignores it for `graceMs`. */
async function stop(
  child: HookChild,
  ended: Promise<Ending>,
  clock: Clock,
  graceMs: number,
): Promise<Ending> {
  child.kill('SIGTERM');
  const afterTerm = await raceTimer(ended, clock, graceMs);
  if (afterTerm !== 'timeout') return afterTerm;
  child.kill('SIGKILL');
  return ended;
}

/** The child's ending, or 'timeout' once `delayMs` of clock time passed first. */
async function raceTimer(ended: Promise<Ending>, clock: Clock, delayMs: number): Promise<Ending | 'timeout'> {
  const cancel = new AbortController();
  const timer = clock.sleep(delayMs, cancel.signal).then(
    () => 'timeout' as const,
    () => new Promise<never>(() => undefined),
  );
  try {
    return await Promise.race([ended, timer]);
  } finally {
    cancel.abort();
  }
}

function destroyStream(stream: NodeJS.ReadableStream | null): void {
  if (stream !== null && 'destroy' in stream && typeof stream.destroy === 'function') {
    (stream as { destroy(): void }).destroy();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
