/**
 * `pmp-extractor check` and `demo --db` end to end against the built CLI: the check takes one token,
 * reads one record and writes no snapshot; wrong credentials fail with the fix and exit 1. The demo
 * extracts into the database `--db` names and hints at `--status --db` with that path.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { withDb } from '../support/db.ts';
import { fastEnv, runCliText } from '../support/run-cli.ts';
import { removeTempDir, tempDir } from '../support/temp-dir.ts';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await createSimulator({ profile: 'clean', settings: { systems: 80 } });
  dir = tempDir('pmp-check-');
});

afterAll(async () => {
  await sim.close();
  removeTempDir(dir);
});

function count(dbPath: string, table: string): number {
  return withDb(dbPath, (db) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number);
}

describe('pmp-extractor check', () => {
  it('verifies the server, the token and one record, and writes no snapshot', async () => {
    const dbPath = join(dir, 'check.db');
    const run = await runCliText(['check', '--db', dbPath], {
      ...fastEnv(sim.url, sim.credentials),
      HOME: dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pmp-extractor check: OK');
    expect(run.stdout).toContain(`server     ${sim.url}`);
    expect(run.stdout).toMatch(/token +from the refresh token, valid \d+ s/);
    expect(run.stdout).toContain('80 reported by the API');
    expect(run.stdout).toContain('under message_response.scandetails');
    expect(run.stdout).toContain('1 echoed for pagelimit=1');
    expect(count(dbPath, 'snapshots')).toBe(0);
    expect(count(dbPath, 'systems')).toBe(0);
    expect(count(dbPath, 'extraction_checkpoints')).toBe(0);
    expect(count(dbPath, 'token_requests')).toBe(1);
    const stats = sim.stats();
    expect(stats.requests.filter((request) => request.page !== null).map((request) => request.page)).toEqual([
      1,
    ]);
    expect(stats.tokenRequests).toHaveLength(1);
  });

  it('with a wrong client secret fails with the fix and exit 1', async () => {
    const dbPath = join(dir, 'wrong.db');
    const env = { ...fastEnv(sim.url, sim.credentials), HOME: dir, PMP_CLIENT_SECRET: 'not-the-secret' };
    const run = await runCliText(['check', '--db', dbPath], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('invalid_client');
    expect(run.stderr).toContain('PMP_CLIENT_SECRET');
    expect(run.stderr).not.toContain('not-the-secret');
    expect(count(dbPath, 'snapshots')).toBe(0);
  });

  it('without credentials fails with exit 1 and names the ways to give them', async () => {
    const run = await runCliText(['check', '--db', join(dir, 'none.db')], {
      HOME: dir,
      PMP_SERVER_URL: sim.url,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/PMP_CLIENT_ID|PMP_CREDENTIALS_FILE|PMP_TOKEN_COMMAND/);
  });
});

describe('pmp-extractor demo --db', () => {
  it('extracts into the named database and hints at --status --db with its path', async () => {
    const dbPath = join(dir, 'my demo.db');
    const logFile = join(dir, 'demo.log');
    const run = await runCliText(['demo', '--profile', 'clean', '--db', dbPath, '--log-file', logFile], {
      HOME: dir,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`database ${dbPath}`);
    expect(run.stdout).toContain(`pmp-extractor --status --db '${dbPath}'`);
    expect(count(dbPath, 'systems')).toBeGreaterThan(0);
    const status = await runCliText(['--status', '--db', dbPath], { HOME: dir });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/snapshot +#1 \(success\)/);
  }, 120_000);
});
