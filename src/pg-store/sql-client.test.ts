/**
 * pgSqlClient over one real pg.Client session (PMP_TEST_DATABASE_URL): a query issued while a
 * transaction is open waits for it instead of running inside it, a failed transaction rolls back,
 * and a lock wait past lock_timeout is database_busy (exit 3), not a fatal error.
 */
import { describe, expect, it } from 'vitest';
import { isExtractorError } from '../platform/index.ts';
import { batch, system, T0 } from '../../test/contract/contract-kit.ts';
import { dropSchema, randomSchema, TEST_DATABASE_URL } from '../../test/support/pg-schemas.ts';
import { connectPostgres } from './connect.ts';
import { openPostgresStore } from './open.ts';

const url = TEST_DATABASE_URL ?? '';

describe.skipIf(TEST_DATABASE_URL === undefined)(
  'pgSqlClient on the real server',
  { timeout: 30_000 },
  () => {
    it('queues a query behind an open transaction, which then rolls back', async () => {
      const client = await connectPostgres(url);
      const table = `pg_temp.t_${randomSchema('q')}`;
      try {
        await client.query(`CREATE TABLE ${table} (n INTEGER)`);
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const failing = client.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${table} VALUES (1)`);
          await gate;
          throw new Error('abandon');
        });
        // Issued while the transaction is open: inside it, it would see the uncommitted row.
        const counted = client.query(`SELECT count(*)::int AS n FROM ${table}`);
        release();
        await expect(failing).rejects.toThrow('abandon');
        expect((await counted).rows).toEqual([{ n: 0 }]);
        expect(await client.transaction(async (tx) => (await tx.query('SELECT 7 AS n')).rows)).toEqual([
          { n: 7 },
        ]);
      } finally {
        await client.close();
      }
    });

    it('reports a commit that waited past lock_timeout as database_busy', async () => {
      const schema = randomSchema();
      const store = await openPostgresStore({
        client: await connectPostgres(url, { lockTimeoutMs: 200 }),
        schema,
      });
      const blocker = await connectPostgres(url);
      try {
        const id = await store.createSnapshot(T0);
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let held: () => void = () => undefined;
        const locked = new Promise<void>((resolve) => {
          held = resolve;
        });
        const holding = blocker.transaction(async (tx) => {
          await tx.query(`LOCK TABLE "${schema}".systems IN ACCESS EXCLUSIVE MODE`);
          held();
          await gate;
        });
        await locked;
        let failure: unknown;
        try {
          await store.commit(batch(id, { pages: [{ page: 1, systems: [system('1')] }] }));
        } catch (error) {
          failure = error;
        }
        release();
        await holding;
        expect(isExtractorError(failure) && failure.code).toBe('database_busy');
        expect((failure as Error).message).toMatch(
          /^Cannot commit to snapshot \d+: canceling statement due to lock timeout; the next run continues$/,
        );
        expect(await store.knownIds(id, ['1'])).toEqual(new Set());
      } finally {
        await store.close();
        await dropSchema(blocker, schema);
        await blocker.close();
      }
    });
  },
);
