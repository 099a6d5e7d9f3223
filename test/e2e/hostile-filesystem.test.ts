/**
 * Issue 12, end to end (D63): the built CLI on hostile filesystems and with hostile token commands,
 * beside test/e2e/hostile-environment.test.ts. A read-only folder and a full disk for the database
 * (small tmpfs mounts: skipped, with the reason printed, where mount is not permitted); a dashboard
 * holding a read transaction (WAL lets the run proceed); token commands that fail, print garbage or a
 * huge output. Each gives its documented exit code and message and loses no committed data.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { withDb } from '../support/db.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import {
  clientEnv,
  pageRequests,
  removeTempDirs,
  runDirs,
  scratchDir,
  withoutTrio,
} from '../support/recording-proxy.ts';

const SYSTEMS = 200; // 8 pages of 25
let sim: Simulator;
/** A partial snapshot: the first 2 pages (50 systems) committed, 6 pages to go. */
let partialDb: string;
const mounts: string[] = [];

beforeAll(async () => {
  sim = await createSimulator({ profile: 'clean', seed: 63, settings: { systems: SYSTEMS } });
  const dirs = runDirs();
  const made = await runCli(['--batch-pages', '2'], clientEnv(sim, dirs));
  expect(made.code, made.stderr).toBe(0);
  partialDb = dirs.dbPath;
}, 60_000);

afterAll(async () => {
  for (const dir of mounts.splice(0)) spawnSync('umount', ['-l', dir]);
  await sim.close();
  removeTempDirs();
});

/** Mounts a tmpfs of `sizeKb` on a fresh folder; null (and the reason printed) where that is refused. */
function tmpfs(sizeKb: number): string | null {
  const dir = scratchDir('pmp-tmpfs-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) {
    console.warn(
      `skipped: cannot mount a tmpfs (${(mounted.stderr || mounted.error?.message) ?? 'refused'})`,
    );
    return null;
  }
  mounts.push(dir);
  return dir;
}

const committed = (dbPath: string): string[] =>
  withDb(
    dbPath,
    (db) => db.prepare('SELECT resource_id FROM systems ORDER BY resource_id').pluck().all() as string[],
  );
const intact = (dbPath: string): string =>
  withDb(dbPath, (db) => db.prepare('PRAGMA quick_check').pluck().get() as string);

function expectExit(result: CliResult, code: number, ...texts: string[]): void {
  expect(result.code, result.stderr).toBe(code);
  for (const text of texts) expect(result.stderr).toContain(text);
}

describe('a read-only folder for the database', () => {
  it('refuses with exit 1 and the path, and the committed rows stay as they were', async (context) => {
    const dir = tmpfs(4096);
    if (dir === null) {
      context.skip();
      return;
    }
    const dbPath = join(dir, 'pmp.db');
    copyFileSync(partialDb, dbPath);
    const before = committed(dbPath);
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    const result = await runCli([], { ...clientEnv(sim, { home: scratchDir(), dbPath }) });
    expectExit(result, 1, dbPath);
    expect(committed(dbPath)).toEqual(before);
  });
});

describe('a full disk for the database', () => {
  // 0 KB left: the run lock cannot be written; 8 KB: the lock fits, the WAL does not; 40 KB: a few
  // WAL frames fit, the first 10-page commit does not.
  it.for([0, 8, 40])(
    '%i KB free: exit 1, ENOSPC said, every committed row intact',
    async (freeKb, context) => {
      const dir = tmpfs(16 * 1024); // room for the whole pass and its WAL, once the filler is gone
      if (dir === null) {
        context.skip();
        return;
      }
      const dbPath = join(dir, 'pmp.db');
      copyFileSync(partialDb, dbPath);
      const before = committed(dbPath);
      const filler = join(dir, 'filler');
      spawnSync('sh', ['-c', `dd if=/dev/zero of='${filler}' bs=4k 2>/dev/null; true`]);
      truncateSync(filler, Math.max(0, statSync(filler).size - freeKb * 1024));
      const result = await runCli([], { ...clientEnv(sim, { home: scratchDir(), dbPath }) });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/ENOSPC|full|disk/i);
      rmSync(filler);
      expect(intact(dbPath)).toBe('ok');
      expect(committed(dbPath)).toEqual(expect.arrayContaining(before));
      // With room again, the next run continues the same pass to the end.
      const next = await runCli(['--until-complete'], { ...clientEnv(sim, { home: scratchDir(), dbPath }) });
      expect(next.code, next.stderr).toBe(0);
      expect(committed(dbPath)).toHaveLength(SYSTEMS);
    },
  );
});

describe('a dashboard holding a read transaction', () => {
  it('does not block the run (WAL): exit 0, the pass completes, the reader keeps its view', async () => {
    const dirs = runDirs();
    copyFileSync(partialDb, dirs.dbPath);
    const dashboard = new Database(dirs.dbPath, { readonly: true });
    dashboard.exec('BEGIN');
    const count = (): number => dashboard.prepare('SELECT COUNT(*) FROM systems').pluck().get() as number;
    const seen = count();
    let result: CliResult;
    try {
      result = await runCli(['--until-complete'], clientEnv(sim, dirs));
      expect(count()).toBe(seen); // its snapshot of the file did not move under it
    } finally {
      dashboard.exec('COMMIT');
      dashboard.close();
    }
    expect(result.code, result.stderr).toBe(0);
    expect(committed(dirs.dbPath)).toHaveLength(SYSTEMS);
  });
});

describe('token commands that fail or print garbage', () => {
  const secretOutput = 'SECRET-LOOKING-OUTPUT-1234';
  it.each([
    ['fails', `echo ${secretOutput}; exit 7`, 'PMP_TOKEN_COMMAND exited with code 7'],
    [
      'prints garbage',
      `printf '%s\\n' '${secretOutput} and more words'`,
      'PMP_TOKEN_COMMAND printed more than one word',
    ],
    [
      'prints malformed JSON',
      `printf '{"access_token": ${secretOutput}'`,
      'PMP_TOKEN_COMMAND printed malformed JSON',
    ],
    ['prints a huge output', `yes '${secretOutput} x' | head -c 5000000`, 'PMP_TOKEN_COMMAND'],
    ['prints nothing', 'true', 'PMP_TOKEN_COMMAND printed nothing'],
  ])(
    'a command that %s stops the run with exit 1, its output unshown, no page asked',
    async (_name, command, text) => {
      const dirs = runDirs();
      copyFileSync(partialDb, dirs.dbPath);
      const before = committed(dirs.dbPath);
      const pagesBefore = pageRequests(sim.stats().requests).length;
      const result = await runCli([], { ...withoutTrio(clientEnv(sim, dirs)), PMP_TOKEN_COMMAND: command });
      expect(pageRequests(sim.stats().requests)).toHaveLength(pagesBefore);
      expectExit(result, 1, text);
      expect(result.stdout + result.stderr).not.toContain(secretOutput);
      expect(committed(dirs.dbPath)).toEqual(before);
    },
  );
});
