/**
 * The PostgreSQL store (D95-D102): the same Store port as src/store, one schema per account, the
 * token budget shared per Zoho client, and a run lock held by the database itself.
 */
export { connectPostgres } from './connect.ts';
export { openPostgresStore, openPostgresStoreReadOnly } from './open.ts';
export { acquirePostgresRunLock } from './run-lock.ts';
export type { SqlClient, SqlQueryable, SqlRow } from './sql-client.ts';
