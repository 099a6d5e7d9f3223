/**
 * The PostgreSQL store (D95-D102): the same Store port as src/store, one schema per account, the
 * token budget shared per Zoho client, and a run lock held by the database itself.
 */
export { connectPostgres, type ConnectOptions } from './connect.ts';
export { openPostgresStore, openPostgresStoreReadOnly, type OpenPostgresStoreOptions } from './open.ts';
export { acquirePostgresRunLock, type PostgresRunLockOptions } from './run-lock.ts';
export { pgSqlClient, type SqlClient, type SqlQueryable, type SqlRow } from './sql-client.ts';
