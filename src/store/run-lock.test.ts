import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isExtractorError } from '../platform/index.ts';
import { acquireRunLock, type LockOwner, type RunLock } from './run-lock.ts';
import { tempDir, removeTempDir } from '../../test/support/temp-dir.ts';

let dir: string;
let dbPath: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = tempDir('pmp-lock-');
  dbPath = join(dir, 'pmp.db');
});
afterEach(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  removeTempDir(dir);
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

/** This host's view of a pid, as main.ts implements it. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Owner info for this test process; `asked` records every pid isAlive was asked about. */
function ownerOfThisProcess(): LockOwner & { asked: number[] } {
  const asked: number[] = [];
  return {
    pid: process.pid,
    hostname: hostname(),
    asked,
    isAlive: (pid) => {
      asked.push(pid);
      return isProcessAlive(pid);
    },
  };
}

interface ChildLockOptions {
  staleMs: number;
  /** Take the lock with owner info (the child's own pid; this host unless `hostname` says otherwise). */
  owner?: { hostname?: string };
  /** On onCompromised: print `compromised`, release the lock, print `released`. */
  releaseOnCompromise?: boolean;
}

/** A separate node process that takes the lock through our module and then idles. */
async function holdLockInChild(options: ChildLockOptions): Promise<ChildProcess> {
  const modulePath = fileURLToPath(new URL('./run-lock.ts', import.meta.url));
  const owner =
    options.owner === undefined
      ? 'undefined'
      : `{ pid: process.pid, hostname: ${JSON.stringify(options.owner.hostname ?? hostname())}, isAlive: () => true }`;
  const script = `
    const { acquireRunLock } = await import(${JSON.stringify(modulePath)});
    let lock;
    const onCompromised = async () => {
      process.stdout.write('compromised\\n');
      if (${String(options.releaseOnCompromise === true)}) {
        await lock.release();
        process.stdout.write('released\\n');
      }
    };
    lock = await acquireRunLock(${JSON.stringify(dbPath)}, { staleMs: ${options.staleMs}, owner: ${owner}, onCompromised });
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLine(proc, 'locked');
  return proc;
}

/** Resolves once the child has printed `line` (whole line) on stdout. */
async function waitForLine(proc: ChildProcess, line: string): Promise<void> {
  const stdout = proc.stdout;
  if (stdout === null) throw new Error('child has no stdout');
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (seen.split('\n').includes(line)) {
        stdout.off('data', onData);
        proc.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      reject(new Error(`child exited (${String(code)}) before printing ${line}; stdout: ${seen}`));
    };
    stdout.on('data', onData);
    proc.once('exit', onExit);
  });
}

async function killHard(proc: ChildProcess): Promise<void> {
  const exited = once(proc, 'exit');
  proc.kill('SIGKILL');
  await exited;
}

function readOwnerFile(): unknown {
  return JSON.parse(readFileSync(`${dbPath}.lock.owner`, 'utf8'));
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
    child = await holdLockInChild({ staleMs });
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

  describe('immediate takeover with owner info (pid + host beside the lock)', () => {
    it('records the holder as {pid, hostname} in a private file beside the lock; release removes both', async () => {
      const owner = ownerOfThisProcess();
      const lock = await acquireRunLock(dbPath, { owner });
      expect(readOwnerFile()).toEqual({ pid: process.pid, hostname: hostname() });
      expect(statSync(`${dbPath}.lock.owner`).mode & 0o777).toBe(0o600);
      await lock.release();
      expect(existsSync(`${dbPath}.lock.owner`)).toBe(false);
      expect(existsSync(`${dbPath}.lock`)).toBe(false);
      // Without owner info nothing is written beside the lock.
      const anonymous = await acquireRunLock(dbPath);
      expect(existsSync(`${dbPath}.lock.owner`)).toBe(false);
      await anonymous.release();
    });

    it('a holder without owner info clears a record left by an earlier, dead holder', async () => {
      // A real pid that is gone: a child that has already exited.
      const gone = spawn(process.execPath, ['-e', '']);
      await once(gone, 'exit');
      // Left over by a crashed owner-aware run whose lock directory was then removed by hand.
      writeFileSync(`${dbPath}.lock.owner`, JSON.stringify({ pid: gone.pid, hostname: hostname() }));
      const anonymous = await acquireRunLock(dbPath);
      expect(existsSync(`${dbPath}.lock.owner`)).toBe(false);
      // So an owner-aware run does not mistake the live anonymous holder for the dead one.
      const owner = ownerOfThisProcess();
      await expectCode(acquireRunLock(dbPath, { owner }), 'lock_held');
      expect(owner.asked).toEqual([]);
      await anonymous.release();
    });

    it('takes over at once from a SIGKILLed holder on this host, long before staleMs', async () => {
      const staleMs = 10_000;
      child = await holdLockInChild({ staleMs, owner: {} });
      const childPid = child.pid;
      expect(readOwnerFile()).toEqual({ pid: childPid, hostname: hostname() });

      await killHard(child);
      const killedMs = Date.now();
      // Without owner info only staleness frees the lock, and 10 s have not passed.
      await expectCode(acquireRunLock(dbPath, { staleMs }), 'lock_held');

      const owner = ownerOfThisProcess();
      const lock = await acquireRunLock(dbPath, { staleMs, owner });
      expect(Date.now() - killedMs).toBeLessThan(1000);
      expect(owner.asked).toEqual([childPid]);
      // The lock and its owner record are ours now, and hold against the next run.
      expect(readOwnerFile()).toEqual({ pid: process.pid, hostname: hostname() });
      await expectCode(acquireRunLock(dbPath, { staleMs }), 'lock_held');
      await lock.release();
      expect(existsSync(`${dbPath}.lock`)).toBe(false);
      expect(existsSync(`${dbPath}.lock.owner`)).toBe(false);
    });

    it('leaves a live holder alone: lock_held, after asking whether its pid is alive', async () => {
      child = await holdLockInChild({ staleMs: 10_000, owner: {} });
      const owner = ownerOfThisProcess();
      const startedMs = Date.now();
      await expectCode(acquireRunLock(dbPath, { staleMs: 10_000, owner }), 'lock_held');
      expect(Date.now() - startedMs).toBeLessThan(500);
      expect(owner.asked).toEqual([child.pid]);
      // The holder's record is untouched.
      expect(readOwnerFile()).toEqual({ pid: child.pid, hostname: hostname() });
    });

    it('never judges a holder on another host dead: its lock waits for staleness', async () => {
      child = await holdLockInChild({ staleMs: 10_000, owner: { hostname: 'another-host.example' } });
      await killHard(child);
      const owner = ownerOfThisProcess();
      await expectCode(acquireRunLock(dbPath, { staleMs: 10_000, owner }), 'lock_held');
      // A pid from another host means nothing here, so it is not even looked up.
      expect(owner.asked).toEqual([]);
      expect(existsSync(`${dbPath}.lock`)).toBe(true);
    });

    it('treats a missing, corrupt or foreign-shaped owner record as unknown: lock_held', async () => {
      child = await holdLockInChild({ staleMs: 10_000, owner: {} });
      const deadPid = child.pid ?? 0;
      await killHard(child);
      const ownerPath = `${dbPath}.lock.owner`;
      const here = hostname();
      const records: [string, string | null][] = [
        ['missing', null],
        ['empty', ''],
        ['not JSON', '{"pid": 12'],
        ['null', 'null'],
        ['an array', '[1, 2]'],
        ['pid as a string', JSON.stringify({ pid: String(deadPid), hostname: here })],
        ['no hostname', JSON.stringify({ pid: deadPid })],
        ['our own pid', JSON.stringify({ pid: process.pid, hostname: here })],
      ];
      for (const [, content] of records) {
        if (content === null) rmSync(ownerPath, { force: true });
        else writeFileSync(ownerPath, content);
        await expectCode(
          acquireRunLock(dbPath, { staleMs: 10_000, owner: ownerOfThisProcess() }),
          'lock_held',
        );
        expect(existsSync(`${dbPath}.lock`)).toBe(true);
      }
      // The control: the same dead holder, recorded properly, is taken over.
      writeFileSync(ownerPath, JSON.stringify({ pid: deadPid, hostname: here }));
      const lock = await acquireRunLock(dbPath, { staleMs: 10_000, owner: ownerOfThisProcess() });
      await lock.release();
    });

    it("a holder that wakes up after a takeover does not delete the new holder's owner record", async () => {
      const staleMs = 2000;
      child = await holdLockInChild({ staleMs, owner: {}, releaseOnCompromise: true });
      // Frozen, not dead: its pid is alive, so only staleness lets us in.
      child.kill('SIGSTOP');
      const owner = ownerOfThisProcess();
      const stoppedMs = Date.now();
      let lock: RunLock | undefined;
      while (lock === undefined && Date.now() - stoppedMs < staleMs + 3000) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        lock = await acquireRunLock(dbPath, { staleMs, owner }).catch(() => undefined);
      }
      expect(lock).toBeDefined();
      expect(readOwnerFile()).toEqual({ pid: process.pid, hostname: hostname() });

      // It resumes, finds its lock compromised and releases it: our lock and record must survive.
      const released = waitForLine(child, 'released');
      child.kill('SIGCONT');
      await released;
      expect(existsSync(`${dbPath}.lock`)).toBe(true);
      expect(readOwnerFile()).toEqual({ pid: process.pid, hostname: hostname() });
      await expectCode(acquireRunLock(dbPath, { staleMs, owner: ownerOfThisProcess() }), 'lock_held');
      await lock?.release();
      expect(existsSync(`${dbPath}.lock.owner`)).toBe(false);
    });
  });
});
