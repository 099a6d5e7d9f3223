/**
 * PGlite (a real Postgres compiled to WebAssembly, in-process) as a SqlClient, for the tests: the
 * PostgreSQL store's SQL and migrations run for real in every `npm test`, without a server. int8
 * comes back as text, as node-postgres returns it, so the store's conversions run as in production.
 */
import { PGlite, types } from '@electric-sql/pglite';
import type { SqlClient, SqlQueryable, SqlRow } from '../../src/pg-store/index.ts';

function queryable(db: Pick<PGlite, 'query'>): SqlQueryable {
  return {
    async query(text, params = []) {
      const result = await db.query<SqlRow>(text, [...params]);
      return { rows: result.rows };
    },
  };
}

/** A SqlClient over `db`. It has no close(): the PGlite instance outlives the stores opened on it. */
export function pgliteSqlClient(db: PGlite): SqlClient {
  return {
    ...queryable(db),
    transaction: (work) => db.transaction((tx) => work(queryable(tx))),
  };
}

let shared: Promise<PGlite> | undefined;

/** One PGlite per test file (starting one takes seconds); tests keep apart by schema. */
export function sharedPglite(): Promise<PGlite> {
  shared ??= PGlite.create({ parsers: { [types.INT8]: (text: string) => text } });
  return shared;
}
