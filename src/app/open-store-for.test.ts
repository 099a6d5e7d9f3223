import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExtractorError } from '../platform/index.ts';
import type { Store } from '../store/index.ts';
import { removeTempDir, tempDir } from '../../test/support/temp-dir.ts';
import { databaseFor, type PostgresApi } from './open-store-for.ts';

const URL_WITH_PASSWORD = 'postgres://pmp:s3cret-pw@db.example:5432/inventory';
const LOCATION = { kind: 'postgres', url: URL_WITH_PASSWORD, schema: 'client_a' } as const;
const ME = { pid: 4242, hostname: 'here', isProcessAlive: () => true };

interface FakePostgres {
  api: PostgresApi;
  calls: string[];
  closes: { client: number; store: number };
  lost: { onLost: (() => void) | null };
}

/** The pg-store entry points, recording what the factory asks of them. */
function fakePostgres(
  behaviour: { lockHeld?: boolean; readOnlyNull?: boolean; openFails?: boolean } = {},
): FakePostgres {
  const calls: string[] = [];
  const closes = { client: 0, store: 0 };
  const lost: FakePostgres['lost'] = { onLost: null };
  const client = {
    query: () => Promise.resolve({ rows: [] }),
    transaction: () => Promise.reject(new Error('not used')),
    close: () => {
      closes.client += 1;
      return Promise.resolve();
    },
  };
  // As the real store: it owns its connection, and its close() ends it.
  const store = {
    close: async () => {
      closes.store += 1;
      await client.close();
    },
  } as unknown as Store;
  const api: PostgresApi = {
    connectPostgres: (url, options) => {
      calls.push(`connect ${url} as ${options?.applicationName ?? '?'}`);
      return Promise.resolve(client);
    },
    openPostgresStore: (options) => {
      calls.push(`open ${options.schema} for ${options.clientId ?? 'no client id'}`);
      if (behaviour.openFails === true)
        return Promise.reject(new ExtractorError('database_error', 'newer schema'));
      return Promise.resolve(store);
    },
    openPostgresStoreReadOnly: (options) => {
      calls.push(`read ${options.schema}`);
      return Promise.resolve(behaviour.readOnlyNull === true ? null : store);
    },
    acquirePostgresRunLock: (options) => {
      calls.push(`lock ${options.schema} at ${options.url}`);
      lost.onLost =
        options.onLost === undefined ? null : () => options.onLost?.(new Error('connection lost'));
      return Promise.resolve(behaviour.lockHeld === true ? null : { release: () => Promise.resolve() });
    },
  };
  return { api, calls, closes, lost };
}

describe('databaseFor: PostgreSQL (D103)', () => {
  it('labels the location with the password masked and the schema', () => {
    const database = databaseFor(LOCATION, ME, fakePostgres().api);
    expect(database.label).toBe('postgres://pmp:***@db.example:5432/inventory (schema client_a)');
  });

  it('opens a store for the Zoho client id, on a connection named after the schema', async () => {
    const pg = fakePostgres();
    const store = await databaseFor(LOCATION, ME, pg.api).open('1000.CLIENT');
    expect(pg.calls).toEqual([
      `connect ${URL_WITH_PASSWORD} as pmp-extractor client_a`,
      'open client_a for 1000.CLIENT',
    ]);
    await store.close();
    expect(pg.closes).toEqual({ client: 1, store: 1 });
  });

  it('leaves the client id out when the credentials give none (a token command)', async () => {
    const pg = fakePostgres();
    await databaseFor(LOCATION, ME, pg.api).open(null);
    expect(pg.calls.at(-1)).toBe('open client_a for no client id');
  });

  it('closes the connection when the store cannot be opened', async () => {
    const pg = fakePostgres({ openFails: true });
    await expect(databaseFor(LOCATION, ME, pg.api).open(null)).rejects.toThrow('newer schema');
    expect(pg.closes.client).toBe(1);
  });

  it('reads without migrating, and closes the connection when nothing was extracted yet', async () => {
    const pg = fakePostgres({ readOnlyNull: true });
    expect(await databaseFor(LOCATION, ME, pg.api).openReadOnly()).toBeNull();
    expect(pg.calls).toEqual([`connect ${URL_WITH_PASSWORD} as pmp-extractor client_a`, 'read client_a']);
    expect(pg.closes.client).toBe(1);
  });

  it('reports a lock held by another run (D106) without the password, and passes a lost lock on', async () => {
    const held = await databaseFor(LOCATION, ME, fakePostgres({ lockHeld: true }).api).acquireLock(
      () => undefined,
    );
    expect(held.ok).toBe(false);
    const message = held.ok ? '' : held.message;
    expect(message).toContain('holds the run lock of schema client_a in postgres://pmp:***@db.example');
    expect(message).not.toContain('s3cret');

    const pg = fakePostgres();
    const onLost = vi.fn();
    const taken = await databaseFor(LOCATION, ME, pg.api).acquireLock(onLost);
    expect(taken.ok).toBe(true);
    expect(pg.calls).toEqual([`lock client_a at ${URL_WITH_PASSWORD}`]);
    pg.lost.onLost?.();
    expect(onLost).toHaveBeenCalledOnce();
  });
});

describe('databaseFor: SQLite', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) removeTempDir(dir);
  });

  it('refuses to read a file that is not there (D45), and reads nothing-yet as null after creating it', async () => {
    const dir = tempDir('pmp-open-for-');
    dirs.push(dir);
    const path = join(dir, 'a.db');
    const database = databaseFor({ kind: 'sqlite', path }, ME);
    expect(database.label).toBe(path);
    await expect(database.openReadOnly()).rejects.toThrow(`no database at ${path}`);
    const store = await database.open(null);
    await store.close();
    const read = await database.openReadOnly();
    expect(read).not.toBeNull();
    await read?.close();
  });

  it('takes the lock once; a second attempt gets the holder message instead of an error', async () => {
    const dir = tempDir('pmp-open-for-');
    dirs.push(dir);
    const database = databaseFor({ kind: 'sqlite', path: join(dir, 'a.db') }, ME);
    const first = await database.acquireLock(() => undefined);
    expect(first.ok).toBe(true);
    const second = await databaseFor({ kind: 'sqlite', path: join(dir, 'a.db') }, ME).acquireLock(
      () => undefined,
    );
    expect(second.ok).toBe(false);
    expect(second.ok ? '' : second.message).toContain('Another pmp-extractor run holds');
    if (first.ok) await first.lock.release();
  });
});
