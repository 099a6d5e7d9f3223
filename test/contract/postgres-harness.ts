/** A contract harness over one random schema, for PGlite and for a real server alike. */
import type { openPostgresStore, SqlClient } from '../../src/pg-store/index.ts';
import type { Store } from '../../src/store/index.ts';
import type { StoreHarness } from './contract-kit.ts';

export async function postgresHarness(
  schema: string,
  connect: () => Promise<SqlClient>,
  open: typeof openPostgresStore,
  drop: (schema: string) => Promise<void>,
): Promise<StoreHarness> {
  const clientId = `1000.TEST${schema.toUpperCase()}`;
  const stores: Store[] = [];
  const openOne = async (): Promise<Store> => {
    const store = await open({ client: await connect(), schema, clientId });
    stores.push(store);
    return store;
  };
  const store = await openOne();
  return {
    store,
    reopen: openOne,
    tamper: async (sql) => {
      const client = await connect();
      try {
        await client.transaction(async (tx) => {
          await tx.query(`SET LOCAL search_path TO "${schema}"`);
          await tx.query(sql);
        });
      } finally {
        await client.close?.();
      }
    },
    rows: async (sql) => {
      const client = await connect();
      try {
        return await client.transaction(async (tx) => {
          await tx.query(`SET LOCAL search_path TO "${schema}"`);
          return (await tx.query(sql)).rows;
        });
      } finally {
        await client.close?.();
      }
    },
    cleanup: async () => {
      for (const opened of stores) await opened.close();
      await drop(schema);
    },
  };
}
