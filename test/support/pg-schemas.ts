/**
 * Test schemas for the PostgreSQL store: each test gets a fresh random schema and drops it after,
 * so tests never see each other's rows, on PGlite or on the real server of PMP_TEST_DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import type { SqlQueryable } from '../../src/pg-store/index.ts';

/** The real PostgreSQL server to test against, when set (CI sets it; see README). */
export const TEST_DATABASE_URL: string | undefined = process.env['PMP_TEST_DATABASE_URL'] || undefined;

export function randomSchema(prefix = 'pmp_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Drops the schema and its rows in the shared token table. */
export async function dropSchema(db: SqlQueryable, schema: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const { rows } = await db.query(
    "SELECT to_regclass('pmp_extractor_shared.token_requests') IS NOT NULL AS t",
  );
  if (rows[0]?.['t'] === true) {
    await db.query('DELETE FROM pmp_extractor_shared.token_requests WHERE requested_by = $1', [schema]);
  }
}
