/**
 * What only the PostgreSQL store has (the shared behaviour is in test/contract): values Postgres
 * types cannot take, one statement per kind of row, the token budget shared per client, read-only
 * opens, and a store that owns its client. On PGlite, in every `npm test`.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isExtractorError } from '../platform/index.ts';
import type { CommitBatch, Store } from '../store/index.ts';
import { batch, BIG_ID, gap, system, T0 } from '../../test/contract/contract-kit.ts';
import { dropSchema, randomSchema } from '../../test/support/pg-schemas.ts';
import { pgliteSqlClient, sharedPglite } from '../../test/support/pglite-client.ts';
import { openPostgresStore, openPostgresStoreReadOnly } from './index.ts';
import type { SqlClient } from './sql-client.ts';

let db: SqlClient;
const schemas: string[] = [];
const stores: Store[] = [];
beforeAll(async () => {
  db = pgliteSqlClient(await sharedPglite());
}, 120_000);
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const schema of schemas.splice(0)) await dropSchema(db, schema);
});

/** A SqlClient over the shared PGlite that records every statement and whether close() was called. */
function recordingClient(): SqlClient & { statements: string[]; transactions: number; closed: boolean } {
  const recorder = {
    statements: [] as string[],
    transactions: 0,
    closed: false,
    query: (text: string, params?: readonly unknown[]) => {
      recorder.statements.push(text);
      return db.query(text, params);
    },
    transaction: <T>(work: Parameters<SqlClient['transaction']>[0]): Promise<T> => {
      recorder.transactions += 1;
      return db.transaction((tx) =>
        work({
          query: (text, params) => {
            recorder.statements.push(text);
            return tx.query(text, params);
          },
        }),
      ) as Promise<T>;
    },
    close: () => {
      recorder.closed = true;
      return Promise.resolve();
    },
  };
  return recorder;
}

async function open(clientId: string | null = null, schema = randomSchema()): Promise<Store> {
  if (!schemas.includes(schema)) schemas.push(schema);
  const store = await openPostgresStore({ client: db, schema, clientId });
  stores.push(store);
  return store;
}

