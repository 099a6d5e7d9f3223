/**
 * Issue 11's disk goal, as the built CLI meets it: a full 3,362-system pass into a new file takes at
 * most 1.3 KB (1,300 B) per system, `-wal` and `-shm` included, with 2 KiB pages (D140). The file is
 * about 1,294 B per system (1,294 to 1,298 over seeds 1 to 6), so the guard has 2 to 6 B of room: a change that adds pages
 * to every file shows here before the benchmark. The 100,000-system figure is guarded in
 * memory-guard.test.ts.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/simulator/index.ts';
import { sqliteFileBytes } from '../support/db.ts';
import { fastEnv, runCli } from '../support/run-cli.ts';
import { removeTempDir, tempDir } from '../support/temp-dir.ts';

const SYSTEMS = 3362;
/** The goal: 1.3 KB per system per pass (decimal bytes). */
const GOAL_BYTES_PER_SYSTEM = 1300;

const dir = tempDir('pmp-db-size-');
afterAll(() => {
  removeTempDir(dir);
});

describe('database size', () => {
  it(`stores a ${SYSTEMS.toLocaleString('en-US')}-system pass in at most 1.3 KB per system, 2 KiB pages`, async () => {
    const sim = await createSimulator({
      profile: 'clean',
      settings: { systems: SYSTEMS, latencyMs: [0, 0] },
    });
    try {
      const dbPath = join(dir, 'pmp.db');
      const result = await runCli([], {
        ...fastEnv(sim.url, sim.credentials),
        HOME: dir,
        PMP_DB_PATH: dbPath,
        PMP_BATCH_PAGES: '1000',
      });
      expect(result.code, result.stderr).toBe(0);
      const complete = result.events.filter((event) => event['event_type'] === 'batch_complete').at(-1);
      expect(complete?.['systems_extracted']).toBe(SYSTEMS);
      // Measured before this test opens the file: a reader's connection creates a -shm of its own.
      const perSystem = sqliteFileBytes(dbPath) / SYSTEMS;
      const db = new Database(dbPath, { readonly: true });
      try {
        expect(db.pragma('page_size', { simple: true })).toBe(2048);
        expect(db.prepare('SELECT COUNT(*) FROM latest_system_inventory').pluck().get()).toBe(SYSTEMS);
      } finally {
        db.close();
      }
      expect(perSystem, `${perSystem.toFixed(1)} B per system`).toBeLessThanOrEqual(GOAL_BYTES_PER_SYSTEM);
    } finally {
      await sim.close();
    }
  }, 60_000);
});
