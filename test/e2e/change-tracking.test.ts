/**
 * Change tracking (D112), end to end: three passes of the BUILT CLI against the simulator, with
 * systems added, removed, changed and brought back between them, and one system whose volatile
 * timestamps alone move. system_changes must hold exactly the expected rows (none for the timestamp-
 * only change), latest_system_changes the newest publish's, and the log, the Slack summary and the
 * metrics file must count them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { ofType } from '../support/event-schema.ts';
import { parsePrometheusText, valueOf } from '../support/prometheus-text.ts';
import {
  obsEnv,
  only,
  runDirs,
  runValidated,
  withDb,
  type RunDirs,
  type ValidatedRun,
} from '../support/validated-run.ts';

interface ChangeRow {
  snapshot_id: number;
  previous_snapshot_id: number | null;
  resource_id: string;
  change_type: string;
  changed_fields: string | null;
  resource_name: string | null;
  branch_office_name: string | null;
}

let sim: Simulator;
let dirs: RunDirs;
let env: Record<string, string>;
let ids: string[] = [];
/** The two systems that pass 2 finds new. */
let added: string[] = [];
const runs: ValidatedRun[] = [];
const metrics: string[] = [];

/** One pass in one run (100 systems, 4 pages), once the previous pass is due for a refresh. */
async function pass(): Promise<void> {
  // PMP_REFRESH_HOURS=0.0001 is 0.36 s: the published pass is due half a second after it ended.
  if (runs.length > 0) await sleep(500);
  const run = await runValidated([], env);
  expect(run.code).toBe(0);
  expect(ofType(run.log, 'target_met')).toHaveLength(1);
  runs.push(run);
  metrics.push(readFileSync(join(dirs.dir, 'pmp.prom'), 'utf8'));
}

function changeRows(view = 'system_changes'): ChangeRow[] {
  return withDb(
    dirs.dbPath,
    (db) =>
      db
        .prepare(
          `SELECT snapshot_id, previous_snapshot_id, resource_id, change_type, changed_fields,
             resource_name, branch_office_name FROM ${view} ORDER BY change_id`,
        )
        .all() as ChangeRow[],
  );
}

/** A system as the given snapshot stored it. */
function stored(snapshotId: number, id: string): Record<string, unknown> {
  return withDb(
    dirs.dbPath,
    (db) =>
      db
        .prepare('SELECT * FROM systems WHERE snapshot_id = ? AND resource_id = ?')
        .get(snapshotId, id) as Record<string, unknown>,
  );
}

const at = (index: number): string => ids[index] ?? '';

beforeAll(async () => {
  sim = await createSimulator({ profile: 'clean', seed: 11, settings: { systems: 100 } });
  dirs = runDirs();
  env = obsEnv(sim, dirs, {
    PMP_BATCH_PAGES: '50',
    PMP_REFRESH_HOURS: '0.0001',
    PMP_METRICS_FILE: join(dirs.dir, 'pmp.prom'),
    SLACK_WEBHOOK_URL: `${sim.url}/__sim/slack/T000/B000/changehook`,
  });
  ids = sim.groundTruthIds();
  await pass();
  // Pass 2: 3 and 4 removed, two new systems, 5 moves office and health, 6 is renamed, and 7 only
  // checks in (its contact, boot, sync and scan times move).
  sim.mutate({ removeIds: [at(3), at(4)], add: 2 });
  added = sim.groundTruthIds().slice(-2);
  sim.mutate({
    edit: { ids: [at(5)], fields: { branch_office_name: 'Moved Office', resource_health_status: 3 } },
  });
  sim.mutate({ edit: { ids: [at(6)], fields: { 'resource.name': 'renamed-host' } } });
  sim.mutate({
    edit: {
      ids: [at(7)],
      fields: {
        agent_last_contact_time: 1_764_200_000_000,
        agent_last_bootup_time: 1_764_100_000_000,
        agent_last_ds_contact_time: 1_764_199_000_000,
        computer_status_update_time: 1_764_200_000_000,
        last_scan_time: 1_764_150_000_000,
        last_sync_time: 1_764_149_000_000,
      },
    },
  });
  await pass();
  // Pass 3: 3 comes back, the first new system goes, 7's times move again, nothing else changes.
  sim.mutate({ removeIds: [added[0] ?? ''], restoreIds: [at(3)] });
  sim.mutate({ edit: { ids: [at(7)], fields: { agent_last_contact_time: 1_764_300_000_000 } } });
  await pass();
});
afterAll(async () => {
  await sim.close();
});

