/**
 * `--status --check` end to end against the built CLI: each of the four monitoring-plugins answers
 * in the situation it stands for, and UNKNOWN for a database that does not exist (which stays absent).
 * `--status` itself exits 1 for a missing database. Ages are set by moving the stored pass back in
 * time, never by waiting.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { fastEnv, runCli, runCliText } from '../support/run-cli.ts';
import { removeTempDir, tempDir } from '../support/temp-dir.ts';

let sim: Simulator;
let dir: string;
let dbPath: string;
let env: Record<string, string>;

beforeAll(async () => {
  sim = await createSimulator({ profile: 'clean', settings: { systems: 60 } });
  dir = tempDir('pmp-health-');
  dbPath = join(dir, 'acme.db');
  env = { ...fastEnv(sim.url, sim.credentials), HOME: dir, PMP_DB_PATH: dbPath };
});

afterAll(async () => {
  await sim.close();
  removeTempDir(dir);
});

function check(
  args: string[] = [],
  extra: Record<string, string> = {},
): Promise<{ code: number | null; line: string }> {
  return runCliText(['--status', '--check', ...args], { HOME: dir, PMP_DB_PATH: dbPath, ...extra }).then(
    (run) => {
      expect(run.stdout.split('\n').filter((line) => line !== '')).toHaveLength(1);
      return { code: run.code, line: run.stdout.trim() };
    },
  );
}

/** Moves the published pass `hours` into the past: its start and its completion (D111). */
function ageBy(hours: number): void {
  const db = new Database(dbPath);
  db.prepare(
    "UPDATE snapshots SET timestamp = datetime('now', ?), completed_at = datetime('now', ?) WHERE status = 'success'",
  ).run(`-${hours} hours`, `-${hours} hours`);
  db.close();
}

describe('--status on a database that does not exist', () => {
  it('--status and --status --json exit 1 with one actionable line and create nothing', async () => {
    const missing = join(dir, 'missing.db');
    for (const args of [['--status'], ['--status', '--json']]) {
      const run = await runCliText([...args, '--db', missing], { HOME: dir });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`no database at ${missing}`);
      expect(run.stderr).toContain('PMP_DB_PATH / --db');
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('--status --check is UNKNOWN (3) and leaves the file absent', async () => {
    const missing = join(dir, 'missing.db');
    const run = await runCliText(['--status', '--check', '--db', missing], { HOME: dir });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^PMP_EXTRACTOR UNKNOWN - no database at /);
    expect(existsSync(missing)).toBe(false);
  });

  it('a file that is not a database is UNKNOWN too, and --status exits 1', async () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database, just text'.repeat(100));
    const run = await runCliText(['--status', '--check', '--db', junk], { HOME: dir });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^PMP_EXTRACTOR UNKNOWN - /);
    expect((await runCliText(['--status', '--db', junk], { HOME: dir })).code).toBe(1);
  });
});

describe('--status --check through the life of a database', () => {
  it('CRITICAL (2) before anything is published', async () => {
    // `check` creates the database for its token budget, and publishes nothing.
    expect((await runCliText(['check'], env)).code).toBe(0);
    const { code, line } = await check();
    expect(code).toBe(2);
    expect(line).toMatch(/^PMP_EXTRACTOR CRITICAL - no published snapshot yet/);
  });

  it('OK (0) after a published pass, with the age and systems as perfdata', async () => {
    expect((await runCli(['--until-complete'], env)).code).toBe(0);
    const { code, line } = await check();
    expect(code).toBe(0);
    expect(line).toMatch(
      /^PMP_EXTRACTOR OK - published snapshot 1, 60 systems, 0(\.\d)? h old \| age_hours=0(\.\d)?;24;48 systems=60 open_gaps=0 last_exit_code=0$/,
    );
    const json = await runCliText(['--status', '--json'], { HOME: dir, PMP_DB_PATH: dbPath });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      published_snapshot_id: 1,
      last_run: { exit_code: 0, outcome: 'target_met', reason: null },
    });
  });

  it('WARNING (1) once the data is older than half the limit, CRITICAL (2) past it', async () => {
    ageBy(30);
    const warning = await check();
    expect(warning.code).toBe(1);
    expect(warning.line).toMatch(
      /^PMP_EXTRACTOR WARNING - published data older than 24 h; published snapshot 1/,
    );
    const critical = await check(['--max-age-hours', '20']);
    expect(critical.code).toBe(2);
    expect(critical.line).toContain('published data older than 20 h');
    expect((await check(['--max-age-hours', '100'])).code).toBe(0);
  });

  it('takes H from PMP_REFRESH_HOURS: twice the refresh interval, 48 h when refreshing is off', async () => {
    const ten = await check([], { PMP_REFRESH_HOURS: '10' });
    expect(ten.code).toBe(2);
    expect(ten.line).toContain('published data older than 20 h');
    expect(ten.line).toContain('age_hours=30;10;20');
    const off = await check([], { PMP_REFRESH_HOURS: '0' });
    expect(off.code).toBe(1);
    expect(off.line).toContain('age_hours=30;24;48');
    // An explicit --max-age-hours still wins.
    expect((await check(['--max-age-hours', '100'], { PMP_REFRESH_HOURS: '10' })).code).toBe(0);
  });

  it('CRITICAL (2) after a run that failed for want of credentials, whatever the age', async () => {
    // The pass is complete, so a run with credentials would not even ask for a token.
    const run = await runCli([], { HOME: dir, PMP_DB_PATH: dbPath });
    expect(run.code).toBe(1);
    const { code, line } = await check(['--max-age-hours', '100']);
    expect(code).toBe(2);
    expect(line).toMatch(/last run failed with exit 1 \(config_invalid\)/);
    expect(line).toContain('last_exit_code=1');
  });

  it('a bad --max-age-hours is UNKNOWN (3)', async () => {
    const { code, line } = await check(['--max-age-hours', 'soon']);
    expect(code).toBe(3);
    expect(line).toContain('--max-age-hours must be a positive number');
  });
});
