/**
 * Issue 12, end to end: the built CLI in a hostile environment. Plain http to a host that only looks
 * like loopback (D26); a newer-schema (D28), a damaged (D29) and a busy (D30) database; token commands
 * that hang with children (D32) or print a huge word (D31); the hook's environment (D3). Each case gives
 * its documented exit code and message and leaves committed data as it was.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { damageTable, withDb } from '../support/db.ts';
import { eventsOf, runCli, type CliResult } from '../support/run-cli.ts';
import { clientEnv, pageRequests, removeTempDirs, runDirs, withoutTrio } from '../support/recording-proxy.ts';

const SYSTEMS = 200;
let sim: Simulator;
/** A database the tool itself wrote: one complete snapshot of SYSTEMS systems. */
let madeDb: string;

beforeAll(async () => {
  sim = await createSimulator({ profile: 'clean', seed: 12, settings: { systems: SYSTEMS } });
  const dirs = runDirs();
  const made = await runCli(['--until-complete'], clientEnv(sim, dirs));
  expect(made.code, made.stderr).toBe(0);
  madeDb = dirs.dbPath;
}, 60_000);

afterAll(async () => {
  await sim.close();
  removeTempDirs();
});

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const systemCount = (dbPath: string): number =>
  withDb(dbPath, (db) => (db.prepare('SELECT COUNT(*) AS n FROM systems').get() as { n: number }).n);

/** A private copy of the tool-made database, with its own HOME. */
function copyOfMadeDb(): { home: string; dbPath: string } {
  const dirs = runDirs();
  copyFileSync(madeDb, dirs.dbPath);
  return dirs;
}

function expectFatal(result: CliResult, ...texts: string[]): void {
  expect(result.code, result.stderr).toBe(1);
  for (const text of texts) expect(result.stderr).toContain(text);
}

describe('plain http to a host that only looks like loopback (D26)', () => {
  it.each(['http://127.attacker.example', 'http://127.0.0.1.nip.io'])('%s is refused', async (url) => {
    const dirs = runDirs();
    const result = await runCli([], clientEnv(sim, dirs, { PMP_SERVER_URL: url }));
    expectFatal(result, 'PMP_SERVER_URL must be an https:// URL');
  });
});

describe('a database written by a newer pmp-extractor (D28)', () => {
  it('is refused by an extraction and by --status, and the file is not modified', async () => {
    const dirs = copyOfMadeDb();
    const db = new Database(dirs.dbPath);
    db.prepare('INSERT INTO schema_version (version, description) VALUES (999, ?)').run('from the future');
    db.close();
    const before = sha(dirs.dbPath);
    const env = clientEnv(sim, dirs);
    const extraction = await runCli([], env);
    expectFatal(
      extraction,
      dirs.dbPath,
      'schema_version 999',
      'upgrade pmp-extractor or use another PMP_DB_PATH',
    );
    expect(eventsOf(extraction, 'extraction_failed')[0]).toMatchObject({ error_type: 'database_error' });
    const status = await runCli(['--status'], env);
    expectFatal(
      status,
      dirs.dbPath,
      'schema_version 999',
      'upgrade pmp-extractor or use another PMP_DB_PATH',
    );
    expect(sha(dirs.dbPath)).toBe(before);
  });
});

describe('a damaged database file (D29)', () => {
  it('is refused with the path and the fix, by an extraction and by --status', async () => {
    const dirs = copyOfMadeDb();
    const pageSize = 4096;
    const pages = readFileSync(dirs.dbPath).length / pageSize;
    // Garbage over the cells of a late b-tree page; page 1 (the schema) stays readable.
    const fd = openSync(dirs.dbPath, 'r+');
    writeSync(fd, Buffer.alloc(2048, 0xa5), 0, 2048, (pages - 3) * pageSize + 8);
    closeSync(fd);
    const before = sha(dirs.dbPath);
    const env = clientEnv(sim, dirs);
    for (const args of [[], ['--status']]) {
      const result = await runCli(args, env);
      expectFatal(result, dirs.dbPath, 'quick_check', 'restore it from a backup or move the file aside');
    }
    expect(sha(dirs.dbPath)).toBe(before);
  });

  it('a healthy file passes the check and keeps its committed data', async () => {
    const dirs = copyOfMadeDb();
    const result = await runCli([], clientEnv(sim, dirs));
    expect(result.code, result.stderr).toBe(0);
    expect(eventsOf(result, 'run_complete')[0]).toMatchObject({ outcome: 'already_complete' });
    expect(systemCount(dirs.dbPath)).toBe(SYSTEMS);
  });
});

