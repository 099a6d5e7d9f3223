/**
 * Pages that never come back (issue 4, D6): enough of them to end the pass below target. The run
 * sweeps the open gaps up to 3 times, then exits 2 with the snapshot `failed` and a gap report that
 * names each lost page's error type and attempts, readable through `--status` without the API.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Fault, type Simulator } from '../../src/simulator/index.ts';
import { CLI_PATH, eventsOf, fastEnv, runCli, tempDir, type CliResult } from '../support/run-cli.ts';

/** Enough of the same fault for the pass and all three sweeps (and then some). */
const always = (fault: Fault): Fault[] => Array.from({ length: 20 }, () => fault);

// 20 pages of 25; pages 3-14 never answer properly: 8 of 20 pages readable = 40% coverage.
const LOST: Record<number, { fault: Fault; errorType: string; attemptsPerSweep: number }> = {};
for (const page of [3, 4, 5, 6]) {
  LOST[page] = { fault: { kind: 'status', status: 500 }, errorType: '5xx_server_error', attemptsPerSweep: 3 };
}
for (const page of [7, 8, 9, 10]) {
  LOST[page] = { fault: { kind: 'json_parse' }, errorType: 'json_parse_error', attemptsPerSweep: 3 };
}
for (const page of [11, 12]) {
  LOST[page] = { fault: { kind: 'reset' }, errorType: 'network_timeout', attemptsPerSweep: 3 };
}
for (const page of [13, 14]) {
  // Other 4xx: a gap at once, no retry (D4).
  LOST[page] = { fault: { kind: 'status', status: 404 }, errorType: 'unknown_error', attemptsPerSweep: 1 };
}

let sim: Simulator;
let home: string;
let dbPath: string;
let result: CliResult;
let runCodes: (number | null)[];

beforeAll(async () => {
  const pageScripts: Record<number, Fault[]> = {};
  for (const [page, lost] of Object.entries(LOST)) pageScripts[Number(page)] = always(lost.fault);
  sim = await createSimulator({ profile: 'clean', seed: 5, settings: { systems: 500, pageScripts } });
  home = tempDir('pmp-e2e-lost-');
  dbPath = join(home, 'pmp.db');
  // Three cron runs: the pass and sweep 1 in the first (--until-complete stops once the pass has
  // reached its end: later sweeps belong to later runs), sweeps 2 and 3 in the next two.
  const env = {
    ...fastEnv(sim.url, sim.credentials),
    HOME: home,
    PMP_DB_PATH: dbPath,
    PMP_BACKOFF_BASE_MS: '1',
  };
  const runs: CliResult[] = [];
  for (let i = 0; i < 3; i++) runs.push(await runCli(['--until-complete'], env));
  runCodes = runs.map((run) => run.code);
  const last = runs[2] as CliResult;
  result = {
    ...last,
    events: runs.flatMap((run) => run.events),
    stdout: runs.map((run) => run.stdout).join(''),
  };
  await sim.close();
}, 60_000);

afterAll(async () => {
  await sim.close();
});

