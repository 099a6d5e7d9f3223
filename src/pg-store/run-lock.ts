/**
 * One run per account schema (D100): a session-level advisory lock, pg_try_advisory_lock(key), on a
 * dedicated connection held for the whole run. The server frees it when that session ends, so a
 * killed run never leaves it behind. Session locks need the same server session for the whole run:
 * they do not work behind PgBouncer in transaction-pooling mode (README, "PostgreSQL").
 */
import type pg from 'pg';
import { ExtractorError } from '../platform/index.ts';
import type { RunLock } from '../store/index.ts';
import { connectPgClient } from './connect.ts';
import { oneLine } from './errors.ts';
import { quoteSchema, runLockKey } from './names.ts';

export interface PostgresRunLockOptions {
  url: string;
  schema: string;
  /**
   * Called once when the lock was lost while held: its connection failed, ended, or stopped
   * answering the heartbeat. The server may then let another run in, so this run must stop writing.
   */
  onLost?: (error: Error) => void;
  /**
   * How often the lock connection is probed, in ms (default 15000); a probe unanswered for twice
   * that (at least 1 s) loses the lock.
   */
  heartbeatMs?: number;
}

/**
 * Takes the account's run lock at once, or returns null when another session holds it (the caller
 * exits 3). release() unlocks and CHECKS pg_advisory_unlock's answer: false (the lock was not held
 * by this session) throws a database_error worth logging, since it means the run wrote without the
 * lock it thought it had. After onLost, release() only closes what is left.
 */
export async function acquirePostgresRunLock(options: PostgresRunLockOptions): Promise<RunLock | null> {
  quoteSchema(options.schema);
  const heartbeatMs = Math.max(10, options.heartbeatMs ?? 15_000);
  const client = await connectPgClient(options.url, {
    applicationName: `pmp-extractor run lock (${options.schema})`,
    // A probe gets twice the interval (at least 1 s) before the lock counts as lost.
    queryTimeoutMs: Math.max(1000, heartbeatMs * 2),
  });
  return lockOnSession(client, { ...options, heartbeatMs });
}

/**
 * The lock on an open session, which it then owns (ended on null, on loss and on release).
 * Separate so that the tests can reach the session behind a held lock.
 */
export async function lockOnSession(
  client: pg.Client,
  options: Omit<PostgresRunLockOptions, 'url'> & { heartbeatMs: number },
): Promise<RunLock | null> {
  const key = runLockKey(options.schema);
  let locked: boolean;
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [key],
    );
    locked = rows[0]?.locked === true;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw lockError(options.schema, 'Cannot take the run lock', error);
  }
  if (!locked) {
    await client.end().catch(() => undefined);
    return null;
  }
  return holdLock(client, key, options.heartbeatMs, options);
}

function lockError(schema: string, what: string, error: unknown): ExtractorError {
  const detail = oneLine(error instanceof Error ? error.message : String(error));
  return new ExtractorError('database_error', `${what} of PostgreSQL schema "${schema}": ${detail}`, {
    cause: error,
  });
}

function holdLock(
  client: pg.Client,
  key: string,
  heartbeatMs: number,
  options: Omit<PostgresRunLockOptions, 'url'>,
): RunLock {
  let state: 'held' | 'lost' | 'released' = 'held';
  // A connection cut without a FIN (a network partition) emits nothing: a probe that fails or times
  // out (query_timeout) finds it. The timer does not keep the process alive.
  let probing = false;
  const heartbeat = setInterval(() => {
    if (probing) return;
    probing = true;
    client.query('SELECT 1').then(
      () => {
        probing = false;
      },
      (error: unknown) => {
        lose(lockError(options.schema, 'The run lock stopped answering', error));
      },
    );
  }, heartbeatMs);
  const lose = (error: Error): void => {
    if (state !== 'held') return;
    state = 'lost';
    clearInterval(heartbeat);
    client.end().catch(() => undefined);
    options.onLost?.(error);
  };
  client.on('error', lose);
  client.on('end', () => {
    lose(new Error(`The run lock connection of schema "${options.schema}" ended`));
  });
  heartbeat.unref();
  return {
    async release() {
      if (state === 'released') return;
      const wasHeld = state === 'held';
      state = 'released';
      clearInterval(heartbeat);
      if (!wasHeld) return;
      let unlocked: boolean;
      try {
        const { rows } = await client.query<{ unlocked: boolean }>(
          'SELECT pg_advisory_unlock($1::bigint) AS unlocked',
          [key],
        );
        unlocked = rows[0]?.unlocked === true;
      } catch (error) {
        throw lockError(options.schema, 'Cannot release the run lock', error);
      } finally {
        await client.end().catch(() => undefined);
      }
      if (!unlocked) {
        throw new ExtractorError(
          'database_error',
          `The run lock of PostgreSQL schema "${options.schema}" was not held at release ` +
            `(pg_advisory_unlock(${key}) returned false): another run may have written at the same ` +
            'time. Check that PMP_DB_URL does not go through a transaction-pooling PgBouncer.',
        );
      }
    },
  };
}
