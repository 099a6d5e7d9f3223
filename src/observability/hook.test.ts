import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../test/support/settings.ts';
import { LIMITS } from '../config/index.ts';
import { FakeClock, patientClock } from '../../test/support/fake-clock.ts';
import { runPostExtractionHook } from './hook.ts';
import type { HookChild, HookSpawn, PostExtractionHookOptions } from './hook.ts';
import { createEventLogger } from './logger.ts';
import { SecretRegistry } from './secrets.ts';
import { tempDir, removeTempDir } from '../../test/support/temp-dir.ts';

/** A clock whose timers never fire on their own: the hook always finishes before its limit. */
const patient = patientClock();

const VARIABLES = {
  PMP_SNAPSHOT_ID: 7,
  PMP_COVERAGE_PCT: 96.7,
  PMP_TARGET_MET: true,
  PMP_EXIT_CODE: 0,
  database: { PMP_DB_PATH: '/data/pmp.db' },
};

let root = '';
beforeEach(() => {
  root = tempDir('pmp-hook-');
});
afterEach(() => {
  removeTempDir(root);
});

function run(overrides: Partial<PostExtractionHookOptions> & { command: string }) {
  const chunks: string[] = [];
  const clock = overrides.clock ?? patient;
  const logger = createEventLogger({
    destination: { write: (line: string) => chunks.push(line) },
    clock,
    level: 'debug',
    secrets: new SecretRegistry(),
  });
  const events = (): Record<string, unknown>[] =>
    chunks.map((line) => JSON.parse(line) as Record<string, unknown>);
  const result = runPostExtractionHook({
    env: VARIABLES,
    baseEnv: { PATH: '/usr/bin:/bin' },
    clock,
    logger,
    timeoutMs: DEFAULT_CONFIG.hookTimeoutMs,
    killGraceMs: LIMITS.hookKillGraceMs,
    ...overrides,
  });
  return { result, events };
}