async function row(
  schema: string,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Record<string, unknown>> {
  const { rows } = await db.query(sql.replaceAll('S.', `"${schema}".`), params);
  return rows[0] ?? {};
}

describe('values Postgres types cannot take', { timeout: 60_000 }, () => {
  it('stores integers beyond int8 and fractions as NULL, U+0000 as U+FFFD, the record whole', async () => {
    const store = await open();
    const schema = schemas[0] ?? '';
    const id = await store.createSnapshot(T0);
    const raw = `{"resource_id":${BIG_ID},"os_platform":99999999999999999999}`;
    const record = system(
      BIG_ID,
      {
        os_platform: '99999999999999999999',
        os_language: 1.5,
        osflavor_id: '9007199254740993',
        scan_status: -3,
        os_name: 'Win\u0000dows',
        agent_last_contact_time: 1_732_614_000_123,
      },
      raw,
    );
    await store.commit(batch(id, { pages: [{ page: 1, systems: [record] }], nowMs: T0 + 7 }));
    expect(
      await row(
        schema,
        `SELECT resource_id, os_platform, os_language, osflavor_id::text AS flavor, scan_status, os_name,
           agent_last_contact_time::text AS contact, raw_json,
           (EXTRACT(EPOCH FROM created_at) * 1000)::bigint::text AS created_ms FROM S.systems`,
      ),
    ).toEqual({
      resource_id: BIG_ID,
      os_platform: null,
      os_language: null,
      flavor: '9007199254740993',
      scan_status: '-3',
      os_name: 'Win\uFFFDdows',
      contact: '1732614000123',
      raw_json: raw,
      created_ms: String(T0 + 7),
    });
    expect(await row(schema, 'SELECT raw_json FROM S.system_raw_json')).toEqual({ raw_json: raw });
  });
});

describe('one statement per kind of row', { timeout: 60_000 }, () => {
  it('commits 10 pages of 100 systems, gaps, retries and stale ids in 7 statements and one transaction', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const client = recordingClient();
    const store = await openPostgresStore({ client, schema });
    stores.push(store);
    const id = await store.createSnapshot(T0);
    await store.commit(batch(id, { gaps: [gap(20), gap(21)] }));
    const pages = Array.from({ length: 10 }, (_, index) => ({
      page: index + 1,
      systems: Array.from({ length: 100 }, (_, n) => system(String(1000 * (index + 1) + n))),
    }));
    const big: CommitBatch = batch(id, {
      pages,
      gaps: [gap(11), gap(12), gap(13)],
      gapRetries: [
        { page_num: 20, resolved: true, attempts: 1 },
        { page_num: 21, resolved: false, attempts: 2 },
      ],
      staleIds: ['1', '2'],
      checkpoint: { ...batch(id).checkpoint, last_page: 13, total_systems: 1000 },
    });
    client.statements.length = 0;
    client.transactions = 0;
    expect(await store.commit(big)).toEqual({ systems_extracted: 1000, coverage_pct: 100 });
    expect(client.transactions).toBe(1);
    expect(client.statements).toHaveLength(7);
    expect(client.statements.filter((text) => /INSERT INTO "[^"]+"\.systems/.test(text))).toHaveLength(1);
    expect(await row(schema, 'SELECT count(*)::int AS n FROM S.systems')).toEqual({ n: 1000 });
  });
});

describe('the token budget, shared per Zoho client (D99)', { timeout: 60_000 }, () => {
  it('is one budget for every schema of one client id, and a schema of its own without one', async () => {
    const clientId = `1000.${randomSchema('client').toUpperCase()}`;
    const [a, b, other, alone] = [
      await open(clientId),
      await open(clientId),
      await open(`${clientId}X`),
      await open(null),
    ];
    await a.recordTokenRequest(T0);
    await b.recordTokenRequest(T0 + 1);
    await alone.recordTokenRequest(T0 + 2);
    expect(await a.countTokenRequestsSince(T0)).toBe(2);
    expect(await b.countTokenRequestsSince(T0)).toBe(2);
    expect(await other.countTokenRequestsSince(T0)).toBe(0);
    expect(await alone.countTokenRequestsSince(T0)).toBe(1);
    const { rows } = await db.query(
      'SELECT client_key, requested_by FROM pmp_extractor_shared.token_requests WHERE requested_by = ANY($1) ORDER BY requested_at_ms',
      [schemas],
    );
    expect(rows).toEqual([
      { client_key: `client:${clientId}`, requested_by: schemas[0] },
      { client_key: `client:${clientId}`, requested_by: schemas[1] },
      { client_key: `schema:${schemas[3] ?? ''}`, requested_by: schemas[3] },
    ]);
  });
});

describe('read-only opens (D18)', { timeout: 60_000 }, () => {
  it('is null, creating nothing, for a schema that does not exist or holds none of our tables', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const client = recordingClient();
    expect(await openPostgresStoreReadOnly({ client, schema })).toBeNull();
    expect(client.closed).toBe(true);
    expect(await row(schema, 'SELECT to_regnamespace($1) IS NULL AS absent', [schema])).toEqual({
      absent: true,
    });
    await db.query(`CREATE SCHEMA "${schema}"`);
    expect(await openPostgresStoreReadOnly({ client: db, schema })).toBeNull();
  });

  it('reads what a run wrote and refuses every write before it reaches the server', async () => {
    const writer = await open();
    const schema = schemas[0] ?? '';
    const id = await writer.createSnapshot(T0);
    await writer.commit(batch(id, { pages: [{ page: 1, systems: [system('1')] }] }));
    const client = recordingClient();
    const reader = await openPostgresStoreReadOnly({ client, schema });
    if (reader === null) throw new Error('expected a store');
    stores.push(reader);
    expect((await reader.currentSnapshot())?.snapshot_id).toBe(id);
    expect(await reader.rawRecord('1')).toBe('{"resource_id":1}');
    const before = client.statements.length;
    const writes: (() => Promise<unknown>)[] = [
      () => reader.createSnapshot(T0),
      () => reader.commit(batch(id)),
      () => reader.setSnapshotStatus(id, 'failed', 'x', 1),
      () => reader.resetCheckpoint(id, 0, T0),
      () => reader.setPreviousCoverage(id, 1),
      () => reader.recordTokenRequest(T0),
      () =>
        reader.recordLastRun({
          exit_code: 0,
          outcome: 'x',
          reason: null,
          snapshot_id: null,
          finished_at_ms: T0,
        }),
    ];
    for (const write of writes) {
      await expect(write()).rejects.toThrow(`the store was opened read-only (schema "${schema}")`);
    }
    expect(client.statements).toHaveLength(before);
    expect(await reader.lastRun()).toBeNull();
  });

  it('refuses a schema written by a newer version (D28)', async () => {
    await (await open()).close();
    const schema = schemas[0] ?? '';
    await db.query(`INSERT INTO "${schema}".schema_version (version, description) VALUES (42, 'future')`);
    await expect(openPostgresStoreReadOnly({ client: db, schema })).rejects.toThrow(/has schema_version 42/);
  });
});

describe('the client belongs to the store', { timeout: 60_000 }, () => {
  it('is closed by close(), once, and by an open that fails', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    const client = recordingClient();
    const store = await openPostgresStore({ client, schema });
    await store.close();
    await store.close();
    expect(client.closed).toBe(true);
    await expect(store.createSnapshot(T0)).rejects.toThrow('the store is closed');

    const refused = recordingClient();
    let failure: unknown;
    try {
      await openPostgresStore({ client: refused, schema: 'Not-A-Schema' });
    } catch (error) {
      failure = error;
    }
    expect(isExtractorError(failure) && failure.code).toBe('config_invalid');
    expect(refused.closed).toBe(true);
    expect(refused.statements).toEqual([]);
  });
});