describe('three passes', () => {
  it('publish snapshots 1, 2 and 3, each compared with the one before', () => {
    expect(runs.map((run) => only(ofType(run.log, 'inventory_changes')))).toEqual([
      expect.objectContaining({
        snapshot_id: 1,
        previous_snapshot_id: null,
        added: 0,
        removed: 0,
        changed: 0,
        reappeared: 0,
      }),
      expect.objectContaining({
        snapshot_id: 2,
        previous_snapshot_id: 1,
        added: 2,
        removed: 2,
        changed: 2,
        reappeared: 0,
      }),
      expect.objectContaining({
        snapshot_id: 3,
        previous_snapshot_id: 2,
        added: 0,
        removed: 1,
        changed: 0,
        reappeared: 1,
      }),
    ]);
    // Each refresh started at page 1 without --reset.
    for (const run of runs.slice(1)) {
      expect(only(ofType(run.log, 'batch_start'))).toMatchObject({ start_page: 1, resumed: false });
      expect(only(ofType(run.log, 'run_start'))).toMatchObject({ command: 'extract' });
    }
  });

  it('write exactly the expected system_changes rows, none for the timestamp-only change', () => {
    const [first = '', second = ''] = added;
    /** A change row, named as the snapshot that last saw the system names it. */
    const row = (snapshot: number, id: string, type: string, fields: string | null, seenIn: number) => ({
      snapshot_id: snapshot,
      previous_snapshot_id: snapshot - 1,
      resource_id: id,
      change_type: type,
      changed_fields: fields,
      resource_name: stored(seenIn, id)['resource_name'],
      branch_office_name: stored(seenIn, id)['branch_office_name'],
    });
    expect(changeRows()).toEqual([
      row(2, first, 'added', null, 2),
      row(2, second, 'added', null, 2),
      row(2, at(3), 'removed', null, 1),
      row(2, at(4), 'removed', null, 1),
      row(2, at(5), 'changed', '["branch_office_name","resource_health_status"]', 2),
      row(2, at(6), 'changed', '["resource_name"]', 2),
      row(3, at(3), 'reappeared', null, 3),
      row(3, first, 'removed', null, 2),
    ]);
    expect(stored(2, at(5))).toMatchObject({ branch_office_name: 'Moved Office', resource_health_status: 3 });
    expect(stored(2, at(6))).toMatchObject({ resource_name: 'renamed-host' });
    // The timestamp-only system did change in the stored rows, and no row says so.
    expect(stored(2, at(7))['agent_last_contact_time']).not.toBe(stored(1, at(7))['agent_last_contact_time']);
    expect(stored(3, at(7))['agent_last_contact_time']).not.toBe(stored(2, at(7))['agent_last_contact_time']);
    expect(changeRows().filter((change) => change.resource_id === at(7))).toEqual([]);
  });

  it('latest_system_changes holds the newest publish only', () => {
    expect(
      changeRows('latest_system_changes').map((change) => [change.resource_id, change.change_type]),
    ).toEqual([
      [at(3), 'reappeared'],
      [added[0], 'removed'],
    ]);
  });

  it('put a change line in the Slack summary of each published pass', () => {
    const texts = sim
      .stats()
      .slackMessages.map((message) => String((message.body as { text?: unknown }).text));
    const completions = texts.filter((text) => text.includes('Extraction complete'));
    expect(completions).toHaveLength(3);
    expect(completions[0]).toContain('- Changes: first published snapshot, nothing to compare');
    expect(completions[1]).toContain(
      '- Changes since snapshot 1: 2 added, 2 removed, 2 changed, 0 reappeared',
    );
    expect(completions[2]).toContain(
      '- Changes since snapshot 2: 0 added, 1 removed, 0 changed, 1 reappeared',
    );
  });

  it('write the counts of the published snapshot to the metrics file, by type, with the account label', () => {
    const labels = (type: string) => ({ account: 'pmp', change_type: type });
    const counts = metrics.map((text) => {
      const exposition = parsePrometheusText(text);
      return ['added', 'removed', 'changed', 'reappeared'].map((type) =>
        valueOf(exposition, 'pmp_extractor_published_changes', labels(type)),
      );
    });
    expect(counts).toEqual([
      [0, 0, 0, 0],
      [2, 2, 2, 0],
      [0, 1, 0, 1],
    ]);
  });
});
