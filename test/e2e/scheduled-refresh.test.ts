/**
 * Scheduled refresh and atomic publishing (D110, D111, D113), end to end: the BUILT CLI against the
 * simulator, a second SQLite connection reading the views as a dashboard does. Once the published
 * snapshot is older than PMP_REFRESH_HOURS (here 0.0001 h = 0.36 s, so the test waits half a second,
 * never a real interval), the next run starts a new pass at page 1 without --reset; with 0 it never
 * does. While the refresh pass runs, latest_system_inventory returns exactly the previous complete
 * snapshot, between runs and during one, and `--status --json` reports both.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { eventsOf, runCli, runCliText, startCli } from '../support/run-cli.ts';
import { obsEnv, runDirs, type RunDirs } from '../support/validated-run.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';
/** 0.36 s: a published snapshot is due for a refresh half a second after its pass ended. */
const TINY_HOURS = '0.0001';

let sim: Simulator;
let dirs: RunDirs;
let env: Record<string, string>;

beforeAll(async () => {
  // 600 systems = 24 pages of 25; 15 ms per request keeps a pass under a second but long enough to
  // read the views while it runs.
  sim = await createSimulator({ profile: 'clean', seed: 7, settings: { systems: 600, latencyMs: [15, 15] } });
  dirs = runDirs();
  env = obsEnv(sim, dirs, { PMP_BATCH_PAGES: '200', PMP_REFRESH_HOURS: TINY_HOURS });
});
afterAll(async () => {
  await sim.close();
});

/** Pages the simulator served from request index `from` on. */
function pagesSince(from: number): number[] {
  return sim
    .stats()
    .requests.slice(from)
    .filter((entry) => entry.path === SCANDETAILS)
    .map((entry) => entry.page ?? -1);
}

/** A dashboard's connection: every row of the view, the published id, the newest snapshot's state. */
interface DashboardRead {
  rows: Record<string, unknown>[];
  publishedId: number | null;
  newest: { snapshot_id: number; status: string; stored: number };
}

function readDashboard(db: Database.Database): DashboardRead {
  // One read transaction: the three answers describe the same moment.
  return db.transaction(() => ({
    rows: db.prepare('SELECT * FROM latest_system_inventory ORDER BY resource_id').all() as Record<
      string,
      unknown
    >[],
    publishedId: db
      .prepare("SELECT MAX(snapshot_id) FROM snapshots WHERE status = 'success'")
      .pluck()
      .get() as number | null,
    newest: db
      .prepare(
        `SELECT s.snapshot_id, s.status, (SELECT COUNT(*) FROM systems WHERE snapshot_id = s.snapshot_id)
           + (SELECT COUNT(*) FROM pending_systems WHERE snapshot_id = s.snapshot_id)
           AS stored FROM snapshots s ORDER BY s.snapshot_id DESC LIMIT 1`,
      )
      .get() as DashboardRead['newest'],
  }))();
}

