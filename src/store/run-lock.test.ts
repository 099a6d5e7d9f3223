import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isExtractorError } from '../platform/errors.ts';
import { acquireRunLock } from './run-lock.ts';

let dir: string;
let dbPath: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmp-lock-'));
  dbPath = join(dir, 'pmp.db');
});
afterEach(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(isExtractorError(error) && error.code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

/** A separate node process that takes the lock through our module and then idles. */
async function holdLockInChild(staleMs: number): Promise<ChildProcess> {
  const modulePath = fileURLToPath(new URL('./run-lock.ts', import.meta.url));
  const script = `
    const { acquireRunLock } = await import(${JSON.stringify(modulePath)});
    await acquireRunLock(${JSON.stringify(dbPath)}, { staleMs: ${staleMs} });
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(proc.stdout, 'data')) as [Buffer];
  expect(chunk.toString()).toBe('locked\n');
  return proc;
}

describe('acquireRunLock', () => {
  it('refuses a second holder quickly and can be taken again after release', async () => {
    const first = await acquireRunLock(dbPath);
    expect(existsSync(`${dbPath}.lock`)).toBe(true);
    const startedMs = Date.now();
    await expectCode(acquireRunLock(dbPath), 'lock_held');
    expect(Date.now() - startedMs).toBeLessThan(500);
    await first.release();
    await first.release();
    expect(existsSync(`${dbPath}.lock`)).toBe(false);
    const second = await acquireRunLock(dbPath);
    await second.release();
  });

  it('creates a missing parent folder, and reports an impossible path as database_error', async () => {
    const nested = await acquireRunLock(join(dir, 'new', 'pmp.db'));
    await nested.release();
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    await expectCode(acquireRunLock(join(file, 'pmp.db')), 'database_error');
  });

  it('reports a lock lost while held through onCompromised, and release still resolves', async () => {
    const lost: Error[] = [];
    const lock = await acquireRunLock(dbPath, {
      staleMs: 2000,
      onCompromised: (error) => lost.push(error),
    });
    rmSync(`${dbPath}.lock`, { recursive: true });
    // The holder refreshes every staleMs / 2 = 1 s and notices the lock is gone.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(lost).toHaveLength(1);
    await lock.release();
  });

  it('cross-process: a live holder blocks us; a SIGKILLed holder is taken over once stale', async () => {
    const staleMs = 2000;
    child = await holdLockInChild(staleMs);
    await expectCode(acquireRunLock(dbPath, { staleMs }), 'lock_held');

    child.kill('SIGKILL');
    await once(child, 'exit');
    // Just killed: its last refresh is under staleMs old, so the lock still counts as held.
    await expectCode(acquireRunLock(dbPath, { staleMs }), 'lock_held');

    const killedMs = Date.now();
    let lock: Awaited<ReturnType<typeof acquireRunLock>> | undefined;
    while (lock === undefined && Date.now() - killedMs < staleMs + 3000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      lock = await acquireRunLock(dbPath, { staleMs }).catch(() => undefined);
    }
    expect(lock).toBeDefined();
    // proper-lockfile stamps a fresh lock up to 1 s into the future (next whole second + 5 ms),
    // so a holder killed right after acquiring goes stale within staleMs + 1 s (+ our 200 ms poll).
    expect(Date.now() - killedMs).toBeLessThanOrEqual(staleMs + 1500);
    await lock?.release();
  });
});
