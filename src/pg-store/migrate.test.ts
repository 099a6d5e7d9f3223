/**
 * Migrations of an account schema, on PGlite: the same tables, columns (in order) and views as the
 * SQLite store, Postgres types where it matters, each step once, views never replaced, a newer or a
 * foreign schema refused with nothing changed. Two processes migrating at once need a real server.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isExtractorError } from '../platform/index.ts';
import { openStore } from '../store/index.ts';
import { dropSchema, randomSchema, TEST_DATABASE_URL } from '../../test/support/pg-schemas.ts';
import { pgliteSqlClient, sharedPglite } from '../../test/support/pglite-client.ts';
import { removeTempDir, tempDir } from '../../test/support/temp-dir.ts';
import { connectPostgres } from './connect.ts';
import { PG_LATEST_VERSION } from './migrate.ts';
import { openPostgresStore } from './open.ts';
import type { SqlClient } from './sql-client.ts';

let db: SqlClient;
const schemas: string[] = [];
beforeAll(async () => {
  db = pgliteSqlClient(await sharedPglite());
}, 120_000);
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(db, schema);
});

async function freshSchema(): Promise<string> {
  const schema = randomSchema();
  schemas.push(schema);
  await (await openPostgresStore({ client: db, schema })).close();
  return schema;
}

async function columns(schema: string, table: string): Promise<{ name: string; type: string }[]> {
  const { rows } = await db.query(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  return rows as { name: string; type: string }[];
}

async function sqliteColumns(): Promise<Map<string, string[]>> {
  const dir = tempDir('pmp-parity-');
  try {
    const path = join(dir, 'pmp.db');
    await openStore({ path }).close();
    const sqlite = new Database(path, { readonly: true });
    // The view system_raw_json calls it; only its columns are read here.
    sqlite.function('sqlar_uncompress', { varargs: true }, () => null);
    const tables = sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const result = new Map(
      tables.map((table) => [
        table,
        (sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name),
      ]),
    );
    sqlite.close();
    return result;
  } finally {
    removeTempDir(dir);
  }
}

describe('the migrated schema', { timeout: 60_000 }, () => {
  it('has the SQLite tables, columns in order and views, less the raw parts (D98) and the token log (D99)', async () => {
    const schema = await freshSchema();
    const sqlite = await sqliteColumns();
    const { rows } = await db.query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [schema],
    );
    const expected = [...sqlite.keys()].filter(
      // pending_systems and its dictionary: SQLite's pass in progress (D134, D139); PostgreSQL keeps it
      // in systems.
      (name) => !['system_raw_parts', 'token_requests', 'pending_systems', 'pending_strings'].includes(name),
    );
    expect(rows.map((row) => row['name'])).toEqual(expected.sort());
    const rawRefs = ['raw_part', 'raw_offset', 'raw_length'];
    for (const table of expected) {
      const want = (sqlite.get(table) ?? []).filter((name) => !rawRefs.includes(name));
      expect((await columns(schema, table)).map((c) => c.name)).toEqual(want);
    }
    expect((await columns('pmp_extractor_shared', 'token_requests')).map((c) => c.name)).toEqual([
      'client_key',
      'requested_at_ms',
      'requested_by',
    ]);
  });

  it('keeps ids exact, epoch ms as BIGINT, times as timestamptz and coverage as double precision', async () => {
    const types = new Map(
      (await columns(await freshSchema(), 'systems')).map((column) => [column.name, column.type]),
    );
    expect(types.get('resource_id')).toBe('text');
    expect(types.get('system_id')).toBe('bigint');
    expect(types.get('agent_last_contact_time')).toBe('bigint');
    expect(types.get('created_at')).toBe('timestamp with time zone');
    const schema = schemas[0] ?? '';
    const checkpoint = new Map(
      (await columns(schema, 'extraction_checkpoints')).map((c) => [c.name, c.type]),
    );
    expect(checkpoint.get('coverage_pct')).toBe('double precision');
    expect(checkpoint.get('pass_complete')).toBe('integer');
    const gaps = new Map((await columns(schema, 'extraction_gaps')).map((c) => [c.name, c.type]));
    expect(gaps.get('resolved_at')).toBe('timestamp with time zone');
  });

  it('records each step once, and a second open applies nothing', async () => {
    const schema = await freshSchema();
    const versions = async () =>
      (await db.query(`SELECT version, description, applied_at FROM "${schema}".schema_version ORDER BY 1`))
        .rows;
    const first = await versions();
    expect(first.map((row) => Number(row['version']))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(first.every((row) => String(row['description']).startsWith('pmp-extractor: '))).toBe(true);
    expect(PG_LATEST_VERSION).toBe(7);
    await (await openPostgresStore({ client: db, schema })).close();
    expect(await versions()).toEqual(first);
  });

  it('never drops or replaces a view, so views users built on it survive a re-run migration', async () => {
    const schema = await freshSchema();
    await db.query(
      `CREATE VIEW "${schema}".my_branches AS SELECT branch_office_name FROM "${schema}".latest_system_inventory`,
    );
    // A user's own version of a view: the migration must not put the original back over it.
    await db.query(`DROP VIEW "${schema}".system_raw_json`);
    await db.query(
      `CREATE VIEW "${schema}".system_raw_json AS SELECT resource_id, 'mine'::text AS raw_json FROM "${schema}".systems`,
    );
    await db.query(`DELETE FROM "${schema}".schema_version WHERE version IN (5, 6)`);
    await (await openPostgresStore({ client: db, schema })).close();
    const { rows } = await db.query(
      `SELECT table_name AS name FROM information_schema.views WHERE table_schema = $1 ORDER BY 1`,
      [schema],
    );
    expect(rows.map((row) => row['name'])).toEqual([
      'data_coverage_report',
      'high_risk_systems',
      'latest_system_changes',
      'latest_system_details',
      'latest_system_inventory',
      'my_branches',
      'organization_summary',
      'os_distribution',
      'scan_failures',
      'stale_systems',
      'system_raw_json',
    ]);
    expect((await columns(schema, 'system_raw_json')).map((c) => c.name)).toEqual([
      'resource_id',
      'raw_json',
    ]);
  });
});

async function refusedOpen(schema: string): Promise<string> {
  try {
    await openPostgresStore({ client: db, schema });
  } catch (error) {
    expect(isExtractorError(error) && error.code).toBe('database_error');
    return (error as Error).message;
  }
  throw new Error('expected the open to fail');
}

describe('refusals', { timeout: 60_000 }, () => {
  it('refuses a schema written by a newer version, changing nothing', async () => {
    const schema = await freshSchema();
    await db.query(`INSERT INTO "${schema}".schema_version (version, description) VALUES (99, 'future')`);
    expect(await refusedOpen(schema)).toBe(
      `The PostgreSQL schema "${schema}" has schema_version 99, written by a newer pmp-extractor; this ` +
        `version supports ${PG_LATEST_VERSION}. Nothing was changed: upgrade pmp-extractor or use another schema (PMP_DB_SCHEMA).`,
    );
  });

  it('refuses tables of the same names that it did not create (D19)', async () => {
    const schema = randomSchema();
    schemas.push(schema);
    await db.query(`CREATE SCHEMA "${schema}"`);
    await db.query(`CREATE TABLE "${schema}".systems (id INTEGER)`);
    expect(await refusedOpen(schema)).toMatch(
      new RegExp(`^The PostgreSQL schema "${schema}" already has systems, not created by pmp-extractor\\.`),
    );
    const { rows } = await db.query(`SELECT to_regclass($1) IS NULL AS absent`, [`"${schema}".snapshots`]);
    expect(rows[0]?.['absent']).toBe(true);
  });
});

describe.skipIf(TEST_DATABASE_URL === undefined)('migrating on the real server', { timeout: 60_000 }, () => {
  it('lets four processes open one new schema at once: each step applied exactly once', async () => {
    const url = TEST_DATABASE_URL ?? '';
    const schema = randomSchema();
    const clients = await Promise.all([1, 2, 3, 4].map(() => connectPostgres(url)));
    const check = await connectPostgres(url);
    try {
      const stores = await Promise.all(clients.map((client) => openPostgresStore({ client, schema })));
      const id = await stores[3]?.createSnapshot(Date.UTC(2026, 0, 1));
      expect(await stores[0]?.currentSnapshot()).toMatchObject({ snapshot_id: id });
      for (const store of stores) await store.close();
      const { rows } = await check.query(`SELECT version FROM "${schema}".schema_version ORDER BY 1`);
      expect(rows.map((row) => Number(row['version']))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    } finally {
      for (const client of clients) await client.close().catch(() => undefined);
      await dropSchema(check, schema);
      await check.close();
    }
  });
});
