/**
 * Inventory drift between cron runs (issue 4, D6), and `--until-complete`: the built CLI against the
 * simulator, with the simulator's ground truth and the SQLite file as the judges.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { eventsOf, fastEnv, runCli, tempDir } from '../support/run-cli.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

async function start(
  systems: number,
): Promise<{ sim: Simulator; env: Record<string, string>; dbPath: string }> {
  const sim = await createSimulator({ profile: 'clean', seed: 99, settings: { systems } });
  sims.push(sim);
  const home = tempDir('pmp-e2e-drift-');
  const dbPath = join(home, 'pmp.db');
  return { sim, dbPath, env: { ...fastEnv(sim.url, sim.credentials), HOME: home, PMP_DB_PATH: dbPath } };
}

function storedIds(dbPath: string): { snapshots: unknown[]; ids: string[] } {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      snapshots: db.prepare('SELECT snapshot_id, status FROM snapshots ORDER BY snapshot_id').all(),
      ids: db.prepare('SELECT resource_id FROM systems WHERE snapshot_id = 1').pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

function pagesSince(sim: Simulator, index: number): number[] {
  return sim
    .stats()
    .requests.slice(index)
    .filter((entry) => entry.path === SCANDETAILS)
    .map((entry) => entry.page ?? -1);
}

describe('drift between runs', () => {
  it('re-reads shifted pages at resume, logs page_drift_detected and ends with every current system', async () => {
    const { sim, env, dbPath } = await start(3362);
    const first = await runCli(['--batch-pages', '50'], env);
    expect(first.code).toBe(0);
    const before = sim.groundTruthIds();

    // Between runs: 30 systems deleted from pages 2-4, 10 added at the end.
    sim.mutate({ removeFromPages: { pages: [2, 3, 4], count: 10 }, add: 10 });
    const after = sim.groundTruthIds();
    expect(after).toHaveLength(3342);
    const removed = before.filter((id) => !after.includes(id));
    expect(removed).toHaveLength(30);

    const logStart = sim.stats().requests.length;
    const second = await runCli(['--batch-pages', '200'], env);
    expect(second.code).toBe(0);
    // Page 50 now holds 25 systems never seen (the old 1256th-1280th); page 49 lines up again.
    expect(pagesSince(sim, logStart).slice(0, 3)).toEqual([50, 49, 51]);
    expect(eventsOf(second, 'page_drift_detected')).toEqual([
      expect.objectContaining({ snapshot_id: 1, page: 50, shift_pages: 1, resume_page: 51, matched: true }),
    ]);

    let last = second;
    for (let i = 0; i < 3 && eventsOf(last, 'target_met').length === 0; i++) {
      last = await runCli(['--batch-pages', '200'], env);
      expect(last.code).toBe(0);
    }
    expect(eventsOf(last, 'target_met')).toEqual([expect.objectContaining({ extracted_now: true })]);

    const { snapshots, ids } = storedIds(dbPath);
    expect(snapshots).toEqual([{ snapshot_id: 1, status: 'success' }]);
    const stored = new Set(ids);
    expect(after.filter((id) => !stored.has(id))).toEqual([]);
    // Systems deleted after run 1 had read them stay in the snapshot (they were there when read);
    // nothing else is stored, and no id twice.
    expect(ids).toHaveLength(new Set(ids).size);
    expect([...ids].sort()).toEqual([...after, ...removed].sort());
  });
});

describe('--until-complete', () => {
  it('runs batch after batch in one process until the target is met', async () => {
    const { sim, env, dbPath } = await start(1000);
    const result = await runCli(['--until-complete', '--batch-pages', '12'], env);

    expect(result.code).toBe(0);
    const batches = eventsOf(result, 'batch_start');
    expect(batches.map((event) => event['start_page'])).toEqual([1, 13, 25, 37]);
    expect(eventsOf(result, 'batch_complete').map((event) => event['last_page'])).toEqual([12, 24, 36, 40]);
    expect(eventsOf(result, 'target_met')).toEqual([
      expect.objectContaining({ systems_extracted: 1000, total_systems: 1000, extracted_now: true }),
    ]);
    expect(eventsOf(result, 'run_start')).toHaveLength(1);
    expect(eventsOf(result, 'run_complete')).toEqual([
      expect.objectContaining({ exit_code: 0, outcome: 'target_met' }),
    ]);
    const { snapshots, ids } = storedIds(dbPath);
    expect(snapshots).toEqual([{ snapshot_id: 1, status: 'success' }]);
    expect([...ids].sort()).toEqual([...sim.groundTruthIds()].sort());
  });

  it('takes one token for a 135-page pass at 20 pages a batch: one token per process (D40)', async () => {
    const { sim, env } = await start(3362);
    const result = await runCli(['--until-complete'], { ...env, PMP_BATCH_PAGES: '20' });

    expect(result.code).toBe(0);
    expect(eventsOf(result, 'batch_start')).toHaveLength(7);
    expect(eventsOf(result, 'batch_complete').at(-1)).toMatchObject({ last_page: 135 });
    expect(sim.stats().tokenRequests).toHaveLength(1);
    expect(eventsOf(result, 'token_refresh').map((event) => event['reason'])).toEqual(['batch_start']);
  });
});
