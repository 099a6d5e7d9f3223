/**
 * The CLI in-process, against a real simulator and a real SQLite file: the same composition main.ts
 * runs, with process facilities replaced by captures. (test/e2e/ runs the built binary as a child.)
 */
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { capture, simEnv, simulatorFactory, startSim } from '../../test/support/in-process-cli.ts';
import { rawRecords } from '../../test/support/db.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

function eventTypes(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { event_type: string }).event_type);
}

describe('runCli in-process', () => {
  it('extracts a small inventory until complete, then reports status as text and JSON', async () => {
    const dir = tempDir('pmp-cli-');
    const sim = await startSim({ profile: 'clean', settings: { systems: 130 } });
    const dbPath = join(dir, 'x.db');
    const metricsPath = join(dir, 'm.prom');
    const run = capture(
      ['--batch-pages', '2', '--until-complete', '--metrics-file', metricsPath],
      simEnv(sim, dbPath),
      dir,
    );
    expect(await runCli(run.io, simulatorFactory)).toBe(0);
    const types = eventTypes(run.stdout());
    expect(types[0]).toBe('run_start');
    expect(types.filter((type) => type === 'batch_start')).toHaveLength(3);
    expect(types).toContain('target_met');
    expect(types.at(-1)).toBe('run_complete');
    expect(readFileSync(metricsPath, 'utf8')).toMatch(
      /^pmp_extractor_published_coverage_ratio\{account="x"\} 1$/m,
    );

    const status = capture(['--status', '--json'], { PMP_DB_PATH: dbPath }, dir);
    expect(await runCli(status.io, simulatorFactory)).toBe(0);
    const report = JSON.parse(status.stdout()) as Record<string, unknown>;
    expect(report).toMatchObject({
      snapshot_status: 'success',
      systems_extracted: 130,
      total_pages: 6,
      target_met: true,
    });

    const text = capture(['--status'], { PMP_DB_PATH: dbPath }, dir);
    expect(await runCli(text.io, simulatorFactory)).toBe(0);
    expect(text.stdout()).toContain('130 of 130');

    const again = capture([], simEnv(sim, dbPath), dir);
    expect(await runCli(again.io, simulatorFactory)).toBe(0);
    expect(eventTypes(again.stdout())).toContain('target_met');
  });

  it('exits 1 with a message naming the variable on invalid configuration', async () => {
    const dir = tempDir('pmp-cli-');
    const run = capture([], { PMP_BATCH_PAGES: 'lots', PMP_DB_PATH: join(dir, 'x.db') }, dir);
    expect(await runCli(run.io, simulatorFactory)).toBe(1);
    expect(run.stderr()).toContain('PMP_BATCH_PAGES');
    expect(eventTypes(run.stdout())).toEqual(['extraction_failed']);
  });

  it('exits 1 without credentials, explains the three ways to give them, and records the exit code', async () => {
    const dir = tempDir('pmp-cli-');
    const metricsPath = join(dir, 'm.prom');
    const run = capture(['--metrics-file', metricsPath], { PMP_DB_PATH: join(dir, 'x.db') }, dir);
    expect(await runCli(run.io, simulatorFactory)).toBe(1);
    expect(run.stderr()).toMatch(/PMP_CLIENT_ID|PMP_CREDENTIALS_FILE|PMP_TOKEN_COMMAND/);
    expect(readFileSync(metricsPath, 'utf8')).toMatch(/^pmp_extractor_last_run_exit_code\{account="x"\} 1$/m);
  });

  it('exits 1 for a database that does not exist, without creating one', async () => {
    const dir = tempDir('pmp-cli-');
    const run = capture(['--status'], { PMP_DB_PATH: join(dir, 'none.db') }, dir);
    expect(await runCli(run.io, simulatorFactory)).toBe(1);
    expect(run.stderr()).toContain(`no database at ${join(dir, 'none.db')}`);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
  });

  it('reports a database without extractor tables as nothing extracted yet (exit 0)', async () => {
    const dir = tempDir('pmp-cli-');
    const path = join(dir, 'other.db');
    new Database(path).exec('CREATE TABLE unrelated (x)').close();
    const run = capture(['--status'], { PMP_DB_PATH: path }, dir);
    expect(await runCli(run.io, simulatorFactory)).toBe(0);
    expect(run.stdout()).toContain('no extraction has run yet');
  });

  it('stops on abort with exit 3 and saves what it has', async () => {
    const dir = tempDir('pmp-cli-');
    const sim = await startSim({ profile: 'clean', settings: { systems: 500, latencyMs: [20, 20] } });
    const run = capture(['--batch-pages', '100'], simEnv(sim, join(dir, 'x.db')), dir);
    setTimeout(() => {
      run.controller.abort(new Error('received SIGTERM'));
    }, 150);
    expect(await runCli(run.io, simulatorFactory)).toBe(3);
    const deferred = run
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"run_deferred"'));
    expect(deferred[0]).toContain('"reason":"interrupted"');
  });

  it('runs the demo end to end and prints the status table', async () => {
    const dir = tempDir('pmp-cli-');
    const run = capture(['demo', '--profile', 'clean'], {}, dir);
    expect(await runCli(run.io, simulatorFactory)).toBe(0);
    expect(run.stdout()).toContain('3,362 of 3,362');
    expect(run.stdout()).toContain('Exit code 0');
  });

  it('serves the simulator until the signal', async () => {
    const dir = tempDir('pmp-cli-');
    const run = capture(['simulate', '--profile', 'clean'], {}, dir);
    const done = runCli(run.io, simulatorFactory);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const url = run.stdout().split('\n')[0] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const stats = (await (await fetch(`${url}/__sim/stats`)).json()) as { groundTruthIds: string[] };
    expect(stats.groundTruthIds).toHaveLength(3362);
    run.controller.abort(new Error('received SIGINT'));
    expect(await done).toBe(0);
  });

  it('rejects a bad simulate port and unknown flags', async () => {
    const dir = tempDir('pmp-cli-');
    const bad = capture(['simulate', '--port', 'x'], {}, dir);
    expect(await runCli(bad.io, simulatorFactory)).toBe(1);
    const unknown = capture(['--nope'], {}, dir);
    expect(await runCli(unknown.io, simulatorFactory)).toBe(1);
    const help = capture(['--help'], {}, dir);
    expect(await runCli(help.io, simulatorFactory)).toBe(0);
  });
});

