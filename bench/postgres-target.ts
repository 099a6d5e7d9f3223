/**
 * The PostgreSQL server a bench pass writes into (D109): PMP_BENCH_DATABASE_URL, else
 * PMP_TEST_DATABASE_URL; null (the row is skipped with a note) when neither is set. Each pass gets
 * a schema of its own, measured and dropped afterwards with its token-budget rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PassDatabase } from './cli-pass.ts';

export function benchDatabaseUrl(): string | null {
  for (const name of ['PMP_BENCH_DATABASE_URL', 'PMP_TEST_DATABASE_URL']) {
    const value = process.env[name]?.trim() ?? '';
    if (value !== '') return value;
  }
  return null;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh schema on `url` as a pass's database: its size is every relation in it, indexes and TOAST included. */
export function postgresDatabase(url: string): PassDatabase & { drop(): Promise<void> } {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  return {
    env: { PMP_DB_URL: url, PMP_DB_SCHEMA: schema },
    sizeBytes: () =>
      withClient(url, async (client) => {
        const { rows } = await client.query<{ bytes: string | null }>(
          `SELECT sum(pg_total_relation_size(c.oid))::text AS bytes FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
          [schema],
        );
        return Number(rows[0]?.bytes ?? 0);
      }),
    drop: () =>
      withClient(url, async (client) => {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client
          .query(
            "DELETE FROM pmp_extractor_shared.token_requests WHERE requested_by = $1 AND to_regclass('pmp_extractor_shared.token_requests') IS NOT NULL",
            [schema],
          )
          .catch(() => undefined);
      }),
  };
}
