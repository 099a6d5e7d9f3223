/**
 * Scenario 1 (D24) end to end (issue 4): the built CLI against the `seed` simulator (3,362 systems,
 * 135 pages of 25, scripted faults on pages 15, 23, 65, 78, 120 and 125), run the way cron runs it:
 * three batches of 50 pages, then a fourth run that finds the target met. The simulator's request
 * log proves which pages each run fetched; the SQLite file proves what was stored.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type RequestLogEntry, type Simulator } from '../../src/simulator/index.ts';
import { CLI_PATH, eventsOf, fastEnv, runCli, tempDir, type CliResult } from '../support/run-cli.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';

interface Run {
  result: CliResult;
  /** scandetails pages this run requested, in order (retries appear once per attempt). */
  pages: number[];
}

let sim: Simulator;
let env: Record<string, string>;
let dbPath: string;
let groundTruth: string[];
const runs: Run[] = [];

async function run(args: readonly string[] = []): Promise<Run> {
  const before = sim.stats().requests.length;
  const result = await runCli(args, env);
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

function distinct(pages: readonly number[]): number[] {
  return [...new Set(pages)];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

beforeAll(async () => {
  sim = await createSimulator({ profile: 'seed', seed: 7 });
  groundTruth = sim.groundTruthIds();
  const home = tempDir('pmp-e2e-s1-');
  dbPath = join(home, 'pmp.db');
  env = {
    ...fastEnv(sim.url, sim.credentials),
    HOME: home,
    PMP_DB_PATH: dbPath,
    PMP_BATCH_PAGES: '50',
    // Pages 15 and 23 answer after 3 s: a short client timeout turns them into quick retries.
    PMP_REQUEST_TIMEOUT_MS: '1000',
  };
  for (let i = 0; i < 4; i++) runs.push(await run());
  await sim.close();
}, 60_000);

afterAll(async () => {
  await sim.close();
});

describe('scenario 1 (D24): three runs of 50 pages converge on the whole inventory', () => {
  it('serves the 3,362 systems of the seed profile', () => {
    expect(groundTruth).toHaveLength(3362);
    expect(new Set(groundTruth).size).toBe(3362);
  });

  it('exits 0 on every run', () => {
    expect(runs.map((entry) => [entry.result.code, entry.result.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
  });

  it('run 1 fetches pages 1-50, retrying the timed-out pages 15 and 23', () => {
    const first = runAt(0);
    expect(distinct(first.pages)).toEqual(range(1, 50));
    expect(first.pages.filter((page) => page === 15 || page === 23)).toEqual([15, 15, 23, 23]);
  });

  it('run 2 re-reads page 50 (drift probe), then fetches 51-100, page 78 becoming a gap', () => {
    const pages = runAt(1).pages;
    expect(pages[0]).toBe(50);
    expect(distinct(pages.slice(1))).toEqual(range(51, 100));
    expect(pages.filter((page) => page === 78)).toHaveLength(3); // 3 corrupt answers, no 4th try yet
    expect(pages.filter((page) => page === 65)).toHaveLength(3); // two 503s, then the page
    expect(eventsOf(runAt(1).result, 'page_skipped')).toEqual([
      expect.objectContaining({ page: 78, attempts: 3 }),
    ]);
  });

  it('run 3 fetches 101 to the end, then sweeps the gap pages 78, 120 and 125', () => {
    const pages = runAt(2).pages;
    expect(pages[0]).toBe(100);
    const sweepStart = pages.lastIndexOf(135) + 1;
    expect(distinct(pages.slice(1, sweepStart))).toEqual(range(101, 135));
    // Each recovered gap page, then its previous page re-checked for drift (D53).
    expect(pages.slice(sweepStart)).toEqual([78, 77, 120, 119, 125, 124]);
    expect(eventsOf(runAt(2).result, 'gap_recovered').map((event) => event['page'])).toEqual([78, 120, 125]);
    expect(eventsOf(runAt(2).result, 'target_met')).toEqual([
      expect.objectContaining({
        systems_extracted: 3362,
        total_systems: 3362,
        coverage_pct: 100,
        extracted_now: true,
      }),
    ]);
    expect(eventsOf(runAt(2).result, 'run_complete')).toEqual([
      expect.objectContaining({ exit_code: 0, outcome: 'target_met' }),
    ]);
  });

  it('run 4 finds the target met and requests no page', () => {
    const fourth = runAt(3);
    expect(fourth.pages).toEqual([]);
    expect(eventsOf(fourth.result, 'target_met')).toEqual([
      expect.objectContaining({ extracted_now: false, systems_extracted: 3362, coverage_pct: 100 }),
    ]);
    expect(eventsOf(fourth.result, 'batch_start')).toEqual([]);
  });

  it('commits the checkpoint every 10 pages and at batch end', () => {
    const commits = runs.map((entry) =>
      eventsOf(entry.result, 'checkpoint_commit').map((event) => event['last_page']),
    );
    expect(commits[0]).toEqual([10, 20, 30, 40, 50, 50]);
    expect(commits[1]).toEqual([60, 70, 80, 90, 100, 100]);
    // Pass end at 135, then a commit before each recovered gap's neighbour re-check (D53), and the end.
    expect(commits[2]).toEqual([110, 120, 130, 135, 135, 135, 135, 135]);
    expect(commits[3]).toEqual([]);
  });

  it('stores exactly the ground-truth ids, as exact strings, in one success snapshot', () => {
    const db = new Database(dbPath, { readonly: true });
    try {
      const snapshots = db.prepare('SELECT snapshot_id, status FROM snapshots').all();
      expect(snapshots).toEqual([{ snapshot_id: 1, status: 'success' }]);
      const ids = db.prepare('SELECT resource_id FROM systems WHERE snapshot_id = ?').pluck().all(1);
      expect(ids.every((id) => typeof id === 'string')).toBe(true);
      expect(ids).toHaveLength(3362);
      expect([...(ids as string[])].sort()).toEqual([...groundTruth].sort());
      const checkpoint = db.prepare('SELECT * FROM extraction_checkpoints WHERE snapshot_id = 1').get();
      expect(checkpoint).toMatchObject({
        last_page: 135,
        systems_extracted: 3362,
        coverage_pct: 100,
        total_systems: 3362,
        total_pages: 135,
      });
    } finally {
      db.close();
    }
  });

  it('--status --json works with the simulator stopped and no credentials, listing recovered gaps', async () => {
    const status = await runCli(['--status', '--json'], { HOME: env['HOME'] ?? '', PMP_DB_PATH: dbPath });
    expect(status.code).toBe(0);
    expect(status.events).toHaveLength(1);
    const report = status.events[0];
    expect(report).toMatchObject({
      snapshot_id: 1,
      snapshot_status: 'success',
      last_page: 135,
      total_pages: 135,
      total_systems: 3362,
      systems_extracted: 3362,
      coverage_pct: 100,
      target_pct: 95,
      target_met: true,
    });
    expect(report?.['gaps']).toEqual([
      expect.objectContaining({ page: 78, error_type: 'json_parse_error', attempts: 4, resolved: true }),
      expect.objectContaining({ page: 120, error_type: 'json_parse_error', attempts: 4, resolved: true }),
      expect.objectContaining({ page: 125, error_type: 'json_parse_error', attempts: 4, resolved: true }),
    ]);
  });

  it('--status prints a readable summary', () => {
    // Human output is not JSON lines, so not through runCli's parser.
    const status = spawnSync(process.execPath, [CLI_PATH, '--status', '--db', dbPath], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: env['HOME'] ?? '' },
      encoding: 'utf8',
    });
    expect(status.status).toBe(0);
    expect(status.stderr).toBe('');
    const text = status.stdout;
    expect(text).toContain('snapshot   #1 (success)');
    expect(text).toContain('pages      135 of 135 (pass complete)');
    expect(text).toContain('systems    3,362 of 3,362');
    expect(text).toContain('coverage   100.0% (target 95%: met)');
    expect(text).toContain('gaps       3 recovered, 0 open');
    expect(text).toMatch(/^\s+78\s+recovered\s+json_parse_error\s+4\s+1$/m);
  });
});
