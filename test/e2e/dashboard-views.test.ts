/**
 * The dashboard views (issue 9, D80 to D82) in a file the built CLI wrote from the simulator, read
 * from a second connection as a dashboard would: they agree with the published snapshot's rows, they
 * keep showing it while the next pass runs, and a user's view of the same name survives.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { withDb } from '../support/db.ts';
import { fastEnv, runCli, tempDir } from '../support/run-cli.ts';

const SYSTEMS = 300;
const DAY_MS = 86_400_000;
const USER_VIEW = "CREATE VIEW os_distribution AS SELECT 'my own' AS os_name";

let sim: Simulator;
let env: Record<string, string>;
let dbPath: string;

beforeAll(async () => {
  // Contact times relative to now, so that stale_systems holds some systems and not others.
  sim = await createSimulator({
    profile: 'clean',
    seed: 23,
    settings: { systems: SYSTEMS, referenceTimeMs: Date.now() },
  });
  const home = tempDir('pmp-e2e-views-');
  dbPath = join(home, 'pmp.db');
  env = { ...fastEnv(sim.url, sim.credentials), HOME: home, PMP_DB_PATH: dbPath };
  // A dashboard author's own view, made before the extractor ever ran.
  const db = new Database(dbPath);
  db.exec(USER_VIEW);
  db.close();
  expect((await runCli([], env)).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await sim.close();
});

type Rows = Record<string, unknown>[];

function read<T>(query: (db: Database.Database) => T): T {
  return withDb(dbPath, query);
}

function all(db: Database.Database, sql: string): Rows {
  return db.prepare(sql).all() as Rows;
}

/** Role by the simulator's naming (HQ-SRV-0042): what device_role must derive from os_name. */
const ROLE_BY_TAG: Record<string, string> = {
  SRV: 'server',
  WKS: 'workstation',
  MBP: 'workstation',
  LNX: 'unknown',
};

describe('views over the published snapshot', () => {
  it('latest_system_details has every published system, with a device_role matching its kind', () => {
    const rows = read((db) =>
      all(db, 'SELECT resource_name, device_role, snapshot_id FROM latest_system_details'),
    );
    expect(rows).toHaveLength(SYSTEMS);
    for (const row of rows) {
      const tag = String(row['resource_name']).split('-')[1] ?? '';
      expect([row['resource_name'], row['device_role']]).toEqual([row['resource_name'], ROLE_BY_TAG[tag]]);
    }
    expect(new Set(rows.map((row) => row['device_role']))).toEqual(
      new Set(['server', 'workstation', 'unknown']),
    );
  });

  it('organization_summary, high_risk_systems and scan_failures agree with latest_system_inventory', () => {
    read((db) => {
      const summary = all(db, 'SELECT * FROM organization_summary');
      const perOrg = all(
        db,
        `SELECT branch_office_name AS organization, COUNT(*) AS total_systems,
           SUM(resource_health_status = 3) AS high_risk_systems, SUM(computer_live_status = 2) AS offline_systems
         FROM latest_system_inventory GROUP BY branch_office_name`,
      );
      expect(
        summary.map(({ organization, total_systems, high_risk_systems, offline_systems }) => ({
          organization,
          total_systems,
          high_risk_systems,
          offline_systems,
        })),
      ).toEqual(expect.arrayContaining(perOrg));
      expect(summary).toHaveLength(perOrg.length);
      const count = (sql: string): unknown => db.prepare(sql).pluck().get();
      expect(count('SELECT COUNT(*) FROM high_risk_systems')).toBe(
        count('SELECT COUNT(*) FROM latest_system_inventory WHERE resource_health_status = 3'),
      );
      expect(count('SELECT COUNT(*) FROM scan_failures')).toBe(
        count('SELECT COUNT(*) FROM latest_system_inventory WHERE scan_status <> 228'),
      );
      expect(count('SELECT COUNT(*) FROM scan_failures')).toBeGreaterThan(0);
    });
  });

  it('stale_systems lists exactly the agents silent for more than 7 days', () => {
    read((db) => {
      const stale = db.prepare('SELECT resource_id FROM stale_systems').pluck().all() as string[];
      const contacts = all(
        db,
        'SELECT resource_id, agent_last_contact_time AS t FROM latest_system_inventory',
      );
      const nowMs = Date.now();
      const expected = contacts
        .filter((row) => typeof row['t'] === 'number' && row['t'] > 0 && nowMs - row['t'] > 7 * DAY_MS)
        .map((row) => row['resource_id']);
      expect(stale.sort()).toEqual((expected as string[]).sort());
      expect(stale.length).toBeGreaterThan(0);
      expect(stale.length).toBeLessThan(SYSTEMS);
    });
  });

  it('data_coverage_report counts the published snapshot against the API total', () => {
    const rows = read((db) => all(db, 'SELECT * FROM data_coverage_report'));
    expect(rows[0]).toEqual({ metric: 'Total Systems', count: SYSTEMS, coverage: '100%' });
    expect(rows.at(-1)).toEqual({ metric: 'Systems Reported by API', count: SYSTEMS, coverage: '100.0%' });
    expect(rows).toHaveLength(7);
  });

  it("left the user's os_distribution view as it was", () => {
    read((db) => {
      expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'os_distribution'").pluck().get()).toBe(
        USER_VIEW,
      );
      expect(all(db, 'SELECT * FROM os_distribution')).toEqual([{ os_name: 'my own' }]);
    });
  });
});

describe('while the next pass runs', () => {
  it('every view shows the previous published snapshot until the new one is published', async () => {
    const before = read((db) => all(db, 'SELECT * FROM organization_summary'));
    // Between passes the fleet changes: 20 systems fewer.
    sim.mutate({ removeFromPages: { pages: [1, 2], count: 10 } });
    expect((await runCli(['--reset', '--batch-pages', '3'], env)).code).toBe(0);
    read((db) => {
      // D134: the pass in progress is in pending_systems; systems holds published passes only.
      expect(db.prepare('SELECT COUNT(*) FROM pending_systems WHERE snapshot_id = 2').pluck().get()).toBe(75);
      expect(db.prepare('SELECT COUNT(*) FROM systems WHERE snapshot_id = 2').pluck().get()).toBe(0);
      expect(db.prepare('SELECT DISTINCT snapshot_id FROM latest_system_details').pluck().all()).toEqual([1]);
      expect(all(db, 'SELECT * FROM organization_summary')).toEqual(before);
    });
    expect((await runCli([], env)).code).toBe(0);
    read((db) => {
      expect(db.prepare('SELECT DISTINCT snapshot_id FROM latest_system_details').pluck().all()).toEqual([2]);
      const totals = db.prepare('SELECT SUM(total_systems) FROM organization_summary').pluck().get();
      expect(totals).toBe(SYSTEMS - 20);
    });
  }, 60_000);
});
