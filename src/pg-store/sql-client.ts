/**
 * The little the PostgreSQL store needs from a connection (D95): parameterised queries that return
 * rows, and a transaction. A pg.Client fits through pgSqlClient() below; tests wrap an in-process
 * PGlite the same way (test/support/pglite-client.ts), so one store runs on both.
 */
import type pg from 'pg';

/** A row as the driver returns it: column name → value (int8 as a string with pg, a number in PGlite). */
export type SqlRow = Record<string, unknown>;

export interface SqlQueryable {
  /** One statement with `$1`-style parameters (arrays travel as Postgres arrays). */
  query(text: string, params?: readonly unknown[]): Promise<{ rows: SqlRow[] }>;
}

export interface SqlClient extends SqlQueryable {
  /** Runs `work` between BEGIN and COMMIT; any rejection rolls back and is rethrown. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Ends the connection; the store that owns the client calls it from its close(). */
  close?(): Promise<void>;
}

/**
 * A pg.Client as a SqlClient. Its queries and transactions are queued one after another: a pg.Client
 * is one session, so a query issued while a transaction is open would otherwise run inside it.
 */
export function pgSqlClient(client: pg.Client): SqlClient & { close(): Promise<void> } {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };
  const direct: SqlQueryable = {
    async query(text: string, params: readonly unknown[] = []) {
      const result = await client.query<SqlRow>(text, [...params]);
      return { rows: result.rows };
    },
  };
  return {
    query: (text, params) => queued(() => direct.query(text, params)),
    transaction: (work) =>
      queued(async () => {
        await client.query('BEGIN');
        try {
          const result = await work(direct);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          // A dead connection cannot roll back; the server rolls back what it never saw committed.
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    close: () => queued(() => client.end()),
  };
}