describe('damaged published history (D142)', () => {
  it('a batch of the pass in progress goes on; the batch that would publish refuses, nothing published', async () => {
    const dirs = copyOfMadeDb();
    // A new pass over the healthy file: 8 pages of 25, 3 per run.
    const env = clientEnv(sim, dirs, { PMP_BATCH_PAGES: '3' });
    const started = await runCli(['--reset'], env);
    expect(started.code, started.stderr).toBe(0);
    damageTable(dirs.dbPath, 'systems');
    // The next batch checks only the tables it uses: it reads pages 4 to 6.
    const middle = await runCli([], env);
    expect(middle.code, middle.stderr).toBe(0);
    expect(eventsOf(middle, 'batch_complete')[0]).toMatchObject({ last_page: 6 });
    // The batch that would publish checks systems first and stops.
    const before = sha(dirs.dbPath);
    const last = await runCli([], env);
    expectFatal(last, dirs.dbPath, 'quick_check', 'restore it from a backup or move the file aside');
    expect(eventsOf(last, 'inventory_changes')).toHaveLength(0);
    expect(sha(dirs.dbPath)).not.toBe(before); // its pages were committed before the check
    // What was published before stays what readers see: the pass in progress is not published.
    const statuses = withDb(dirs.dbPath, (db) =>
      db.prepare('SELECT status FROM snapshots ORDER BY snapshot_id').pluck().all(),
    );
    expect(statuses).toEqual(['success', 'partial']);
  });

  it('a run that finds the pass complete checks the history and refuses, the file unchanged', async () => {
    const dirs = copyOfMadeDb();
    damageTable(dirs.dbPath, 'systems');
    const before = sha(dirs.dbPath);
    const result = await runCli([], clientEnv(sim, dirs));
    expectFatal(result, dirs.dbPath, 'quick_check');
    expect(eventsOf(result, 'target_met')).toHaveLength(0);
    expect(sha(dirs.dbPath)).toBe(before);
  });
});

describe('a dashboard holding a write lock past the busy timeout (D30)', () => {
  it('defers: exit 3, run_deferred database_busy, nothing lost', async () => {
    const dirs = copyOfMadeDb();
    const dashboard = new Database(dirs.dbPath);
    dashboard.exec('BEGIN IMMEDIATE');
    let result: CliResult;
    try {
      result = await runCli([], clientEnv(sim, dirs));
    } finally {
      dashboard.exec('ROLLBACK');
      dashboard.close();
    }
    expect(result.code, result.stderr).toBe(3);
    expect(eventsOf(result, 'run_deferred')[0]).toMatchObject({ reason: 'database_busy' });
    expect(eventsOf(result, 'extraction_failed')).toEqual([]);
    expect(result.stderr).toContain('the next run continues');
    expect(systemCount(dirs.dbPath)).toBe(SYSTEMS);
  }, 30_000);
});

describe('token commands', () => {
  it('a timed-out token command is killed with its children (D32)', async () => {
    const dirs = runDirs();
    const pidFile = join(dirs.home, 'children.pid');
    const command = `sh -c 'sleep 30 & echo $! >> "${pidFile}"; sleep 30 & echo $! >> "${pidFile}"; wait'`;
    const env = {
      ...withoutTrio(clientEnv(sim, dirs)),
      PMP_TOKEN_COMMAND: command,
      PMP_TOKEN_COMMAND_TIMEOUT_MS: '500',
    };
    const result = await runCli([], env);
    expectFatal(result, 'PMP_TOKEN_COMMAND timed out');
    const pids = readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number);
    expect(pids).toHaveLength(2);
    expect(await survivors(pids, 2000)).toEqual([]);
  });

  it('a huge single-word token is refused, not cut down and used (D31)', async () => {
    const dirs = runDirs();
    const env = {
      ...withoutTrio(clientEnv(sim, dirs)),
      PMP_TOKEN_COMMAND: `head -c 100000 /dev/zero | tr '\\0' t`,
    };
    const pagesBefore = pageRequests(sim.stats().requests).length;
    const result = await runCli([], env);
    expectFatal(result, 'PMP_TOKEN_COMMAND printed an access token of', 'at most 4096');
    expect(result.stdout + result.stderr).not.toContain('tttttttttttttttt');
    expect(pageRequests(sim.stats().requests)).toHaveLength(pagesBefore); // no page was asked for
  });

  it('PMP_TOKEN_COMMAND never reaches the hook environment (D3)', async () => {
    const dirs = runDirs();
    const envFile = join(dirs.home, 'hook.env');
    const script = join(dirs.home, 'mint-token.mjs');
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
      refresh_token: sim.credentials.refreshToken,
    }).toString();
    writeFileSync(
      script,
      `const answer = await fetch(${JSON.stringify(`${sim.url}/oauth/v2/token`)}, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: ${JSON.stringify(form)},
});
process.stdout.write(await answer.text());
`,
    );
    const env = {
      ...withoutTrio(clientEnv(sim, dirs)),
      PMP_TOKEN_COMMAND: `"${process.execPath}" "${script}"`,
      POST_EXTRACTION_HOOK: `env > '${envFile}'`,
    };
    const result = await runCli(['--batch-pages', '2'], env);
    expect(result.code, result.stderr).toBe(0);
    const hookEnv = readFileSync(envFile, 'utf8');
    expect(hookEnv).toContain('PMP_EXIT_CODE=0');
    expect(hookEnv).not.toContain('PMP_TOKEN_COMMAND');
    expect(hookEnv).not.toContain(script);
  });
});

/** Pids still running (zombies awaiting their reaper count as gone) after up to `withinMs`. */
async function survivors(pids: readonly number[], withinMs: number): Promise<number[]> {
  const running = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  const deadline = Date.now() + withinMs;
  for (;;) {
    const alive = pids.filter(running);
    if (alive.length === 0 || Date.now() > deadline) {
      for (const pid of alive) process.kill(pid, 'SIGKILL');
      return alive;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
