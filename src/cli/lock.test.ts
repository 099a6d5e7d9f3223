import { describe, expect, it } from 'vitest';
import type { ProcessIO, RunDatabase } from '../app/index.ts';
import { type FlushableEventLogger, SecretRegistry } from '../observability/index.ts';
import { ExtractorError, isExtractorError } from '../platform/index.ts';
import { recordingLogger } from '../../test/support/recording-logger.ts';
import { acquireLockOrDefer, releaseLock } from './lock.ts';

function stderrIo(): { io: ProcessIO; lines: string[] } {
  const lines: string[] = [];
  const io = { stderr: { write: (text: string) => lines.push(text) } } as unknown as ProcessIO;
  return { io, lines };
}

function database(acquireLock: RunDatabase['acquireLock']): RunDatabase {
  return { acquireLock } as unknown as RunDatabase;
}

/** acquireLockOrDefer only emits; the recording logger stands in for the flushable one. */
const logger = () => recordingLogger();
const flushable = (log: ReturnType<typeof logger>) => log as unknown as FlushableEventLogger;

describe('acquireLockOrDefer (D106)', () => {
  it('logs run_deferred lock_held with the holder message and returns null', async () => {
    const { io } = stderrIo();
    const log = logger();
    const held = database(() => Promise.resolve({ ok: false, message: 'schema client_a is busy' }));
    expect(await acquireLockOrDefer(io, held, flushable(log), new AbortController())).toBeNull();
    expect(log.events).toEqual([
      {
        type: 'run_deferred',
        fields: { reason: 'lock_held', retry_after_s: null, message: 'schema client_a is busy' },
        level: undefined,
      },
    ]);
  });

  it('aborts the run with lock_held and says so on stderr when the lock is lost', async () => {
    const { io, lines } = stderrIo();
    let lose: () => void = () => undefined;
    const lock = { release: () => Promise.resolve() };
    const taken = database((onLost) => {
      lose = onLost;
      return Promise.resolve({ ok: true, lock });
    });
    const lockLost = new AbortController();
    expect(await acquireLockOrDefer(io, taken, flushable(logger()), lockLost)).toBe(lock);
    expect(lockLost.signal.aborted).toBe(false);
    lose();
    const reason: unknown = lockLost.signal.reason;
    expect(isExtractorError(reason) && reason.code).toBe('lock_held');
    expect((reason as Error).message).toContain('the run lock was lost');
    expect(lines).toEqual(['pmp-extractor: run lock lost; stopping after the current page\n']);
  });
});

describe('releaseLock (D106)', () => {
  it('reports a failed release on stderr, scrubbed, without throwing', async () => {
    const { io, lines } = stderrIo();
    const secrets = new SecretRegistry();
    secrets.add('hunter2-password');
    const failing = {
      release: () =>
        Promise.reject(new ExtractorError('database_error', 'unlock returned false for hunter2-password')),
    };
    await releaseLock(failing, io, secrets);
    expect(lines).toEqual(['pmp-extractor: unlock returned false for [redacted]\n']);
  });
});
