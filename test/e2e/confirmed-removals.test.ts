/**
 * Confirmed removals (D85–D89), the built CLI against the simulator. Pass 1 is published from one
 * simulator; pass 2 (`--reset`) runs against a second one with the same seed (the same fleet), whose
 * drift steps count its own page requests: systems deleted before the pass, and systems deleted from
 * page 1 in the middle of it with as many added, so that `total` stays put and later systems shift onto
 * pages already read, unseen by any drift check. The SQLite file and the simulator's log are the judges.
 */
import { describe, expect, it } from 'vitest';
import { ofType } from '../support/event-schema.ts';
import {
  afterFirstPass,
  events,
  fleet,
  idsOf,
  read,
  requests,
  simulator,
  states,
} from '../support/removal-passes.ts';
import { runCli } from '../support/run-cli.ts';

describe('systems deleted from early pages in the middle of a pass', () => {
  it('publish no false removal and no missing system: the lookups store the shifted ones', async () => {
    const ids = await fleet();
    const deleted = [ids[72] ?? '', ids[77] ?? ''];
    const { dbPath, envFor } = await afterFirstPass();
    const sim = await simulator({
      drift: [
        { afterRequests: 0, removeIds: deleted },
        // From the 6th page request on: page 1 loses 3 systems, 3 are added, total stays 98.
        { afterRequests: 5, removeFromPages: { pages: [1], count: 3 }, add: 3 },
      ],
    });
    const result = await runCli(['--reset'], envFor(sim));

    expect(result.code).toBe(0);
    const log = events(result);
    const { pages, lookups } = requests(sim);
    expect(pages).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ofType(log, 'page_drift_detected')).toEqual([]);
    // Looked up: exactly the published systems no page returned; 3 shifted + the 2 deleted.
    const readOnPages = new Set(idsOf(dbPath, 2, 'AND source_page >= 1'));
    const notReturned = idsOf(dbPath, 1).filter((id) => !readOnPages.has(id));
    expect(notReturned).toHaveLength(5);
    expect([...lookups].sort()).toEqual([...notReturned].sort());
    expect(notReturned).toEqual(expect.arrayContaining(deleted));

    const snapshots = read(dbPath, 'SELECT snapshot_id, status FROM snapshots ORDER BY snapshot_id');
    expect(snapshots).toEqual([
      { snapshot_id: 1, status: 'success' },
      { snapshot_id: 2, status: 'success' },
    ]);
    const stored = new Set(idsOf(dbPath, 2));
    expect(sim.groundTruthIds().filter((id) => !stored.has(id))).toEqual([]);
    expect(deleted.filter((id) => stored.has(id))).toEqual([]);
    const shifted = notReturned.filter((id) => !deleted.includes(id));
    expect([...idsOf(dbPath, 2, 'AND source_page = 0')].sort()).toEqual([...shifted].sort());
    expect(shifted.every((id) => sim.groundTruthIds().includes(id))).toBe(true);
    // The 3 deleted from page 1 after it was read stay in the pass (they were there when read, D53).
    expect(ids.slice(0, 3).every((id) => stored.has(id))).toBe(true);
    const latest = read(dbPath, 'SELECT COUNT(*) AS n FROM latest_system_inventory');
    expect(latest).toEqual([{ n: stored.size }]);

    expect(states(dbPath)).toEqual({ present: 3, removed: 2 });
    expect(ofType(log, 'removal_candidates')).toEqual([
      expect.objectContaining({
        snapshot_id: 2,
        previous_snapshot_id: 1,
        candidates: 5,
        pending: 5,
        lost_gap: 0,
      }),
    ]);
    expect(ofType(log, 'removal_confirmed')).toEqual([
      expect.objectContaining({ snapshot_id: 2, candidates: 5, present: 3, removed: 2, carried_over: 0 }),
    ]);
  });

  it('spend the batch budget: a pass whose lookups do not fit is published by the next run', async () => {
    const ids = await fleet();
    const { dbPath, envFor } = await afterFirstPass();
    const sim = await simulator({
      drift: [
        { afterRequests: 0, removeIds: [ids[72] ?? '', ids[77] ?? ''] },
        { afterRequests: 5, removeFromPages: { pages: [1], count: 3 }, add: 3 },
      ],
    });
    const env = { ...envFor(sim), PMP_BATCH_PAGES: '12' };
    const first = await runCli(['--reset'], env);
    expect(first.code).toBe(0);
    expect(requests(sim)).toMatchObject({ pages: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    expect(requests(sim).lookups).toHaveLength(2);
    expect(ofType(events(first), 'run_complete')).toEqual([
      expect.objectContaining({ exit_code: 0, outcome: 'batch_complete' }),
    ]);
    expect(read(dbPath, 'SELECT status FROM snapshots WHERE snapshot_id = 2')).toEqual([
      { status: 'partial' },
    ]);
    expect(states(dbPath)['pending']).toBe(3);
    // The dashboards still see pass 1.
    expect(read(dbPath, 'SELECT DISTINCT snapshot_id FROM latest_system_inventory')).toEqual([
      { snapshot_id: 1 },
    ]);

    const mark = sim.stats().requests.length;
    const second = await runCli([], env);
    expect(second.code).toBe(0);
    expect(requests(sim, mark)).toMatchObject({ pages: [] });
    expect(requests(sim, mark).lookups).toHaveLength(3);
    expect(ofType(events(second), 'removal_candidates')).toEqual([
      expect.objectContaining({ candidates: 5, pending: 3, resumed: true }),
    ]);
    expect(read(dbPath, 'SELECT status FROM snapshots WHERE snapshot_id = 2')).toEqual([
      { status: 'success' },
    ]);
    expect(states(dbPath)).toEqual({ present: 3, removed: 2 });
    const stored = new Set(idsOf(dbPath, 2));
    expect(sim.groundTruthIds().filter((id) => !stored.has(id))).toEqual([]);
  });
});