describe('runPostExtractionHook', () => {
  it('runs through /bin/sh with the D10 variables and without the credentials', async () => {
    const out = join(root, 'env.txt');
    const seen: unknown[] = [];
    const recordingSpawn: HookSpawn = (file, args, options) => {
      seen.push({ file, args, stdio: options.stdio });
      return spawn(file, args, options);
    };
    const { result, events } = run({
      command: 'env > "$OUT"; echo to-stdout; echo to-stderr >&2',
      baseEnv: {
        PATH: '/usr/bin:/bin',
        OUT: out,
        KEEP_ME: 'yes',
        UNSET: undefined,
        PMP_CLIENT_SECRET: 'client-secret-value',
        PMP_REFRESH_TOKEN: 'refresh-token-value',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/x',
      },
      spawn: recordingSpawn,
    });
    await expect(result).resolves.toEqual({
      ok: true,
      exitCode: 0,
      timedOut: false,
      interrupted: false,
      durationMs: 0,
    });
    const env = readFileSync(out, 'utf8');
    for (const line of [
      'PMP_SNAPSHOT_ID=7',
      'PMP_COVERAGE_PCT=96.7',
      'PMP_TARGET_MET=true',
      'PMP_EXIT_CODE=0',
      'PMP_DB_PATH=/data/pmp.db',
      'KEEP_ME=yes',
    ]) {
      expect(env).toContain(line);
    }
    expect(env).not.toMatch(/client-secret|refresh-token|hooks\.slack|UNSET/);
    expect(seen).toEqual([
      { file: '/bin/sh', args: ['-c', expect.any(String)], stdio: ['ignore', 'ignore', 'pipe'] },
    ]);
    expect(events()).toMatchObject([{ event_type: 'hook_complete', level: 'INFO', exit_code: 0 }]);
  });

  it('reports a failing hook as a WARNING with its exit code and stderr tail', async () => {
    const { result, events } = run({ command: 'echo "boom at ops@corp.com" >&2; exit 3' });
    await expect(result).resolves.toMatchObject({ ok: false, exitCode: 3, timedOut: false });
    expect(events()).toEqual([
      expect.objectContaining({
        event_type: 'hook_failed',
        level: 'WARNING',
        exit_code: 3,
        timed_out: false,
        error_message: 'hook exited with 3: boom at [email]',
      }),
    ]);
  });

  it('kills a hook that outlives its time limit', async () => {
    const clock = new FakeClock();
    const { result, events } = run({ command: 'exec sleep 30', clock, timeoutMs: 300_000 });
    await expect(result).resolves.toMatchObject({ ok: false, exitCode: null, timedOut: true });
    expect(clock.sleeps[0]).toBe(300_000);
    expect(events()).toMatchObject([
      { event_type: 'hook_failed', timed_out: true, error_message: 'hook timed out after 300000 ms' },
    ]);
  });

  it('follows SIGTERM with SIGKILL when the hook ignores it', async () => {
    const kills: string[] = [];
    const child = fakeChild((signal, emitter) => {
      kills.push(signal);
      if (signal === 'SIGKILL') emitter.emit('exit', null, 'SIGKILL');
    });
    const clock = new FakeClock();
    const { result } = run({ command: 'x', clock, spawn: () => child, killGraceMs: 2_000 });
    await expect(result).resolves.toMatchObject({ ok: false, timedOut: true });
    expect(kills).toEqual(['SIGTERM', 'SIGKILL']);
    expect(clock.sleeps).toEqual([300_000, 2_000]);
  });

  it('stops the hook when the run is signalled (D57), without waiting for its time limit', async () => {
    const stop = new AbortController();
    const { result, events } = run({ command: 'exec sleep 30', signal: stop.signal });
    setTimeout(() => {
      stop.abort(new Error('received SIGTERM'));
    }, 50);
    await expect(result).resolves.toMatchObject({ ok: false, timedOut: false, interrupted: true });
    expect(events()).toMatchObject([
      { event_type: 'hook_failed', timed_out: false, error_message: 'hook stopped: received SIGTERM' },
    ]);
  });

  it('does not start the hook once the run was signalled (D57)', async () => {
    const stop = new AbortController();
    stop.abort(new Error('received SIGINT'));
    let spawned = false;
    const { result, events } = run({
      command: 'x',
      signal: stop.signal,
      spawn: () => {
        spawned = true;
        throw new Error('unreachable');
      },
    });
    await expect(result).resolves.toMatchObject({ ok: false, interrupted: true });
    expect(spawned).toBe(false);
    expect(events()[0]?.['error_message']).toBe('hook not run: received SIGINT');
  });

  it('reports a hook killed by a signal', async () => {
    const child = fakeChild(() => undefined);
    const { result, events } = run({ command: 'x', spawn: () => child });
    child.emit('exit', null, 'SIGSEGV');
    await expect(result).resolves.toMatchObject({ ok: false, exitCode: null, timedOut: false });
    expect(events()[0]?.['error_message']).toBe('hook killed by SIGSEGV');
  });

  it('reports a shell that cannot start, without throwing', async () => {
    const child = fakeChild(() => undefined);
    const failing = run({ command: 'x', spawn: () => child });
    child.emit('error', new Error('spawn /bin/sh ENOENT'));
    await expect(failing.result).resolves.toMatchObject({ ok: false, exitCode: null });
    expect(failing.events()[0]?.['error_message']).toBe('hook failed: spawn /bin/sh ENOENT');

    const throwing = run({
      command: 'x',
      spawn: () => {
        throw new Error('EAGAIN');
      },
    });
    await expect(throwing.result).resolves.toMatchObject({ ok: false });
    expect(throwing.events()[0]?.['error_message']).toBe('hook could not start: EAGAIN');
  });
});

type FakeChild = HookChild & EventEmitter;

function fakeChild(onKill: (signal: string, emitter: EventEmitter) => void): FakeChild {
  const emitter = new EventEmitter();
  return Object.assign(emitter, {
    stderr: new PassThrough(),
    kill(signal?: NodeJS.Signals) {
      onKill(signal ?? 'SIGTERM', emitter);
      return true;
    },
  });
}
