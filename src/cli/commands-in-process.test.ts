/**
 * `check`, `--status` and `--status --check` in-process (test/e2e covers the built binary): the same
 * composition main.ts runs, against a real simulator and a real SQLite file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { withDb } from '../../test/support/db.ts';
import { capture, simEnv, simulatorFactory, startSim } from '../../test/support/in-process-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const count = (dbPath: string, table: string): number =>
  withDb(dbPath, (db) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number);

describe('check in-process', () => {
  it('verifies the server, one token and one record, and writes no snapshot', async () => {
    const dir = tempDir('pmp-cli-check-');
    const sim = await startSim({ profile: 'clean', settings: { systems: 40 } });
    const dbPath = join(dir, 'x.db');
    const run = capture(['check'], simEnv(sim, dbPath), dir);
    expect(await runCli(run.io, simulatorFactory)).toBe(0);
    expect(run.stdout()).toContain('pmp-extractor check: OK');
    expect(run.stdout()).toContain('40 reported by the API');
    expect(count(dbPath, 'snapshots')).toBe(0);
    expect(count(dbPath, 'token_requests')).toBe(1);
  });

  it('with a wrong client secret exits 1 with one line that never shows the secret', async () => {
    const dir = tempDir('pmp-cli-check-');
    const sim = await startSim({ profile: 'clean', settings: { systems: 40 } });
    const env = { ...simEnv(sim, join(dir, 'x.db')), PMP_CLIENT_SECRET: 'not-the-secret' };
    const run = capture(['check'], env, dir);
    expect(await runCli(run.io, simulatorFactory)).toBe(1);
    expect(run.stderr()).toContain('invalid_client');
    expect(run.stderr()).not.toContain('not-the-secret');
  });
});

describe('--status and --status --check in-process', () => {
  it('exit 1 and UNKNOWN (3) for a database that does not exist, which stays absent', async () => {
    const dir = tempDir('pmp-cli-status-');
    const missing = join(dir, 'missing.db');
    const status = capture(['--status', '--db', missing], {}, dir);
    expect(await runCli(status.io, simulatorFactory)).toBe(1);
    expect(status.stderr()).toContain(`no database at ${missing}`);
    const json = capture(['--status', '--json', '--db', missing], {}, dir);
    expect(await runCli(json.io, simulatorFactory)).toBe(1);
    const check = capture(['--status', '--check', '--db', missing], {}, dir);
    expect(await runCli(check.io, simulatorFactory)).toBe(3);
    expect(check.stdout()).toMatch(/^PMP_EXTRACTOR UNKNOWN - /);
    expect(existsSync(missing)).toBe(false);
  });

  it('OK (0) after a complete pass; UNKNOWN (3) for a --max-age-hours that is not a number', async () => {
    const dir = tempDir('pmp-cli-status-');
    const sim = await startSim({ profile: 'clean', settings: { systems: 60 } });
    const dbPath = join(dir, 'x.db');
    expect(await runCli(capture(['--until-complete'], simEnv(sim, dbPath), dir).io, simulatorFactory)).toBe(
      0,
    );
    const ok = capture(['--status', '--check', '--db', dbPath], {}, dir);
    expect(await runCli(ok.io, simulatorFactory)).toBe(0);
    expect(ok.stdout()).toMatch(/^PMP_EXTRACTOR OK - published snapshot 1, 60 systems/);
    const text = capture(['--status', '--db', dbPath], {}, dir);
    expect(await runCli(text.io, simulatorFactory)).toBe(0);
    expect(text.stdout()).toContain('60');
    const json = capture(['--status', '--json', '--db', dbPath], {}, dir);
    expect(await runCli(json.io, simulatorFactory)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ published_snapshot_id: 1, systems_extracted: 60 });
    const bad = capture(['--status', '--check', '--max-age-hours', 'soon', '--db', dbPath], {}, dir);
    expect(await runCli(bad.io, simulatorFactory)).toBe(3);
    expect(bad.stdout()).toMatch(/^PMP_EXTRACTOR UNKNOWN - /);
  });
});
