/**
 * Confirmed removals on the real PostgreSQL server (D85, D125), the built CLI in an account schema:
 * the mid-pass shift of test/e2e/confirmed-removals.test.ts. Pass 1 is published from one simulator;
 * pass 2 (`--reset`) runs against a second one with the same fleet whose drift deletes two systems
 * before the pass and shifts page 1 in its middle with `total` unchanged. The schema is the judge.
 */
import { describe, expect, it } from 'vitest';
import type { SimSettings, Simulator } from '../../src/simulator/index.ts';
import { ofType, validateEventStream } from '../support/event-schema.ts';
import {
  NO_TEST_SERVER,
  ownCredentials,
  SERVER_NOTE,
  serverFixtures,
  serverUrl,
  sql,
  storedIds,
} from '../support/postgres.ts';
import { fastEnv, runCli, tempDir } from '../support/run-cli.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';
const fixtures = serverFixtures();
// Both passes' simulators accept the same client, as one tenant would.
const credentials = ownCredentials();

async function simulator(drift: SimSettings['drift'] = []): Promise<Simulator> {
  return await fixtures.simulator(31, { systems: 100, drift, credentials });
}

function lookups(sim: Simulator): string[] {
  return sim
    .stats()
    .requests.filter((entry) => entry.path === SCANDETAILS && entry.resid !== null)
    .map((entry) => String(entry.resid));
}

describe.skipIf(NO_TEST_SERVER)(`confirmed removals in PostgreSQL ${SERVER_NOTE}`, () => {
  it('publish no false removal: the lookups store the shifted systems on page 0', async () => {
    const schema = fixtures.schema('removals');
    const home = tempDir('pmp-e2e-pg-removals-');
    const envFor = (sim: Simulator) => ({
      ...fastEnv(sim.url, sim.credentials),
      HOME: home,
      PMP_DB_URL: serverUrl(),
      PMP_DB_SCHEMA: schema,
      PMP_PAGE_SIZE: '10',
    });
    const first = await simulator();
    const ids = first.groundTruthIds();
    const one = await runCli([], envFor(first));
    expect(one.code, one.stderr).toBe(0);
    await first.close();

    const deleted = [ids[72] ?? '', ids[77] ?? ''];
    const sim = await simulator([
      { afterRequests: 0, removeIds: deleted },
      // From the 6th page request on: page 1 loses 3 systems, 3 are added, total stays 98.
      { afterRequests: 5, removeFromPages: { pages: [1], count: 3 }, add: 3 },
    ]);
    const two = await runCli(['--reset'], envFor(sim));
    expect(two.code, two.stderr).toBe(0);
    const log = validateEventStream(two.stdout);
    expect(ofType(log, 'page_drift_detected')).toEqual([]);

    const snapshots = await sql(`SELECT snapshot_id, status FROM "${schema}".snapshots ORDER BY snapshot_id`);
    expect(snapshots.map((row) => [Number(row['snapshot_id']), row['status']])).toEqual([
      [1, 'success'],
      [2, 'success'],
    ]);
    const onPages = await sql<{ id: string }>(
      `SELECT resource_id AS id FROM "${schema}".systems WHERE snapshot_id = 2 AND source_page >= 1`,
    );
    const read = new Set(onPages.map((row) => row.id));
    const notReturned = (await storedIds(schema, 1)).filter((id) => !read.has(id));
    expect(notReturned).toHaveLength(5);
    expect([...lookups(sim)].sort()).toEqual([...notReturned].sort());
    const shifted = notReturned.filter((id) => !deleted.includes(id)).sort();
    const lookedUp = await sql<{ id: string }>(
      `SELECT resource_id AS id FROM "${schema}".systems WHERE snapshot_id = 2 AND source_page = 0 ORDER BY 1`,
    );
    expect(lookedUp.map((row) => row.id)).toEqual(shifted);
    const stored = new Set(await storedIds(schema, 2));
    expect(sim.groundTruthIds().filter((id) => !stored.has(id))).toEqual([]);
    expect(deleted.filter((id) => stored.has(id))).toEqual([]);

    const states = await sql<{ state: string; n: string }>(
      `SELECT state, count(*) AS n FROM "${schema}".removal_candidates WHERE snapshot_id = 2 GROUP BY state`,
    );
    expect(Object.fromEntries(states.map((row) => [row.state, Number(row.n)]))).toEqual({
      present: 3,
      removed: 2,
    });
    expect(ofType(log, 'removal_confirmed')).toEqual([
      expect.objectContaining({ snapshot_id: 2, candidates: 5, present: 3, removed: 2, carried_over: 0 }),
    ]);
    const latest = await sql(`SELECT count(*) AS n FROM "${schema}".latest_system_inventory`);
    expect(Number(latest[0]?.['n'])).toBe(stored.size);
  });
});
