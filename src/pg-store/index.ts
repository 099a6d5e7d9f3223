/**
 * TEMPORARY STUB (branch h13cli only): the PostgreSQL store is written on branch h13store with
 * exactly these entry points. This file exists so the wiring compiles; it is deleted before that
 * branch is merged, and must never reach main.
 */
import { ExtractorError } from '../platform/index.ts';
import type { Store } from '../store/index.ts';

export interface SqlClient {
  query(text: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface RunLock {
  release(): Promise<void>;
}

const MISSING = 'the PostgreSQL store is not on this branch yet (temporary stub)';

export function connectPostgres(
  url: string,
  options?: { applicationName?: string },
): Promise<SqlClient & { close(): Promise<void> }> {
  void url;
  void options;
  return Promise.reject(new ExtractorError('database_error', MISSING));
}

export function openPostgresStore(options: {
  client: SqlClient;
  schema: string;
  clientId?: string;
}): Promise<Store> {
  void options;
  return Promise.reject(new ExtractorError('database_error', MISSING));
}

export function openPostgresStoreReadOnly(options: { client: SqlClient; schema: string }): Promise<Store | null> {
  void options;
  return Promise.reject(new ExtractorError('database_error', MISSING));
}

export function acquirePostgresRunLock(options: {
  url: string;
  schema: string;
  onLost?: (error: Error) => void;
}): Promise<RunLock | null> {
  void options;
  return Promise.reject(new ExtractorError('database_error', MISSING));
}
