/**
 * What only the PostgreSQL store's living inventory has (the shared behaviour is in
 * test/contract/store-contract-living.ts): publishing and retention are one transaction each,
 * migration 6 backfills completed_at and re-runs without harm, and a read-only open of a schema from
 * before it reads the published snapshot and counts no changes. On PGlite, in every `npm test`.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batch, system, T0 } from '../../test/contract/contract-kit.ts';
import { dropSchema, randomSchema } from '../../test/support/pg-schemas.ts';
import { pgliteSqlClient, sharedPglite } from '../../test/support/pglite-client.ts';
import { openPostgresStore, openPostgresStoreReadOnly } from './index.ts';
import type { SqlClient } from './sql-client.ts';

let db: SqlClient;
const schemas: string[] = [];
beforeAll(async () => {
  db = pgliteSqlClient(await sharedPglite());
}, 120_000);
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(db, schema);
});

/** A client over the shared PGlite counting transactions and the statements run outside them. */
function countingClient(): SqlClient & { transactions: number; bare: number } {
  const counter = {
    transactions: 0,
    bare: 0,
    query: (text: string, params?: readonly unknown[]) => {
      counter.bare += 1;
      return db.query(text, params);
    },
    transaction: <T>(work: Parameters<SqlClient['transaction']>[0]): Promise<T> => {
      counter.transactions += 1;
      return db.transaction(work) as Promise<T>;
    },
  };
  return counter;
}

async function seeded(client: SqlClient = db) {
  const schema = randomSchema();
  schemas.push(schema);
  const store = await openPostgresStore({ client, schema });
  const first = await store.createSnapshot(T0);
  await store.commit(batch(first, { pages: [{ page: 1, systems: [system('1'), system('2')] }] }));
  return { schema, store, first };
}

describe('the living inventory on PostgreSQL', { timeout: 60_000 }, () => {
  it('publishes and prunes in one transaction each, with no statement outside it', async () => {
    const client = countingClient();
    const { store, first } = await seeded(client);
    await store.publishSnapshot(first, T0 + 1000, 1000);
    const second = await store.createSnapshot(T0 + 2000);
    await store.commit(batch(second, { pages: [{ page: 1, systems: [system('2'), system('3')] }] }));
    const before = { transactions: client.transactions, bare: client.bare };
    const published = await store.publishSnapshot(second, T0 + 3000, 1000);
    expect(published.changes).toEqual({ added: 1, removed: 1, changed: 0, reappeared: 0 });
    const pruned = await store.pruneSnapshots(1);
    expect(pruned).toEqual({
      snapshots_pruned: 1,
      systems_deleted: 2,
      raw_parts_deleted: 0,
      reclaimed_bytes: 0,
      free_bytes: 0,
    });
    expect({ transactions: client.transactions, bare: client.bare }).toEqual({
      transactions: before.transactions + 2,
      bare: before.bare,
    });
    await store.close();
  });

  it('migration 6 backfills completed_at of older success rows and re-runs without harm', async () => {
    const { schema, store, first } = await seeded();
    await store.setSnapshotStatus(first, 'success', null, 4000);
    await store.close();
    await db.query(`UPDATE "${schema}".snapshots SET completed_at = NULL`);
    await db.query(`DELETE FROM "${schema}".schema_version WHERE version = 6`);
    await db.query(`UPDATE "${schema}".scan_status_codes SET name = 'Mine' WHERE code = 226`);
    const again = await openPostgresStore({ client: db, schema });
    const { rows } = await db.query(
      `SELECT (EXTRACT(EPOCH FROM completed_at) * 1000)::bigint::text AS ms FROM "${schema}".snapshots`,
    );
    expect(rows).toEqual([{ ms: String(T0 + 4000) }]);
    const codes = await db.query(`SELECT name FROM "${schema}".scan_status_codes WHERE code = 226`);
    expect(codes.rows).toEqual([{ name: 'Mine' }]);
    await again.close();
  });

  it('a read-only open of a schema from before migration 6 reads the published pass and counts nothing', async () => {
    const { schema, store, first } = await seeded();
    await store.setSnapshotStatus(first, 'success', null, 500);
    await store.close();
    await db.query(`DROP TABLE "${schema}".system_changes CASCADE`);
    await db.query(`ALTER TABLE "${schema}".snapshots DROP COLUMN completed_at`);
    await db.query(`DELETE FROM "${schema}".schema_version WHERE version = 6`);
    const reader = await openPostgresStoreReadOnly({ client: db, schema });
    expect(await reader?.changeCounts(first)).toBeNull();
    expect((await reader?.publishedSnapshot())?.completed_at_ms).toBe(T0 + 500);
    await reader?.close();
  });
});
