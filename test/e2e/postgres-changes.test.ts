/**
 * Change tracking on the real PostgreSQL server (D112, D121): two passes of the BUILT CLI, with
 * systems added, removed, changed and one whose timestamps alone move in between, must leave exactly
 * the expected system_changes rows in the account's schema, completed_at on both published passes,
 * and the dashboard views readable.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { eventsOf, fastEnv, runCli, tempDir } from '../support/run-cli.ts';
import { NO_TEST_SERVER, SERVER_NOTE, serverFixtures, serverUrl, sql } from '../support/postgres.ts';

const fixtures = serverFixtures();

describe.skipIf(NO_TEST_SERVER)(`PostgreSQL change tracking ${SERVER_NOTE}`, () => {
  it('two refresh passes write the added, removed and changed rows, not the timestamp-only one', async () => {
    const sim = await fixtures.simulator(12, { systems: 60 });
    const schema = fixtures.schema('changes');
    const env = {
      ...fastEnv(sim.url, sim.credentials),
      HOME: tempDir('pmp-e2e-pg-changes-'),
      PMP_DB_URL: serverUrl(),
      PMP_DB_SCHEMA: schema,
      PMP_BATCH_PAGES: '50',
      // 0.36 s: the published pass is due for a refresh half a second after it ended.
      PMP_REFRESH_HOURS: '0.0001',
    };
    const first = await runCli([], env);
    expect(first.code, first.stderr).toBe(0);
    const ids = sim.groundTruthIds();
    const at = (index: number): string => ids[index] ?? '';
    sim.mutate({ removeIds: [at(3)], add: 1 });
    const added = sim.groundTruthIds().slice(-1);
    sim.mutate({ edit: { ids: [at(5)], fields: { branch_office_name: 'Moved Office' } } });
    sim.mutate({ edit: { ids: [at(7)], fields: { agent_last_contact_time: 1_764_200_000_000 } } });
    await sleep(500);
    const second = await runCli([], env);
    expect(second.code, second.stderr).toBe(0);

    expect(eventsOf(second, 'inventory_changes')).toEqual([
      expect.objectContaining({ previous_snapshot_id: 1, added: 1, removed: 1, changed: 1, reappeared: 0 }),
    ]);
    const rows = await sql<Record<string, unknown>>(
      `SELECT snapshot_id::int AS snapshot_id, previous_snapshot_id::int AS previous, resource_id,
         change_type, changed_fields, branch_office_name
       FROM "${schema}".system_changes ORDER BY change_id`,
    );
    expect(rows).toEqual([
      expect.objectContaining({ snapshot_id: 2, previous: 1, resource_id: added[0], change_type: 'added' }),
      expect.objectContaining({ snapshot_id: 2, previous: 1, resource_id: at(3), change_type: 'removed' }),
      {
        snapshot_id: 2,
        previous: 1,
        resource_id: at(5),
        change_type: 'changed',
        changed_fields: '["branch_office_name"]',
        branch_office_name: 'Moved Office',
      },
    ]);
    const latest = await sql<{ n: unknown }>(`SELECT count(*) AS n FROM "${schema}".latest_system_changes`);
    expect(Number(latest[0]?.n)).toBe(3);
    const published = await sql<{ n: unknown }>(
      `SELECT count(*) AS n FROM "${schema}".snapshots WHERE status = 'success' AND completed_at > timestamp`,
    );
    expect(Number(published[0]?.n)).toBe(2);
    const summary = await sql<{ total: unknown }>(
      `SELECT sum(total_systems) AS total FROM "${schema}".organization_summary`,
    );
    expect(Number(summary[0]?.total)).toBe(60);
  });
});
