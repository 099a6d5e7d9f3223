/**
 * kill -9 at 5 seeded moments of a full extraction into PostgreSQL (D6, D103, D106), as
 * kill-and-resume.test.ts does for SQLite: each killed run is followed by one that must get the run
 * lock (the server frees a dead session's advisory lock), resume from the last committed checkpoint
 * and lose at most 10 pages of work. After every kill the checkpoint is never ahead of the data (as in
 * crash-matrix.test.ts); at the end the snapshot holds exactly the simulator's ids, none twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import {
  killAtSeededMoments,
  killRunEnv,
  pagesSince,
  runAndKillCli,
  type KilledProcess,
} from '../support/kill-run.ts';
import { eventsOf, runCli, tempDir, type CliResult } from '../support/run-cli.ts';
import {
  dropSchemas,
  freshSchema,
  newestCheckpoint,
  NO_TEST_SERVER,
  SERVER_NOTE,
  serverUrl,
  sql,
  storedIds,
  waitForLockFreed,
} from '../support/postgres.ts';

const KILLS = 5;
/** PMP_PAGE_SIZE's default (records per page). */
const PAGE_SIZE = 25;

interface KilledRun extends KilledProcess {
  /** The newest checkpoint's last_page after the kill. */
  committed: number;
  /** Pages at or below `committed` that have neither their systems nor a gap row (must be none). */
  behind: number[];
}

let sim: Simulator;
let env: Record<string, string>;
let schema: string;
const killed: KilledRun[] = [];
let final: CliResult;
let finalPages: number[];

/** Pages ≤ last_page without their systems or a gap row: a checkpoint ahead of the data. */
async function pagesBehind(): Promise<{ committed: number; behind: number[] }> {
  const { snapshotId, lastPage } = await newestCheckpoint(schema);
  if (snapshotId === null) return { committed: 0, behind: [] };
  const stored = new Set(await storedIds(schema, snapshotId));
  const gapRows = await sql<{ page_num: unknown }>(
    `SELECT page_num FROM "${schema}".extraction_gaps WHERE snapshot_id = $1`,
    [snapshotId],
  );
  const gaps = new Set(gapRows.map((row) => Number(row.page_num)));
  const truth = sim.groundTruthIds();
  const behind: number[] = [];
  for (let page = 1; page <= lastPage; page += 1) {
    const ids = truth.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    if (!gaps.has(page) && !ids.every((id) => stored.has(id))) behind.push(page);
  }
  return { committed: lastPage, behind };
}

/** Starts a run and SIGKILLs it once it has requested `afterPages` pages, plus `extraMs`. */
async function runAndKill(afterPages: number, extraMs: number): Promise<KilledRun> {
  const killed = await runAndKillCli(sim, env, afterPages, extraMs);
  // The server ends the dead session (and frees its lock) once it reads the closed socket.
  await waitForLockFreed(schema);
  return { ...killed, ...(await pagesBehind()) };
}

describe.skipIf(NO_TEST_SERVER)(`kill -9 at 5 seeded moments into PostgreSQL ${SERVER_NOTE}`, () => {
  beforeAll(async () => {
    // Tokens from a command (no client id: the schema's own budget) against a lenient simulator,
    // so six runs in seconds are not throttled.
    sim = await createSimulator({
      profile: 'clean',
      seed: 4243,
      settings: { systems: 1500, maxTokenRequestsPerWindow: 1000, maxLiveTokens: 1000 },
    });
    schema = freshSchema('kill');
    env = killRunEnv(sim, tempDir('pmp-e2e-pg-kill-'), { PMP_DB_URL: serverUrl(), PMP_DB_SCHEMA: schema });
    killed.push(...(await killAtSeededMoments(20_260_113, KILLS, runAndKill)));
    const logStart = sim.stats().requests.length;
    final = await runCli([], env);
    finalPages = pagesSince(sim, logStart);
  }, 120_000);

  afterAll(async () => {
    await sim.close();
    await dropSchemas([schema]);
  });

  it('killed every run with SIGKILL while it was extracting, at different points of the pass', () => {
    expect(killed).toHaveLength(KILLS);
    for (const run of killed) {
      expect({ ...run.exit, stderr: run.stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
      expect(run.fetched.length).toBeGreaterThanOrEqual(2);
    }
    expect(new Set(killed.map((run) => run.committed)).size).toBeGreaterThan(2);
    expect(killed.at(-1)?.committed).toBeGreaterThan(0);
  });

  it('never left the checkpoint ahead of the data', () => {
    expect(killed.map((run) => run.behind)).toEqual(killed.map(() => []));
  });

  it('got the lock after every kill: no run was deferred', () => {
    for (const run of killed) {
      expect(run.events.filter((event) => event['event_type'] === 'run_deferred')).toEqual([]);
      expect(run.events.some((event) => event['event_type'] === 'batch_start')).toBe(true);
    }
    expect(eventsOf(final, 'run_deferred')).toEqual([]);
  });

  it('resumed each time from the committed checkpoint, losing at most 10 pages of work', () => {
    const lost: number[] = [];
    killed.forEach((run, i) => {
      const next = killed[i + 1]?.pages ?? finalPages;
      const probe = run.committed > 0 ? [run.committed] : [];
      expect(next.slice(0, probe.length + 1)).toEqual([...probe, run.committed + 1]);
      const fetchedBeyond = new Set(run.fetched.filter((page) => page > run.committed));
      lost.push(new Set(next.slice(probe.length).filter((page) => fetchedBeyond.has(page))).size);
    });
    expect(lost.every((count) => count <= 10)).toBe(true);
    expect(lost.some((count) => count > 0)).toBe(true);
  });

  it('converges: one success snapshot with exactly the simulator ids, none twice', async () => {
    expect(final.code, final.stderr).toBe(0);
    expect(eventsOf(final, 'target_met')).toEqual([
      expect.objectContaining({ systems_extracted: 1500, coverage_pct: 100, extracted_now: true }),
    ]);
    const snapshots = await sql<{ snapshot_id: unknown; status: string }>(
      `SELECT snapshot_id, status FROM "${schema}".snapshots ORDER BY snapshot_id`,
    );
    expect(snapshots.map((row) => [Number(row.snapshot_id), row.status])).toEqual([[1, 'success']]);
    const duplicates = await sql(
      `SELECT snapshot_id, resource_id FROM "${schema}".systems GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    expect(duplicates).toEqual([]);
    expect((await storedIds(schema, 1)).sort()).toEqual(sim.groundTruthIds().sort());
  });
});
