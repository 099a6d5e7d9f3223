/**
 * Opening an account schema for a run (migrated, writable) or for `--status` (read-only: no
 * migration, no write, D18). The store owns the client it is given: its close() ends it, and a
 * failed or empty open ends it too, so the caller has one thing to close.
 */
import { ExtractorError, isExtractorError } from '../platform/index.ts';
import type { Store } from '../store/index.ts';
import { pgError } from './errors.ts';
import { assertKnownVersion, migratePostgres, PG_LATEST_VERSION } from './migrate.ts';
import { quoteSchema } from './names.ts';
import { PgStore } from './pg-store.ts';
import type { SqlClient } from './sql-client.ts';
import { toInt } from './values.ts';

export interface OpenPostgresStoreOptions {
  client: SqlClient;
  /** The account's schema: lowercase letters, digits, underscore, at most 63 characters. */
  schema: string;
  /** Zoho client id: accounts with the same one share one token budget (D99); null → per schema. */
  clientId?: string | null;
}

async function closeQuietly(client: SqlClient): Promise<void> {
  await client.close?.().catch(() => undefined);
}

function openError(schema: string, error: unknown): ExtractorError {
  if (isExtractorError(error)) return error;
  const wrapped = pgError(`Cannot open the PostgreSQL schema "${schema}"`, error);
  if (wrapped.code !== 'database_error') return wrapped;
  return new ExtractorError(
    'database_error',
    `${wrapped.message}. Check that the PMP_DB_URL user may create the schema (or that a DBA created ` +
      'it and granted this user CREATE and USAGE on it) and on pmp_extractor_shared.',
    { cause: error },
  );
}

/**
 * Creates the schema when absent and migrates it (D102), then returns the store. Errors:
 * config_invalid for an unusable schema name, database_busy when another session held a lock past
 * lock_timeout, database_error otherwise (a newer schema version, foreign tables, rights).
 */
export async function openPostgresStore(options: OpenPostgresStoreOptions): Promise<Store> {
  const { client, schema } = options;
  try {
    const quoted = quoteSchema(schema);
    await migratePostgres(client, schema);
    return new PgStore({ client, schema, quoted, clientId: options.clientId ?? null, readOnly: false });
  } catch (error) {
    await closeQuietly(client);
    throw openError(schema, error);
  }
}

/**
 * For `--status`: reads only. Null (and the client ended) when the schema, or our tables in it, do
 * not exist; database_error for a schema written by a newer version (D28).
 */
export async function openPostgresStoreReadOnly(options: {
  client: SqlClient;
  schema: string;
  /** For countTokenRequestsSince (D99); null → the schema's own budget. */
  clientId?: string | null;
}): Promise<Store | null> {
  const { client, schema } = options;
  try {
    const quoted = quoteSchema(schema);
    const { rows } = await client.query(
      `SELECT to_regclass($1) IS NOT NULL AS ours, to_regclass($2) IS NOT NULL AS versioned`,
      [`${quoted}.extraction_checkpoints`, `${quoted}.schema_version`],
    );
    if (rows[0]?.['ours'] !== true) {
      await closeQuietly(client);
      return null;
    }
    if (rows[0]['versioned'] === true) {
      const found = await client.query(`SELECT MAX(version) AS v FROM ${quoted}.schema_version`);
      const version = found.rows[0]?.['v'];
      assertKnownVersion(new Set(version == null ? [] : [toInt(version)]), schema, PG_LATEST_VERSION);
    }
    return new PgStore({ client, schema, quoted, clientId: options.clientId ?? null, readOnly: true });
  } catch (error) {
    await closeQuietly(client);
    throw isExtractorError(error) ? error : pgError(`Cannot read the PostgreSQL schema "${schema}"`, error);
  }
}
