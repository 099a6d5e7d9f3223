/**
 * Forward-only, versioned migrations of one account schema (D102). Each step runs in its own
 * transaction under a transaction-level advisory lock (MIGRATION_LOCK_KEY, one for the whole
 * database), re-checks `schema_version` once it holds the lock and records its version in the same
 * transaction, so two processes opening at once apply every step exactly once. Unlike SQLite's,
 * these schemas were only ever created by this tool, so a step runs once instead of at every open.
 */
import { ExtractorError } from '../platform/index.ts';
import { createDashboardViews } from './ddl-dashboards.ts';
import { createSnapshots, createSystems, createViews } from './ddl-downstream.ts';
import {
  addPageSizeColumns,
  createCheckpointsAndGaps,
  createLastRun,
  createSchemaVersion,
  createSharedTokenRequests,
} from './ddl-extractor.ts';
import { createLivingInventory } from './ddl-living.ts';
import { createRemovalCandidates } from './ddl-removals.ts';
import { MIGRATION_LOCK_KEY, quoteSchema, SHARED_SCHEMA, type QuotedSchema } from './names.ts';
import type { SqlClient, SqlQueryable } from './sql-client.ts';
import { toIntOrNull, toText } from './values.ts';

export interface PgMigration {
  version: number;
  description: string;
  /** Checks made before the DDL, in the same transaction; throw to refuse. */
  before?: (tx: SqlQueryable, s: QuotedSchema, schema: string) => Promise<void>;
  statements(s: QuotedSchema): string[];
}

/** CREATE SCHEMA only when absent: IF NOT EXISTS still demands CREATE rights on the database. */
function createSchemaIfAbsent(name: string): string {
  return `DO $pmp$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '${name}') THEN CREATE SCHEMA "${name}"; END IF;
END $pmp$`;
}

/** D19's rule: tables of the same names that this tool did not create are not ours to write into. */
async function refuseForeignTables(tx: SqlQueryable, s: QuotedSchema, schema: string): Promise<void> {
  const names = ['snapshots', 'systems', 'extraction_checkpoints', 'extraction_gaps'];
  const found = await tx.query(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass($2 || name) IS NOT NULL',
    [names, `${s}.`],
  );
  if (found.rows.length === 0) return;
  throw new ExtractorError(
    'database_error',
    `The PostgreSQL schema "${schema}" already has ${found.rows.map((row) => toText(row['name'])).join(', ')}, ` +
      'not created by pmp-extractor. Nothing was changed: give this account its own schema ' +
      '(PMP_DB_SCHEMA).',
  );
}

const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'snapshots and systems (downstream PMP schema)',
    before: refuseForeignTables,
    statements: (s) => [...createSnapshots(s), ...createSystems(s)],
  },
  {
    version: 2,
    description: 'extraction_checkpoints and extraction_gaps (D7)',
    statements: createCheckpointsAndGaps,
  },
  { version: 3, description: 'extraction_last_run', statements: createLastRun },
  {
    version: 4,
    description: `token budget per Zoho client, shared by all accounts (${SHARED_SCHEMA}.token_requests)`,
    statements: () => [createSchemaIfAbsent(SHARED_SCHEMA), ...createSharedTokenRequests()],
  },
  {
    version: 5,
    description: 'views latest_system_inventory and system_raw_json',
    statements: createViews,
  },
  {
    version: 6,
    description: 'completed_at, system_changes, lookup tables and dashboard views (D120)',
    statements: (s) => [...createLivingInventory(s), ...createDashboardViews(s)],
  },
  {
    version: 7,
    description:
      'removal_candidates (D85); extraction_checkpoints.probed_page_size, page_size_fallback (D74, D126)',
    statements: (s) => [...createRemovalCandidates(s), ...addPageSizeColumns(s)],
  },
];

export const PG_LATEST_VERSION = Math.max(...PG_MIGRATIONS.map((migration) => migration.version));

async function lockMigrations(tx: SqlQueryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
}

async function appliedVersions(tx: SqlQueryable, s: QuotedSchema): Promise<Set<number>> {
  const rows = await tx.query(`SELECT version FROM ${s}.schema_version`);
  return new Set(rows.rows.map((row) => toIntOrNull(row['version']) ?? 0));
}

/**
 * D28 for PostgreSQL: a version above the newest this binary knows means a newer pmp-extractor
 * migrated the schema; writing into it could break what that version relies on.
 */
export function assertKnownVersion(versions: ReadonlySet<number>, schema: string, latest: number): void {
  const found = Math.max(0, ...versions);
  if (found <= latest) return;
  throw new ExtractorError(
    'database_error',
    `The PostgreSQL schema "${schema}" has schema_version ${found}, written by a newer pmp-extractor; ` +
      `this version supports ${latest}. Nothing was changed: upgrade pmp-extractor or use another ` +
      'schema (PMP_DB_SCHEMA).',
  );
}

/** Creates the schema when absent and applies the missing steps; throws the driver's error. */
export async function migratePostgres(
  client: SqlClient,
  schema: string,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<void> {
  const s = quoteSchema(schema);
  const latest = Math.max(...migrations.map((migration) => migration.version));
  const applied = await client.transaction(async (tx) => {
    await lockMigrations(tx);
    await tx.query(createSchemaIfAbsent(schema));
    for (const statement of createSchemaVersion(s)) await tx.query(statement);
    return appliedVersions(tx, s);
  });
  assertKnownVersion(applied, schema, latest);
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await client.transaction(async (tx) => {
      await lockMigrations(tx);
      // Another process may have applied it between our read and our lock.
      if ((await appliedVersions(tx, s)).has(migration.version)) return;
      await migration.before?.(tx, s, schema);
      for (const statement of migration.statements(s)) await tx.query(statement);
      await tx.query(`INSERT INTO ${s}.schema_version (version, description) VALUES ($1, $2)`, [
        migration.version,
        `pmp-extractor: ${migration.description}`,
      ]);
    });
  }
}
