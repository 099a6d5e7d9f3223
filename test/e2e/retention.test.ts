/**
 * Retention end to end (issue 9, D83, D84): ten passes of the built CLI against the simulator with
 * `--keep-snapshots 3` (over PMP_KEEP_SNAPSHOTS=9: the flag wins). Every pass has one page that
 * never answers, so every snapshot has a gap report to keep. At the end exactly 3 snapshots have
 * systems rows, all 10 snapshot, checkpoint and gap rows remain, and the file (with its WAL) is at
 * most 4.5 times its size after the first pass.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator, type Fault } from '../../src/simulator/index.ts';
import { tempDir } from '../support/run-cli.ts';
import { runValidated, withDb, type ValidatedRun } from '../support/validated-run.ts';

const SYSTEMS = 1000;
const PASSES = 10;
const KEEP = 3;
/** Page 7 answers 503 to every request of every pass (3 attempts, then one sweep of 3). */
const BROKEN_PAGE = 7;

let sim: Simulator;
let dbPath: string;
let env: Record<string, string>;
/** The run that published each pass, in order. */
const publishing: ValidatedRun[] = [];
/** Database and WAL, bytes (the WAL is normally gone once the last connection closed). */
interface FileBytes {
  db: number;
  wal: number;
}
const sizes: { afterFirst: FileBytes; afterLast: FileBytes } = {
  afterFirst: { db: 0, wal: 0 },
  afterLast: { db: 0, wal: 0 },
};

function fileBytes(): FileBytes {
  const wal = `${dbPath}-wal`;
  return { db: statSync(dbPath).size, wal: existsSync(wal) ? statSync(wal).size : 0 };
}

const bytesOf = (bytes: FileBytes): number => bytes.db + bytes.wal;

beforeAll(async () => {
  const broken: Fault[] = Array.from({ length: 100 }, () => ({ kind: 'status', status: 503 }));
  sim = await createSimulator({
    profile: 'clean',
    seed: 41,
    settings: { systems: SYSTEMS, pageScripts: { [BROKEN_PAGE]: broken }, maxTokenRequestsPerWindow: 1000 },
  });
  const dir = tempDir('pmp-e2e-retention-');
  dbPath = join(dir, 'pmp.db');
  // A token command, not the refresh grant: 10 runs would spend the whole Zoho budget of 10 per 10
  // minutes, and a retried or repeated test run would defer.
  const grant = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: sim.credentials.clientId,
    client_secret: sim.credentials.clientSecret,
    refresh_token: sim.credentials.refreshToken,
  });
  env = {
    HOME: dir,
    PMP_SERVER_URL: sim.url,
    PMP_ACCOUNTS_URL: sim.url,
    PMP_TOKEN_COMMAND: `curl -s -X POST '${sim.url}/oauth/v2/token?${grant.toString()}'`,
    PMP_DB_PATH: dbPath,
    PMP_PAGE_DELAY_MS: '0',
    PMP_BACKOFF_BASE_MS: '1',
    PMP_REQUEST_TIMEOUT_MS: '5000',
    PMP_KEEP_SNAPSHOTS: '9',
  };
  const keep = ['--keep-snapshots', String(KEEP)];
  for (let pass = 1; pass <= PASSES; pass++) {
    // One run per pass: it pages to the end, sweeps page 7 once (it fails again) and publishes.
    const run = await runValidated(pass === 1 ? keep : ['--reset', ...keep], env);
    expect(run.log.map((line) => line.event_type)).toContain('target_met');
    publishing.push(run);
    if (pass === 1) sizes.afterFirst = fileBytes();
  }
  sizes.afterLast = fileBytes();
}, 240_000);

afterAll(async () => {
  await sim.close();
});

describe(`${PASSES} passes with --keep-snapshots ${KEEP}`, () => {
  it('leave exactly the newest 3 snapshots with systems rows and raw parts', () => {
    const perSnapshot = withDb(dbPath, (db) =>
      db
        .prepare(
          `SELECT s.snapshot_id AS id, s.status,
             (SELECT COUNT(*) FROM systems WHERE snapshot_id = s.snapshot_id) AS systems,
             (SELECT COUNT(*) FROM system_raw_parts WHERE snapshot_id = s.snapshot_id) AS parts
           FROM snapshots s ORDER BY s.snapshot_id`,
        )
        .all(),
    );
    const stored = SYSTEMS - 25;
    expect(perSnapshot).toEqual(
      Array.from({ length: PASSES }, (_, index) => {
        const kept = index >= PASSES - KEEP;
        return { id: index + 1, status: 'success', systems: kept ? stored : 0, parts: kept ? 39 : 0 };
      }),
    );
  });

  it('keep every snapshot, checkpoint and gap row', () => {
    withDb(dbPath, (db) => {
      const gaps = db
        .prepare(
          'SELECT snapshot_id, page_num, error_type, retry_sweeps, resolved FROM extraction_gaps ORDER BY snapshot_id',
        )
        .all();
      expect(gaps).toEqual(
        Array.from({ length: PASSES }, (_, index) => ({
          snapshot_id: index + 1,
          page_num: BROKEN_PAGE,
          error_type: '5xx_server_error',
          retry_sweeps: 1,
          resolved: 0,
        })),
      );
      const checkpoints = db
        .prepare('SELECT snapshot_id, systems_extracted FROM extraction_checkpoints')
        .all();
      expect(checkpoints).toHaveLength(PASSES);
      expect(
        checkpoints.every((row) => (row as { systems_extracted: number }).systems_extracted === 975),
      ).toBe(true);
    });
  });

  it('log snapshots_pruned at every publication, one old snapshot at a time from the fourth', () => {
    const pruned = publishing.map((run) => {
      const line = run.log.find((entry) => entry.event_type === 'snapshots_pruned');
      return line === undefined
        ? null
        : [line['keep_snapshots'], line['snapshots_pruned'], line['systems_deleted']];
    });
    expect(pruned).toEqual(
      Array.from({ length: PASSES }, (_, index) => (index < KEEP ? [KEEP, 0, 0] : [KEEP, 1, 975])),
    );
    const reclaimed = publishing
      .slice(KEEP)
      .map((run) => run.log.find((e) => e.event_type === 'snapshots_pruned'));
    for (const line of reclaimed) expect(line?.['reclaimed_bytes']).toBeGreaterThan(0);
  });

  it('is a new file with auto_vacuum INCREMENTAL, at most 4.5 times the size of one pass', () => {
    expect(withDb(dbPath, (db) => db.pragma('auto_vacuum', { simple: true }))).toBe(2);
    const { afterFirst: first, afterLast: last } = sizes;
    console.log(
      `retention e2e: after pass 1 db ${first.db} + wal ${first.wal} bytes; after pass ${PASSES} db ` +
        `${last.db} + wal ${last.wal} bytes; ratio ${(bytesOf(last) / bytesOf(first)).toFixed(3)}`,
    );
    expect(bytesOf(first)).toBeGreaterThan(SYSTEMS * 1000);
    expect(bytesOf(last)).toBeLessThanOrEqual(4.5 * bytesOf(first));
  });
});
