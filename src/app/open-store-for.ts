/**
 * The one place that knows both stores (D103): from the configured location, the run lock, a store
 * to write (created and migrated) and a store to read (`--status`, `raw`, the metrics file: no
 * migration, no lock), for SQLite or for PostgreSQL. The PostgreSQL store is loaded only when it is
 * selected (D67), so a SQLite run never loads `pg`.
 */
import { existsSync } from 'node:fs';
import { databaseLabel, type DatabaseLocation } from '../config/index.ts';
import { ExtractorError, isExtractorError } from '../platform/index.ts';
import { acquireRunLock, openStore, openStoreReadOnly, type Store } from '../store/index.ts';
import type { ProcessIO } from './io.ts';

/** The PostgreSQL store's entry points (src/pg-store), injectable so the wiring is testable without a server. */
export type PostgresApi = Pick<
  typeof import('../pg-store/index.ts'),
  'connectPostgres' | 'openPostgresStore' | 'openPostgresStoreReadOnly' | 'acquirePostgresRunLock'
>;

export interface HeldLock {
  release(): Promise<void>;
}

/** The lock, or why another run has it (the message of `run_deferred`, reason lock_held). */
type LockAttempt = { ok: true; lock: HeldLock } | { ok: false; message: string };

export interface RunDatabase {
  location: DatabaseLocation;
  /** Where the data lives, for people: the SQLite path, or the URL with its password masked and the schema. */
  label: string;
  /** One run per database (D10) or per schema (D106); `onLost`: the lock went while held. */
  acquireLock(onLost: () => void): Promise<LockAttempt>;
  /** For a run: creates and migrates. `clientId` keys the shared token budget in PostgreSQL (D104). */
  open(clientId: string | null): Promise<Store>;
  /**
   * Read-only: no migration, no lock, nothing created. Null when nothing was extracted there yet; a
   * SQLite file that does not exist is an error (D45).
   */
  openReadOnly(): Promise<Store | null>;
}

/** PostgreSQL's application_name limit, characters (NAMEDATALEN - 1). */
const MAX_APPLICATION_NAME_CHARS = 63;

export function databaseFor(
  location: DatabaseLocation,
  io: Pick<ProcessIO, 'pid' | 'hostname' | 'isProcessAlive'>,
  postgres?: PostgresApi,
): RunDatabase {
  const label = databaseLabel(location);
  return location.kind === 'sqlite'
    ? sqliteDatabase(location.path, label, io)
    : postgresDatabase(location, label, postgres);
}

function sqliteDatabase(
  path: string,
  label: string,
  io: Pick<ProcessIO, 'pid' | 'hostname' | 'isProcessAlive'>,
): RunDatabase {
  return {
    location: { kind: 'sqlite', path },
    label,
    async acquireLock(onLost) {
      try {
        const lock = await acquireRunLock(path, {
          owner: { pid: io.pid, hostname: io.hostname, isAlive: (pid) => io.isProcessAlive(pid) },
          onCompromised: onLost,
        });
        return { ok: true, lock };
      } catch (error) {
        if (isExtractorError(error) && error.code === 'lock_held')
          return { ok: false, message: error.message };
        throw error;
      }
    },
    open: () => settle(() => openStore({ path })),
    openReadOnly: () =>
      settle(() => {
        if (!existsSync(path)) {
          throw new ExtractorError(
            'database_error',
            `no database at ${path}: nothing has been extracted there yet, or PMP_DB_PATH / --db names ` +
              'another file. Check the path, or run one extraction to create it.',
          );
        }
        return openStoreReadOnly(path);
      }),
  };
}

function postgresDatabase(
  location: Extract<DatabaseLocation, { kind: 'postgres' }>,
  label: string,
  injected: PostgresApi | undefined,
): RunDatabase {
  const { url, schema } = location;
  const api = async (): Promise<PostgresApi> => injected ?? (await import('../pg-store/index.ts'));
  const connect = async (pg: PostgresApi) =>
    pg.connectPostgres(url, {
      applicationName: `pmp-extractor ${schema}`.slice(0, MAX_APPLICATION_NAME_CHARS),
    });
  return {
    location,
    label,
    async acquireLock(onLost) {
      const lock = await (await api()).acquirePostgresRunLock({ url, schema, onLost });
      if (lock !== null) return { ok: true, lock };
      return {
        ok: false,
        message:
          `Another pmp-extractor run holds the run lock of schema ${schema} in ${label}; this run stops ` +
          'and the next one continues. The lock goes with the connection of the run that holds it.',
      };
    },
    // The store owns its connection: its close() ends it. One that failed to open is closed here.
    async open(clientId) {
      const pg = await api();
      const client = await connect(pg);
      try {
        return await pg.openPostgresStore({ client, schema, ...(clientId === null ? {} : { clientId }) });
      } catch (error) {
        await client.close().catch(() => undefined);
        throw error;
      }
    },
    async openReadOnly() {
      const pg = await api();
      const client = await connect(pg);
      try {
        const store = await pg.openPostgresStoreReadOnly({ client, schema });
        if (store !== null) return store;
      } catch (error) {
        await client.close().catch(() => undefined);
        throw error;
      }
      await client.close();
      return null;
    },
  };
}

/** better-sqlite3 answers at once; a throw becomes a rejection, as from the networked store. */
function settle<T>(run: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(run());
  });
}
