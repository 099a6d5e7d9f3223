/**
 * The Store contract against a real PostgreSQL server, when PMP_TEST_DATABASE_URL is set (CI sets
 * it): one connection per store, as production has, and a random schema per test, dropped after.
 */
import { describe, it } from 'vitest';
import { connectPostgres, openPostgresStore } from '../../src/pg-store/index.ts';
import { dropSchema, randomSchema, TEST_DATABASE_URL } from '../support/pg-schemas.ts';
import { postgresHarness } from './postgres-harness.ts';
import { describeStoreContract } from './store-contract.ts';

if (TEST_DATABASE_URL === undefined) {
  describe('Store contract: PostgreSQL server', () => {
    it.skip('needs PMP_TEST_DATABASE_URL', () => undefined);
  });
} else {
  const url = TEST_DATABASE_URL;
  describeStoreContract('PostgreSQL server', async () =>
    postgresHarness(
      randomSchema(),
      () => connectPostgres(url),
      openPostgresStore,
      async (schema) => {
        const client = await connectPostgres(url);
        try {
          await dropSchema(client, schema);
        } finally {
          await client.close();
        }
      },
    ),
  );
}
