/**
 * Run control and storage hygiene (issue 4, D7, D10): one run per database (a second concurrent run
 * exits 3 at once), private database files, and `--reset` starting a new snapshot with history kept.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { storedSystems } from '../support/db.ts';
import { eventsOf, fastEnv, runCli, startCli, tempDir, type CliResult } from '../support/run-cli.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';

let sim: Simulator;
let env: Record<string, string>;
let dbPath: string;
let holder: CliResult;
let second: CliResult;
let secondWallMs: number;
let holderRunningWhenSecondExited: boolean;
/** Modes of the database files seen while the first run was writing, by suffix. */
const modesDuringRun = new Map<string, number>();

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

function recordModes(): void {
  for (const suffix of ['', '-wal', '-shm']) {
    const path = `${dbPath}${suffix}`;
    if (existsSync(path)) modesDuringRun.set(suffix, modeOf(path));
  }
}

beforeAll(async () => {
  sim = await createSimulator({ profile: 'clean', seed: 17, settings: { systems: 1000 } });
  const home = tempDir('pmp-e2e-runs-');
  // A parent folder that does not exist yet: the extractor creates it, private.
  dbPath = join(home, 'state', 'pmp', 'pmp.db');
  env = {
    ...fastEnv(sim.url, sim.credentials),
    HOME: home,
    PMP_DB_PATH: dbPath,
    PMP_BATCH_PAGES: '100',
    // 40 pages at 50 ms: the first run holds the lock for about two seconds.
    PMP_PAGE_DELAY_MS: '50',
  };
  const first = startCli([], env);
  while (sim.stats().requests.filter((entry) => entry.path === SCANDETAILS).length < 3) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  recordModes();
  const started = Date.now();
  second = await runCli([], env);
  secondWallMs = Date.now() - started;
  holderRunningWhenSecondExited = first.child.exitCode === null && first.child.signalCode === null;
  recordModes();
  holder = await first.done;
}, 30_000);

afterAll(async () => {
  await sim.close();
});

describe('two concurrent runs on one database', () => {
  it('the first works to the end', () => {
    expect(holder.code).toBe(0);
    expect(eventsOf(holder, 'target_met')).toEqual([
      expect.objectContaining({ systems_extracted: 1000, extracted_now: true }),
    ]);
  });

  it('the second exits 3 within a second with run_deferred lock_held, touching neither API nor data', () => {
    expect(second.code).toBe(3);
    // It did not wait for the lock: it was done while the first run was still extracting.
    expect(holderRunningWhenSecondExited).toBe(true);
    const [started] = eventsOf(second, 'run_start');
    const [deferred] = eventsOf(second, 'run_deferred');
    expect(deferred).toMatchObject({ level: 'WARNING', reason: 'lock_held', retry_after_s: null });
    // Within a second: from its own start to its decision, by its own clock (tight), and from spawn
    // to exit (which includes Node's start-up: loose, so a loaded CI machine does not flake it).
    const decidedMs =
      Date.parse(String(deferred?.['timestamp'])) - Date.parse(String(started?.['timestamp']));
    expect(decidedMs).toBeGreaterThanOrEqual(0);
    expect(decidedMs).toBeLessThan(1000);
    expect(secondWallMs).toBeLessThan(2500);
    expect(eventsOf(second, 'run_deferred')).toHaveLength(1);
    expect(eventsOf(second, 'batch_start')).toEqual([]);
    // One token for the one run that worked.
    expect(sim.stats().tokenRequests).toHaveLength(1);
  });

  it('the lock is released at the end: the next run proceeds (and finds the target met)', async () => {
    const third = await runCli([], env);
    expect(third.code).toBe(0);
    expect(eventsOf(third, 'run_deferred')).toEqual([]);
    expect(eventsOf(third, 'target_met')).toEqual([expect.objectContaining({ extracted_now: false })]);
  });
});

describe('database files', () => {
  it('are mode 0600 while a run writes (database, -wal, -shm) and after it', () => {
    expect(modesDuringRun.get('')).toBe(0o600);
    expect(modesDuringRun.get('-wal')).toBe(0o600);
    expect(modesDuringRun.get('-shm')).toBe(0o600);
    expect(modeOf(dbPath)).toBe(0o600);
    // SQLite may remove -wal/-shm when the last connection closes; whatever is left is private.
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(`${dbPath}${suffix}`)) expect(modeOf(`${dbPath}${suffix}`)).toBe(0o600);
    }
  });

  it('live in a parent folder created 0700', () => {
    expect(modeOf(dirname(dbPath))).toBe(0o700);
  });
});

describe('--reset', () => {
  it('starts a new snapshot at page 1 and keeps the history', async () => {
    const logStart = sim.stats().requests.length;
    const reset = await runCli(['--reset', '--batch-pages', '5'], env);
    expect(reset.code).toBe(0);
    expect(eventsOf(reset, 'run_start')).toEqual([expect.objectContaining({ command: 'reset' })]);
    expect(eventsOf(reset, 'batch_start')).toEqual([
      expect.objectContaining({ snapshot_id: 2, start_page: 1, resumed: false }),
    ]);
    const pages = sim
      .stats()
      .requests.slice(logStart)
      .filter((entry) => entry.path === SCANDETAILS)
      .map((entry) => entry.page);
    expect(pages).toEqual([1, 2, 3, 4, 5]);

    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT snapshot_id, status FROM snapshots ORDER BY snapshot_id').all()).toEqual([
        { snapshot_id: 1, status: 'success' },
        { snapshot_id: 2, status: 'partial' },
      ]);
      const counts = db
        .prepare(
          `SELECT snapshot_id, COUNT(*) AS n FROM (${storedSystems('snapshot_id')})
           GROUP BY snapshot_id ORDER BY snapshot_id`,
        )
        .all();
      expect(counts).toEqual([
        { snapshot_id: 1, n: 1000 },
        { snapshot_id: 2, n: 125 },
      ]);
    } finally {
      db.close();
    }

    const status = await runCli(['--status', '--json'], { HOME: env['HOME'] ?? '', PMP_DB_PATH: dbPath });
    expect(status.events[0]).toMatchObject({
      snapshot_id: 2,
      snapshot_status: 'partial',
      last_page: 5,
      systems_extracted: 125,
      target_met: false,
    });

    // The next plain run continues the new snapshot where --reset left it.
    const next = await runCli(['--batch-pages', '5'], env);
    expect(eventsOf(next, 'batch_start')).toEqual([
      expect.objectContaining({ snapshot_id: 2, start_page: 6, resumed: true }),
    ]);
  });
});
