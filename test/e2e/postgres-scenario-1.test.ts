/**
 * Scenario 1 (D24) into PostgreSQL (D103): the built CLI against the `seed` simulator (3,362 systems,
 * 135 pages, scripted faults), run the way cron runs it, three batches of 50 pages and a fourth run
 * that finds the target met, into a schema of its own on the real server. Mirrors
 * seed-inventory-cron.test.ts (SQLite); the schema proves what was stored. The URL carries a
 * password (trust authentication accepts any), which must never reach any output (D105).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type RequestLogEntry, type Simulator } from '../../src/simulator/index.ts';
import { eventsOf, fastEnv, runCli, runCliText, tempDir, type CliResult } from '../support/run-cli.ts';
import {
  dropSchemas,
  freshSchema,
  NO_TEST_SERVER,
  ownCredentials,
  SERVER_NOTE,
  sql,
  storedIds,
  urlWithPassword,
} from '../support/postgres.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';
const PASSWORD = 'Sc3nario-One-Passw0rd';

interface Run {
  result: CliResult;
  /** scandetails pages this run requested, in order (retries appear once per attempt). */
  pages: number[];
}

let sim: Simulator;
let env: Record<string, string>;
let schema: string;
let dbUrl: string;
let groundTruth: string[];
const runs: Run[] = [];

async function run(): Promise<Run> {
  const before = sim.stats().requests.length;
  const result = await runCli([], env);
  const pages = sim
    .stats()
    .requests.slice(before)
    .filter((entry: RequestLogEntry) => entry.path === SCANDETAILS)
    .map((entry) => entry.page ?? -1);
  return { result, pages };
}

function runAt(index: number): Run {
  const found = runs[index];
  if (found === undefined) throw new Error(`run ${index + 1} did not happen`);
  return found;
}