describe('permanent page failures', () => {
  it('exits 2 (partial) once the third sweep leaves coverage below target', () => {
    expect(runCodes).toEqual([0, 0, 2]);
    expect(eventsOf(result, 'batch_start')).toHaveLength(3);
    expect(eventsOf(result, 'batch_complete').at(-1)).toMatchObject({
      systems_extracted: 200,
      total_systems: 500,
      coverage_pct: 40,
      pass_complete: true,
    });
    expect(eventsOf(result, 'run_complete')).toEqual([
      expect.objectContaining({ exit_code: 0, outcome: 'batch_complete' }),
      expect.objectContaining({ exit_code: 0, outcome: 'batch_complete' }),
      expect.objectContaining({ exit_code: 2, outcome: 'partial' }),
    ]);
    expect(eventsOf(result, 'target_met')).toEqual([]);
    // Every lost page: skipped in the pass and in each of the 3 sweeps, never recovered.
    const lostPages = Object.keys(LOST).map(Number);
    expect(eventsOf(result, 'page_skipped').map((event) => event['page'])).toEqual([
      ...lostPages,
      ...lostPages,
      ...lostPages,
      ...lostPages,
    ]);
    expect(eventsOf(result, 'gap_recovered')).toEqual([]);
  });

  it('sweeps each lost page exactly three times after the pass', () => {
    const requests = sim.stats().requests.filter((entry) => entry.path.endsWith('/scandetails'));
    for (const [page, lost] of Object.entries(LOST)) {
      const count = requests.filter((entry) => entry.page === Number(page)).length;
      expect({ page, count }).toEqual({ page, count: lost.attemptsPerSweep * 4 });
    }
  });

  it('keeps a gap row per lost page with its error type and attempts, and a failed snapshot', () => {
    const db = new Database(dbPath, { readonly: true });
    try {
      const gaps = db
        .prepare(
          `SELECT page_num, error_type, attempts, retry_sweeps, resolved, error_message
           FROM extraction_gaps WHERE snapshot_id = 1 ORDER BY page_num`,
        )
        .all() as { page_num: number; error_type: string; attempts: number; error_message: string }[];
      expect(gaps.map((row) => ({ ...row, error_message: typeof row.error_message }))).toEqual(
        Object.entries(LOST).map(([page, lost]) => ({
          page_num: Number(page),
          error_type: lost.errorType,
          attempts: lost.attemptsPerSweep * 4,
          retry_sweeps: 3,
          resolved: 0,
          error_message: 'string',
        })),
      );
      expect(gaps.every((gap) => gap.error_message.length > 0)).toBe(true);
      const snapshot = db.prepare('SELECT status, error_message FROM snapshots WHERE snapshot_id = 1').get();
      expect(snapshot).toEqual({
        status: 'failed',
        error_message: 'pass complete at 40% coverage, below the 95% target after 3 gap sweeps',
      });
    } finally {
      db.close();
    }
  });

  it('reports the lost pages through --status --json and --status, with the simulator gone', async () => {
    const json = await runCli(['--status', '--json'], { HOME: home, PMP_DB_PATH: dbPath });
    expect(json.code).toBe(0);
    expect(json.events[0]).toMatchObject({
      snapshot_id: 1,
      snapshot_status: 'failed',
      last_page: 20,
      total_pages: 20,
      total_systems: 500,
      systems_extracted: 200,
      coverage_pct: 40,
      target_pct: 95,
      target_met: false,
    });
    expect(json.events[0]?.['gaps']).toEqual(
      Object.entries(LOST).map(([page, lost]): unknown =>
        expect.objectContaining({
          page: Number(page),
          error_type: lost.errorType,
          attempts: lost.attemptsPerSweep * 4,
          resolved: false,
        }),
      ),
    );
    const human = spawnSync(process.execPath, [CLI_PATH, '--status'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, PMP_DB_PATH: dbPath },
      encoding: 'utf8',
    });
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('snapshot   #1 (failed)');
    expect(human.stdout).toContain('coverage   40.0% (target 95%: not met)');
    expect(human.stdout).toContain('gaps       0 recovered, 12 open');
    expect(human.stdout).toMatch(/^\s+13\s+open\s+unknown_error\s+4\s+3$/m);
  });

  it('starts a new snapshot on the next run; the failed one and its gap report stay', async () => {
    const restarted = await createSimulator({ profile: 'clean', seed: 5, settings: { systems: 500 } });
    try {
      const next = await runCli([], {
        ...fastEnv(restarted.url, restarted.credentials),
        HOME: home,
        PMP_DB_PATH: dbPath,
      });
      expect(next.code).toBe(0);
      expect(eventsOf(next, 'batch_start')).toEqual([
        expect.objectContaining({ snapshot_id: 2, start_page: 1, resumed: false }),
      ]);
      expect(eventsOf(next, 'target_met')).toEqual([expect.objectContaining({ snapshot_id: 2 })]);
    } finally {
      await restarted.close();
    }
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT snapshot_id, status FROM snapshots ORDER BY snapshot_id').all()).toEqual([
        { snapshot_id: 1, status: 'failed' },
        { snapshot_id: 2, status: 'success' },
      ]);
      expect(db.prepare('SELECT COUNT(*) FROM extraction_gaps WHERE snapshot_id = 1').pluck().get()).toBe(12);
    } finally {
      db.close();
    }
  });
});