describe('an extraction whose event loop drains (D55)', () => {
  it('registers last words that log a CRITICAL extraction_failed and run_complete with exit 1', async () => {
    const dir = tempDir('pmp-cli-drain-');
    const run = capture([], simEnv(await startSim({ profile: 'clean' }), join(dir, 'x.db')), dir);
    const registered: { lastWords: (() => void) | null } = { lastWords: null };
    // A request that never settles: the run waits on it forever, as when a body read stays pending.
    run.io.http = { request: () => new Promise<never>(() => undefined), close: () => undefined };
    run.io.drainGuard = {
      setLastWords: (report) => {
        registered.lastWords = report;
      },
    };
    void runCli(run.io, simulatorFactory);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(registered.lastWords).not.toBeNull();
    registered.lastWords?.();
    const events = run
      .stdout()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.slice(-2)).toMatchObject([
      { event_type: 'extraction_failed', level: 'CRITICAL', error_type: 'internal_error', exit_code: 1 },
      { event_type: 'run_complete', exit_code: 1, outcome: 'failed' },
    ]);
  });
});

describe('raw <resource_id> (D70)', () => {
  it('prints the stored record exactly as the simulator sent it; an unknown id exits 1', async () => {
    const dir = tempDir('pmp-cli-raw-');
    const sim = await startSim({ profile: 'clean', settings: { systems: 30 } });
    const dbPath = join(dir, 'x.db');
    expect(await runCli(capture(['--until-complete'], simEnv(sim, dbPath), dir).io, simulatorFactory)).toBe(
      0,
    );
    const id = sim.stats().groundTruthIds[3] ?? '';
    const raw = capture(['raw', id], { PMP_DB_PATH: dbPath }, dir);
    expect(await runCli(raw.io, simulatorFactory)).toBe(0);
    const record = raw.stdout().replace(/\n$/, '');
    expect(record).toMatch(/^\{.*\}$/s);
    expect(record).toContain(`"resource_id":${id}`);
    expect(rawRecords(dbPath).find((row) => row.resource_id === id)?.raw_json).toBe(record);
    const missing = capture(['raw', '1'], { PMP_DB_PATH: dbPath }, dir);
    expect(await runCli(missing.io, simulatorFactory)).toBe(1);
    expect(missing.stderr()).toMatch(/no stored record for resource_id 1/);
  });
});
