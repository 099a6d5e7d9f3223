/** The Store contract against PostgreSQL in-process (PGlite): every `npm test` runs the Postgres SQL. */
import { beforeAll } from 'vitest';
import { openPostgresStore, type SqlClient } from '../../src/pg-store/index.ts';
import { dropSchema, randomSchema } from '../support/pg-schemas.ts';
import { pgliteSqlClient, sharedPglite } from '../support/pglite-client.ts';
import { describeStoreContract } from './store-contract.ts';
import { postgresHarness } from './postgres-harness.ts';

// Starting PGlite takes seconds (far more on a loaded machine): not inside the first test's hook.
beforeAll(() => sharedPglite(), 120_000);

describeStoreContract('PostgreSQL (PGlite)', async () => {
  const db = await sharedPglite();
  const connect = (): Promise<SqlClient> => Promise.resolve(pgliteSqlClient(db));
  return postgresHarness(randomSchema(), connect, openPostgresStore, (schema) =>
    dropSchema(pgliteSqlClient(db), schema),
  );
});
