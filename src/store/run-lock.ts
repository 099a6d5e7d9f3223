/**
 * One run per database (D10, D20): a lock directory `${dbPath}.lock` beside the database, via
 * proper-lockfile. While held, its mtime is refreshed every staleMs/2; a holder killed with SIGKILL
 * stops refreshing, so its lock turns stale after staleMs and the next run takes it over. With `owner`,
 * the holder's pid and host are recorded in `${dbPath}.lock.owner`, and a dead holder on this host is
 * taken over at once.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import lockfile from 'proper-lockfile';
import { errorCodeOf, ExtractorError } from '../platform/index.ts';
import { ensureParentDir } from './file-modes.ts';

export interface RunLockOptions {
  /** Age after which an unrefreshed lock counts as abandoned, in ms. Default 10000 (library min 2000). */
  staleMs?: number;
  /**
   * Called when the lock was lost while held (its directory removed or taken over, or the refresh
   * failing). The run should stop writing. Default: ignore (proper-lockfile's own default throws
   * from a timer and would crash the process).
   */
  onCompromised?: (error: Error) => void;
  /**
   * This process, for immediate takeover: the holder's pid and host are written beside the lock, and
   * a lock whose holder is on this host and no longer alive is taken over at once instead of after
   * staleMs. Without it, only staleness frees an abandoned lock.
   */
  owner?: LockOwner;
}

export interface LockOwner {
  pid: number;
  hostname: string;
  /** True while a process with this pid exists (main.ts: `process.kill(pid, 0)`). */
  isAlive(pid: number): boolean;
}

export interface RunLock {
  /** Removes the lock; safe to call twice or after the lock was compromised. */
  release(): Promise<void>;
}

/** Takes the lock at once or throws `lock_held` (no retries: a second cron run must exit quickly). */
export async function acquireRunLock(dbPath: string, options: RunLockOptions = {}): Promise<RunLock> {
  const lockPath = `${dbPath}.lock`;
  const ownerPath = `${lockPath}.owner`;
  const take = (): Promise<() => Promise<void>> =>
    lockfile.lock(dbPath, {
      realpath: false,
      lockfilePath: lockPath,
      retries: 0,
      stale: options.staleMs ?? 10_000,
      onCompromised: options.onCompromised ?? (() => undefined),
    });
  let releaseLock: () => Promise<void>;
  try {
    ensureParentDir(dbPath);
    try {
      releaseLock = await take();
    } catch (error) {
      if (errorCodeOf(error) !== 'ELOCKED' || !holderIsDead(ownerPath, options.owner)) throw error;
      rmSync(lockPath, { recursive: true, force: true });
      releaseLock = await take();
    }
    // Held now: a record left by an earlier holder must not outlive it, or it would make this holder
    // look dead to an owner-aware run (its pid is gone) and get this live lock taken over.
    if (options.owner !== undefined) writeOwner(ownerPath, options.owner);
    else rmSync(ownerPath, { force: true });
  } catch (error) {
    if (errorCodeOf(error) === 'ELOCKED') {
      throw new ExtractorError(
        'lock_held',
        `Another pmp-extractor run holds ${lockPath}; this run stops and the next one continues. ` +
          'A lock left by a killed process is taken over once it is stale.',
        { cause: error },
      );
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new ExtractorError('database_error', `Cannot create the run lock ${lockPath}: ${detail}`, {
      cause: error,
    });
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      try {
        if (options.owner !== undefined) removeOwnRecord(ownerPath, options.owner);
        await releaseLock();
      } catch (error) {
        // Already gone (compromised or removed): nothing left to release.
        if (errorCodeOf(error) !== 'ERELEASED' && errorCodeOf(error) !== 'ENOTACQUIRED') throw error;
      }
    },
  };
}

function writeOwner(ownerPath: string, owner: LockOwner): void {
  writeFileSync(ownerPath, JSON.stringify({ pid: owner.pid, hostname: owner.hostname }), { mode: 0o600 });
}

/** Reads the owner record; null when it is missing or not a {pid: number, hostname: string} object. */
function readOwner(ownerPath: string): { pid: number; hostname: string } | null {
  try {
    const recorded: unknown = JSON.parse(readFileSync(ownerPath, 'utf8'));
    if (typeof recorded !== 'object' || recorded === null) return null;
    const { pid, hostname } = recorded as { pid?: unknown; hostname?: unknown };
    return typeof pid === 'number' && typeof hostname === 'string' ? { pid, hostname } : null;
  } catch {
    return null;
  }
}

/**
 * Removes the owner record only while it still names this process: a holder whose lock was taken over
 * (it looked dead or stale to the next run) must not delete the new holder's record on release, or a
 * later crash of the new holder could no longer be taken over at once.
 */
function removeOwnRecord(ownerPath: string, owner: LockOwner): void {
  const recorded = readOwner(ownerPath);
  if (recorded?.pid === owner.pid && recorded.hostname === owner.hostname) rmSync(ownerPath, { force: true });
}

/** The recorded holder is on this host and gone (SIGKILL, crash, reboot). Unknown → not dead. */
function holderIsDead(ownerPath: string, owner: LockOwner | undefined): boolean {
  if (owner === undefined) return false;
  const recorded = readOwner(ownerPath);
  if (recorded === null || recorded.hostname !== owner.hostname) return false;
  return recorded.pid !== owner.pid && !owner.isAlive(recorded.pid);
}