function withReader<T>(read: (db: Database.Database) => T): T {
  const db = new Database(dirs.dbPath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

async function statusJson(): Promise<Record<string, unknown>> {
  const status = await runCliText(['--status', '--json'], { HOME: dirs.dir, PMP_DB_PATH: dirs.dbPath });
  expect(status.code).toBe(0);
  return JSON.parse(status.stdout) as Record<string, unknown>;
}

describe('scheduled refresh', () => {
  let published: DashboardRead;

  it('publishes the first pass', async () => {
    const first = await runCli([], env);
    expect(first.code).toBe(0);
    expect(eventsOf(first, 'target_met')).toEqual([expect.objectContaining({ extracted_now: true })]);
    published = withReader(readDashboard);
    expect(published.publishedId).toBe(1);
    expect(published.rows).toHaveLength(600);
  });

  it('with PMP_REFRESH_HOURS=0 (or --refresh-hours 0) a run past the age still does nothing', async () => {
    await sleep(500);
    const before = sim.stats().requests.length;
    for (const run of [
      await runCli([], { ...env, PMP_REFRESH_HOURS: '0' }),
      await runCli(['--refresh-hours', '0'], env),
      // A day-long interval is not due either.
      await runCli([], { ...env, PMP_REFRESH_HOURS: '24' }),
    ]) {
      expect(run.code).toBe(0);
      expect(eventsOf(run, 'run_complete')).toEqual([
        expect.objectContaining({ outcome: 'already_complete' }),
      ]);
      expect(eventsOf(run, 'batch_start')).toEqual([]);
    }
    expect(sim.stats().requests.length).toBe(before);
    expect(withReader(readDashboard)).toEqual(published);
  });

  it('once it is due, a run without --reset starts a new pass at page 1; the views keep the old one', async () => {
    // Between the passes the fleet changes, so the new pass could not pass for the old one.
    const ids = sim.groundTruthIds();
    sim.mutate({
      removeIds: ids.slice(0, 5),
      add: 7,
      edit: { ids: [ids[10] ?? ''], fields: { ip_address: '10.1.2.3' } },
    });
    const before = sim.stats().requests.length;
    const refresh = await runCli(['--batch-pages', '5'], env);
    expect(refresh.code).toBe(0);
    expect(eventsOf(refresh, 'run_start')).toEqual([expect.objectContaining({ command: 'extract' })]);
    expect(eventsOf(refresh, 'batch_start')).toEqual([
      expect.objectContaining({ snapshot_id: 2, start_page: 1, resumed: false, snapshot_status: 'partial' }),
    ]);
    expect(pagesSince(before)).toEqual([1, 2, 3, 4, 5]);
    const between = withReader(readDashboard);
    expect(between.newest).toEqual({ snapshot_id: 2, status: 'partial', stored: 125 });
    // Exactly the previous complete snapshot, column for column.
    expect(between.rows).toEqual(published.rows);
    expect(between.publishedId).toBe(1);
  });

  it('--status --json reports the published snapshot and its age beside the pass in progress', async () => {
    const report = await statusJson();
    expect(report).toMatchObject({
      snapshot_id: 2,
      snapshot_status: 'partial',
      last_page: 5,
      published_snapshot_id: 1,
      published_systems: 600,
      last_run: { exit_code: 0, outcome: 'batch_complete', reason: null },
    });
    const completed = withReader(
      (db) => db.prepare('SELECT completed_at FROM snapshots WHERE snapshot_id = 1').pluck().get() as string,
    );
    expect(report['published_at']).toBe(`${completed.replace(' ', 'T')}Z`);
    expect(report['data_age_hours']).toEqual(expect.any(Number));
    expect(report['data_age_hours']).toBeGreaterThanOrEqual(0);
    expect(report['data_age_hours']).toBeLessThan(1);
    const text = await runCliText(['--status'], { HOME: dirs.dir, PMP_DB_PATH: dirs.dbPath });
    expect(text.stdout).toMatch(
      /Published snapshot \(what latest_system_inventory shows\)\n\s+snapshot\s+#1, 600 systems\n\s+completed\s+\S+ \(\d+(\.\d)? h ago\)/,
    );
    expect(text.stdout).toMatch(
      /Pass in progress \(not shown until it is published\)\n\s+snapshot\s+#2 \(partial\)/,
    );
    expect(text.stdout).toMatch(/Last run\n\s+outcome\s+exit 0 \(batch_complete\) at /);
  });

  it('during the run that completes the pass, a reader sees the old snapshot whole, then the new one whole', async () => {
    const reader = new Database(dirs.dbPath, { readonly: true, fileMustExist: true });
    const reads: DashboardRead[] = [];
    try {
      const run = startCli([], env);
      let finished = false;
      const done = run.done.then((result) => {
        finished = true;
        return result;
      });
      while (!finished) {
        reads.push(readDashboard(reader));
        await sleep(5);
      }
      const result = await done;
      expect(result.code).toBe(0);
      expect(eventsOf(result, 'target_met')).toEqual([expect.objectContaining({ snapshot_id: 2 })]);
      reads.push(readDashboard(reader));
    } finally {
      reader.close();
    }
    const final = reads.at(-1);
    expect(final?.publishedId).toBe(2);
    expect(final?.rows.map((row) => row['resource_id'])).toEqual([...sim.groundTruthIds()].sort());
    // Never a mix: before the publish the old rows exactly, after it the new rows exactly.
    for (const read of reads) {
      if (read.publishedId === 1) {
        expect(read.rows).toEqual(published.rows);
        expect(read.newest.status).toBe('partial');
      } else {
        expect(read.publishedId).toBe(2);
        expect(read.rows).toEqual(final?.rows);
      }
    }
    // The reads did watch the pass grow (a commit every 10 pages) while the old snapshot was shown.
    const midPass = reads.filter((read) => read.publishedId === 1 && read.newest.stored > 125);
    expect(midPass.length).toBeGreaterThan(0);
  });
});