const distinct = (pages: readonly number[]): number[] => [...new Set(pages)];
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.skipIf(NO_TEST_SERVER)(`scenario 1 into PostgreSQL ${SERVER_NOTE}`, () => {
  beforeAll(async () => {
    sim = await createSimulator({ profile: 'seed', seed: 7, settings: { credentials: ownCredentials() } });
    groundTruth = sim.groundTruthIds();
    schema = freshSchema('s1');
    dbUrl = urlWithPassword(PASSWORD);
    env = {
      ...fastEnv(sim.url, sim.credentials),
      HOME: tempDir('pmp-e2e-pg-s1-'),
      PMP_DB_URL: dbUrl,
      PMP_DB_SCHEMA: schema,
      PMP_BATCH_PAGES: '50',
      // Pages 15 and 23 answer after 3 s: a short client timeout turns them into quick retries.
      PMP_REQUEST_TIMEOUT_MS: '1000',
    };
    for (let i = 0; i < 4; i++) runs.push(await run());
    await sim.close();
  }, 120_000);

  afterAll(async () => {
    await sim.close();
    await dropSchemas([schema]);
  });

  it('exits 0 on every run, with nothing on stderr', () => {
    expect(runs.map((entry) => [entry.result.code, entry.result.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
  });

  it('pages like the SQLite store: 1-50, then the probe and 51-100, then 101-135 and the gap sweep', () => {
    expect(distinct(runAt(0).pages)).toEqual(range(1, 50));
    const second = runAt(1).pages;
    expect(second[0]).toBe(50);
    expect(distinct(second.slice(1))).toEqual(range(51, 100));
    const third = runAt(2).pages;
    expect(third[0]).toBe(100);
    const sweepStart = third.lastIndexOf(135) + 1;
    expect(distinct(third.slice(1, sweepStart))).toEqual(range(101, 135));
    expect(third.slice(sweepStart)).toEqual([78, 77, 120, 119, 125, 124]);
    expect(runAt(3).pages).toEqual([]);
    expect(eventsOf(runAt(3).result, 'target_met')).toEqual([
      expect.objectContaining({ extracted_now: false, systems_extracted: 3362, coverage_pct: 100 }),
    ]);
  });

  it('commits the checkpoint every 10 pages and at batch end', () => {
    const commits = runs.map((entry) =>
      eventsOf(entry.result, 'checkpoint_commit').map((event) => event['last_page']),
    );
    expect(commits).toEqual([
      [10, 20, 30, 40, 50, 50],
      [60, 70, 80, 90, 100, 100],
      [110, 120, 130, 135, 135, 135, 135, 135],
      [],
    ]);
  });

  it('stores exactly the ground-truth ids, as exact text, in one success snapshot of its schema', async () => {
    const snapshots = await sql<{ snapshot_id: unknown; status: string }>(
      `SELECT snapshot_id, status FROM "${schema}".snapshots`,
    );
    expect(snapshots.map((row) => [Number(row.snapshot_id), row.status])).toEqual([[1, 'success']]);
    const ids = await storedIds(schema, 1);
    expect(ids.every((id) => typeof id === 'string' && /^\d+$/.test(id))).toBe(true);
    expect(ids).toHaveLength(3362);
    expect([...ids].sort()).toEqual([...groundTruth].sort());
    const [checkpoint] = await sql(`SELECT * FROM "${schema}".extraction_checkpoints WHERE snapshot_id = 1`);
    const numbers = Object.fromEntries(
      ['last_page', 'systems_extracted', 'coverage_pct', 'total_systems', 'total_pages'].map((key) => [
        key,
        Number(checkpoint?.[key]),
      ]),
    );
    expect(numbers).toEqual({
      last_page: 135,
      systems_extracted: 3362,
      coverage_pct: 100,
      total_systems: 3362,
      total_pages: 135,
    });
    const latest = await sql<{ n: unknown }>(`SELECT count(*) AS n FROM "${schema}".latest_system_inventory`);
    expect(Number(latest[0]?.n)).toBe(3362);
  });

  it('--status --json works with the simulator stopped and no credentials', async () => {
    const status = await runCli(['--status', '--json'], {
      HOME: env['HOME'] ?? '',
      PMP_DB_URL: dbUrl,
      PMP_DB_SCHEMA: schema,
    });
    expect([status.code, status.stderr]).toEqual([0, '']);
    expect(status.events).toHaveLength(1);
    expect(status.events[0]).toMatchObject({
      snapshot_id: 1,
      snapshot_status: 'success',
      last_page: 135,
      total_pages: 135,
      total_systems: 3362,
      systems_extracted: 3362,
      coverage_pct: 100,
      target_met: true,
      published_snapshot_id: 1,
    });
    expect(status.events[0]?.['last_run']).toMatchObject({ exit_code: 0, outcome: 'already_complete' });
    expect(status.events[0]?.['gaps']).toEqual([
      expect.objectContaining({ page: 78, error_type: 'json_parse_error', resolved: true }),
      expect.objectContaining({ page: 120, error_type: 'json_parse_error', resolved: true }),
      expect.objectContaining({ page: 125, error_type: 'json_parse_error', resolved: true }),
    ]);
  });

  it('--status names the database by its URL with the password masked, and the schema', async () => {
    const status = await runCliText(['--status', '--db-url', dbUrl], {
      HOME: env['HOME'] ?? '',
      PMP_DB_SCHEMA: schema,
    });
    expect([status.code, status.stderr]).toEqual([0, '']);
    const masked = new URL(dbUrl);
    masked.password = '***';
    expect(status.stdout).toContain(`database   ${masked.toString()} (schema ${schema})`);
    expect(status.stdout).toContain('systems    3,362 of 3,362');
    expect(status.stdout).not.toContain(PASSWORD);
  });

  it('never prints the password: not on stdout, not on stderr, not in run_start', () => {
    for (const entry of runs) {
      expect(entry.result.stdout + entry.result.stderr).not.toContain(PASSWORD);
      const [start] = eventsOf(entry.result, 'run_start');
      expect(String(start?.['db_path'])).toMatch(new RegExp(`:\\*\\*\\*@.* \\(schema ${schema}\\)$`));
    }
  });
});
