/**
 * The real PostgreSQL server of the end-to-end tests: PMP_TEST_DATABASE_URL (.ci/run sets it and
 * fails when the server does not answer; without it these tests skip, saying why). Each test file
 * works in schemas of its own, random names, dropped afterwards with their token-budget rows; reads
 * go through node-postgres, never through the extractor.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createSimulator, type SimSettings, type Simulator } from '../../src/simulator/index.ts';

const RAW_URL = process.env['PMP_TEST_DATABASE_URL']?.trim() ?? '';

/** The server's URL, or null when the real-server tests are skipped. */
const TEST_DATABASE_URL: string | null = RAW_URL === '' ? null : RAW_URL;

/** For describe.skipIf(...): true when no server is configured. */
export const NO_TEST_SERVER = TEST_DATABASE_URL === null;

/** Goes into the describe name, so a skipped run says why in the reporter's output. */
export const SERVER_NOTE = NO_TEST_SERVER
  ? '[skipped: PMP_TEST_DATABASE_URL is unset, no real PostgreSQL server]'
  : '[real PostgreSQL server]';

export function serverUrl(): string {
  if (TEST_DATABASE_URL === null) throw new Error('PMP_TEST_DATABASE_URL is unset');
  return TEST_DATABASE_URL;
}

/**
 * The server's URL with a password in it. The test servers use trust authentication, which accepts
 * any password: runs succeed, and the tests can prove the password never reaches any output.
 */
export function urlWithPassword(password: string, change: (url: URL) => void = () => undefined): string {
  const url = new URL(serverUrl());
  url.password = password;
  change(url);
  return url.toString();
}

/** A fresh schema name, lowercase: `e2e_<tag>_<12 hex>`. */
export function freshSchema(tag: string): string {
  return `e2e_${tag}_${randomBytes(6).toString('hex')}`;
}

/** Simulator credentials with a client id of their own, so each test has a token budget of its own (D104). */
export function ownCredentials(): SimSettings['credentials'] {
  const tag = randomBytes(8).toString('hex').toUpperCase();
  return {
    clientId: `1000.E2E${tag}`,
    clientSecret: `e2e-secret-${randomBytes(12).toString('hex')}`,
    refreshToken: `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`,
  };
}

let pool: pg.Pool | null = null;

/** Runs one statement on the test server (a small pool shared by the file's tests). */
export async function sql<T extends Record<string, unknown>>(
  text: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  pool ??= new pg.Pool({ connectionString: serverUrl(), max: 2 });
  const result = await pool.query<T>(text, [...params]);
  return result.rows;
}

/** Drops the schemas (and views built on them) and their token-budget rows; ends the pool. */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0 && pool === null) return;
  for (const schema of schemas) await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const shared = await sql<{ found: boolean }>(
    "SELECT to_regclass('pmp_extractor_shared.token_requests') IS NOT NULL AS found",
  );
  if (shared[0]?.found === true && schemas.length > 0) {
    await sql('DELETE FROM pmp_extractor_shared.token_requests WHERE requested_by = ANY($1)', [[...schemas]]);
  }
  await pool?.end();
  pool = null;
}

/** Tables in `schema` (what a test expects to find there, or not). */
export async function tablesIn(schema: string): Promise<string[]> {
  const rows = await sql<{ name: string }>(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
    [schema],
  );
  return rows.map((row) => row.name);
}

/** resource_id of every system stored in `schema` for `snapshotId`. */
export async function storedIds(schema: string, snapshotId: number): Promise<string[]> {
  const rows = await sql<{ id: string }>(
    `SELECT resource_id AS id FROM "${schema}".systems WHERE snapshot_id = $1`,
    [snapshotId],
  );
  return rows.map((row) => row.id);
}

/** The newest checkpoint's snapshot and last page (0 before any). */
export async function newestCheckpoint(
  schema: string,
): Promise<{ snapshotId: number | null; lastPage: number }> {
  const rows = await sql<{ snapshot_id: string; last_page: string }>(
    `SELECT snapshot_id, last_page FROM "${schema}".extraction_checkpoints ORDER BY snapshot_id DESC LIMIT 1`,
  );
  const row = rows[0];
  return {
    snapshotId: row === undefined ? null : Number(row.snapshot_id),
    lastPage: Number(row?.last_page ?? 0),
  };
}

/**
 * Waits until no session holds the account's run lock any more (D106): after a kill -9 the server
 * ends the dead session as soon as it reads the closed socket, usually within milliseconds.
 */
export async function waitForLockFreed(schema: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await sql('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [
      `pmp-extractor run lock (${schema})`,
    ]);
    if (rows.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`the run lock of ${schema} was still held after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What one end-to-end file makes on the server and beside it (`serverFixtures`). */
export interface ServerFixtures {
  /** A clean-profile simulator with credentials of its own unless `settings` brings some. */
  simulator(seed: number, settings?: Partial<SimSettings>): Promise<Simulator>;
  /** A fresh schema name (freshSchema), dropped after the file. */
  schema(tag: string): string;
  /** Schemas the CLI names itself (from the account), dropped after the file too. */
  adopt(schemas: readonly string[]): void;
}

/**
 * Call once at the top of a file: the simulators it starts are closed, and the schemas it names are
 * dropped with their token-budget rows, after its tests.
 */
export function serverFixtures(): ServerFixtures {
  const sims: Simulator[] = [];
  const schemas: string[] = [];
  afterAll(async () => {
    await Promise.all(sims.map((sim) => sim.close()));
    if (!NO_TEST_SERVER) await dropSchemas(schemas);
  });
  return {
    async simulator(seed, settings = {}) {
      const sim = await createSimulator({
        profile: 'clean',
        seed,
        settings: { credentials: ownCredentials(), ...settings },
      });
      sims.push(sim);
      return sim;
    },
    schema(tag) {
      const schema = freshSchema(tag);
      schemas.push(schema);
      return schema;
    },
    adopt(names) {
      schemas.push(...names);
    },
  };
}
