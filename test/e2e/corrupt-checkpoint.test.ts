/**
 * A corrupt checkpoint (issue 4, D6): a row edited behind the extractor's back to last_page 999, or
 * to coverage 140, is detected by the next run, logged as checkpoint_corruption and reset; the pass
 * then still ends with exactly the simulator's systems.
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

describe.each([
  { column: 'last_page', value: 999, reason: 'last_page 999 is beyond the last page 20' },
  { column: 'coverage_pct', value: 140, reason: 'coverage_pct 140 is outside 0..100' },
])('a checkpoint with $column = $value', ({ column, value, reason }) => {
  it('is detected, logged as checkpoint_corruption, reset, and the pass still ends correct', async () => {
    const sim = await createSimulator({ profile: 'clean', seed: 31, settings: { systems: 500 } });
    sims.push(sim);
    const home = tempDir('pmp-e2e-corrupt-');
    const dbPath = join(home, 'pmp.db');
    const env = { ...fastEnv(sim.url, sim.credentials), HOME: home, PMP_DB_PATH: dbPath };

    const first = await runCli(['--batch-pages', '10'], env);
    expect(first.code).toBe(0);
    const db = new Database(dbPath);
    try {
      expect(db.prepare('SELECT last_page, coverage_pct FROM extraction_checkpoints').get()).toEqual({
        last_page: 10,
        coverage_pct: 50,
      });
      db.prepare(`UPDATE extraction_checkpoints SET ${column} = ? WHERE snapshot_id = 1`).run(value);
    } finally {
      db.close();
    }

    const logStart = sim.stats().requests.length;
    const second = await runCli(['--batch-pages', '50'], env);
    expect(second.code).toBe(0);
    expect(eventsOf(second, 'checkpoint_corruption')).toEqual([
      expect.objectContaining({
        level: 'WARNING',
        snapshot_id: 1,
        reason,
        last_page: column === 'last_page' ? value : 10,
        coverage_pct: column === 'coverage_pct' ? value : 50,
        action: 'reset_to_page_0',
      }),
    ]);
    // Reset to page 0: the pass is read again from page 1, no probe of a page it cannot trust.
    const pages = sim
      .stats()
      .requests.slice(logStart)
      .filter((entry) => entry.path === SCANDETAILS)
      .map((entry) => entry.page);
    expect(pages).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(eventsOf(second, 'target_met')).toEqual([
      expect.objectContaining({ snapshot_id: 1, systems_extracted: 500, coverage_pct: 100 }),
    ]);

    const check = new Database(dbPath, { readonly: true });
    try {
      expect(check.prepare('SELECT snapshot_id, status FROM snapshots').all()).toEqual([
        { snapshot_id: 1, status: 'success' },
      ]);
      expect(check.prepare('SELECT last_page, coverage_pct FROM extraction_checkpoints').get()).toEqual({
        last_page: 20,
        coverage_pct: 100,
      });
      const ids = check.prepare('SELECT resource_id FROM systems WHERE snapshot_id = 1').pluck().all();
      expect((ids as string[]).sort()).toEqual(sim.groundTruthIds().sort());
    } finally {
      check.close();
    }
  });
});
