/**
 * Issue 12's crash matrix: kill -9 at five phases of a run, each reached deterministically.
 * - after a response: on the `extraction_progress` line of page 7;
 * - inside the commit window: the test holds the database's write lock from page 9 on, so the
 *   page-10 commit waits in SQLite's busy handler, and the run is killed there;
 * - at a token request: a token command that records its process group, then waits;
 * - inside a gap sweep: page 5 fails its 2 attempts (a gap), and its sweep re-read stalls;
 * - during the hook: a hook that records its process group, then waits.
 * After each kill, and after the resume (--until-complete), the database passes `integrity_check`,
 * its checkpoint is never ahead of the data (every page up to `last_page` has its systems or a gap
 * row), the resume re-fetches at most 10 of the pages the killed run had read past its checkpoint
 * (D6), and the converged snapshot holds exactly the simulator's ids.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type SimulatorOptions, type Simulator } from '../../src/simulator/index.ts';
import { storedSystems, withDb } from '../support/db.ts';
import { isRunning, runningInGroup, waitForFile } from '../support/processes.ts';
import { CLI_PATH, runCli, tempDir } from '../support/run-cli.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';
/** PMP_PAGE_SIZE's default (records per page). */
const PAGE_SIZE = 25;
/** 20 pages: two commits of 10 (D6) in a pass. */
const SYSTEMS = 500;
const PHASE_TIMEOUT_MS = 15_000;

const sims: Simulator[] = [];
const groups: number[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
  for (const pgid of groups.splice(0)) {
    for (const pid of runningInGroup(pgid)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
});

interface Setup {
  sim: Simulator;
  dir: string;
  dbPath: string;
  env: (extra?: Record<string, string>) => Record<string, string>;
  tokenCommand: string;
}

async function setup(settings: SimulatorOptions['settings'] = {}): Promise<Setup> {
  const sim = await createSimulator({
    profile: 'clean',
    seed: 12,
    // Many runs in seconds: tokens come from a command, against a simulator with a high limit.
    settings: {
      systems: SYSTEMS,
      latencyMs: [3, 3],
      maxTokenRequestsPerWindow: 1000,
      maxLiveTokens: 1000,
      ...settings,
    },
  });
  sims.push(sim);
  const dir = tempDir('pmp-e2e-crash-');
  const dbPath = join(dir, 'pmp.db');
  const grant = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: sim.credentials.clientId,
    client_secret: sim.credentials.clientSecret,
    refresh_token: sim.credentials.refreshToken,
  });
  const tokenCommand = `curl -s -X POST '${sim.url}/oauth/v2/token?${grant.toString()}'`;
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    PMP_SERVER_URL: sim.url,
    PMP_ACCOUNTS_URL: sim.url,
    PMP_TOKEN_COMMAND: tokenCommand,
    PMP_DB_PATH: dbPath,
    PMP_BATCH_PAGES: '1000',
    PMP_PAGE_DELAY_MS: '0',
    PMP_BACKOFF_BASE_MS: '10',
    PMP_REQUEST_TIMEOUT_MS: '10000',
    PMP_MAX_ATTEMPTS: '2',
    ...extra,
  });
  return { sim, dir, dbPath, env, tokenCommand };
}

/** scandetails pages requested since log entry `from`. */
function pagesSince(sim: Simulator, from: number): number[] {
  return sim
    .stats()
    .requests.slice(from)
    .filter((entry) => entry.path === SCANDETAILS)
    .map((entry) => entry.page ?? -1);
}

interface Killed {
  /** scandetails pages the killed run requested. */
  pages: number[];
  signal: NodeJS.Signals | null;
}

/**
 * Starts the CLI and SIGKILLs it once `phase` resolves. `phase` gets each stdout event as it arrives
 * (a watcher that only polls can ignore it) and resolves when the run is where the kill must land.
 */
async function killAt(
  s: Setup,
  env: Record<string, string>,
  phase: (events: AsyncIterable<Record<string, unknown>>) => Promise<void>,
): Promise<Killed> {
  const from = s.sim.stats().requests.length;
  const child = spawn(process.execPath, [CLI_PATH], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => {
    child.on('close', (_code, signal) => {
      resolve(signal);
    });
  });
  const queue: Record<string, unknown>[] = [];
  let wake: (() => void) | null = null;
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines)
      if (line.startsWith('{')) queue.push(JSON.parse(line) as Record<string, unknown>);
    wake?.();
  });
  child.stderr.resume();
  const events = async function* (): AsyncGenerator<Record<string, unknown>> {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error('the phase was not reached in time'));
    }, PHASE_TIMEOUT_MS);
  });
  try {
    await Promise.race([
      phase(events()),
      timeout,
      exited.then(() => Promise.reject(new Error('the run ended first'))),
    ]);
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
  const signal = await exited;
  return { pages: pagesSince(s.sim, from), signal };
}

async function eventSeen(
  events: AsyncIterable<Record<string, unknown>>,
  match: (event: Record<string, unknown>) => boolean,
): Promise<void> {
  for await (const event of events) if (match(event)) return;
}

const progressOf = (page: number) => (event: Record<string, unknown>) =>
  event['event_type'] === 'extraction_progress' && event['page'] === page;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** The newest checkpoint's last page (0 before any) and its snapshot; read-only, so the resume recovers the WAL. */
function checkpointOf(dbPath: string): { snapshotId: number | null; lastPage: number } {
  return withDb(dbPath, (db) => {
    const row = db
      .prepare('SELECT snapshot_id, last_page FROM extraction_checkpoints ORDER BY snapshot_id DESC LIMIT 1')
      .get() as { snapshot_id: number; last_page: number } | undefined;
    return { snapshotId: row?.snapshot_id ?? null, lastPage: row?.last_page ?? 0 };
  });
}

/** Integrity, and a checkpoint never ahead of the data: each page ≤ last_page has its systems or a gap row. */
function expectConsistent(s: Setup): number {
  const truth = s.sim.groundTruthIds();
  const { snapshotId, lastPage } = checkpointOf(s.dbPath);
  withDb(s.dbPath, (db) => {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set(
      db
        .prepare(storedSystems('resource_id', 'snapshot_id = ?'))
        .pluck()
        .all(snapshotId, snapshotId) as string[],
    );
    const gaps = new Set(
      db
        .prepare('SELECT page_num FROM extraction_gaps WHERE snapshot_id = ?')
        .pluck()
        .all(snapshotId) as number[],
    );
    const behind: number[] = [];
    for (let page = 1; page <= lastPage; page += 1) {
      const ids = truth.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
      if (!gaps.has(page) && !ids.every((id) => stored.has(id))) behind.push(page);
    }
    expect(behind, `pages at or below last_page ${lastPage} without their systems or a gap row`).toEqual([]);
  });
  return lastPage;
}

/**
 * After a kill: the state is consistent; the resume converges (exit 0), re-fetches at most 10 of the
 * pages the killed run read past its checkpoint, and the snapshot holds exactly the simulator's ids.
 */
async function expectResumeConverges(
  s: Setup,
  killed: Killed,
  extra: Record<string, string> = {},
): Promise<number> {
  expect(killed.signal).toBe('SIGKILL');
  const committed = expectConsistent(s);
  const from = s.sim.stats().requests.length;
  const resumed = await runCli(['--until-complete'], s.env(extra));
  expect(resumed.code, resumed.stderr).toBe(0);
  const readBeyond = new Set(killed.pages.filter((page) => page > committed));
  const lost = new Set(pagesSince(s.sim, from).filter((page) => readBeyond.has(page)));
  expect(lost.size).toBeLessThanOrEqual(10);
  expectConsistent(s);
  withDb(s.dbPath, (db) => {
    const snapshot = db
      .prepare('SELECT snapshot_id, status FROM snapshots ORDER BY snapshot_id DESC LIMIT 1')
      .get() as { snapshot_id: number; status: string };
    expect(snapshot.status).toBe('success');
    const ids = db
      .prepare('SELECT resource_id FROM systems WHERE snapshot_id = ?')
      .pluck()
      .all(snapshot.snapshot_id) as string[];
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.sort()).toEqual(s.sim.groundTruthIds().sort());
  });
  return lost.size;
}

describe('crash matrix: kill -9 at each phase, then resume', () => {
  it('after a response', async () => {
    const s = await setup();
    const killed = await killAt(s, s.env(), (events) => eventSeen(events, progressOf(7)));
    expect(checkpointOf(s.dbPath).lastPage).toBe(0);
    expect(await expectResumeConverges(s, killed)).toBeGreaterThan(0);
  });

  it('inside the commit window', async () => {
    const s = await setup();
    const writer: { db: Database.Database | null } = { db: null };
    const killed = await killAt(s, s.env(), async (events) => {
      await eventSeen(events, progressOf(9));
      // A writer holds the lock: the page-10 commit (D6) waits in the busy handler, mid-commit.
      const lock = new Database(s.dbPath);
      writer.db = lock;
      lock.exec('BEGIN IMMEDIATE');
      const from = s.sim.stats().requests.length;
      await until(() => pagesSince(s.sim, from).includes(10));
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    writer.db?.exec('ROLLBACK');
    writer.db?.close();
    expect(killed.pages).toContain(10);
    expect(checkpointOf(s.dbPath).lastPage).toBe(0);
    expect(await expectResumeConverges(s, killed)).toBe(10);
  });

  it('at a token request', async () => {
    const s = await setup();
    const first = await runCli([], s.env({ PMP_BATCH_PAGES: '12' }));
    expect(first.code, first.stderr).toBe(0);
    const marker = join(s.dir, 'token.pgid');
    const slowToken = `echo $$ > '${marker}'; sleep 20; ${s.tokenCommand}`;
    const killed = await killAt(s, s.env({ PMP_TOKEN_COMMAND: slowToken }), async () => {
      groups.push(Number(await waitForFile(marker, PHASE_TIMEOUT_MS)));
    });
    expect(killed.pages).toEqual([]);
    expect(checkpointOf(s.dbPath).lastPage).toBe(12);
    expect(await expectResumeConverges(s, killed)).toBe(0);
  });

  it('inside a gap sweep', async () => {
    const s = await setup({
      pageScripts: {
        5: [
          { kind: 'status', status: 500 },
          { kind: 'status', status: 500 },
          { kind: 'slow_first_byte', delayMs: 8000 },
        ],
      },
    });
    const from = s.sim.stats().requests.length;
    const killed = await killAt(s, s.env({ PMP_TARGET_PCT: '100' }), async () => {
      // Page 5's third request is the sweep's re-read of its gap, after the pass's last page.
      await until(() => pagesSince(s.sim, from).filter((page) => page === 5).length === 3);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const order = killed.pages;
    expect(order.lastIndexOf(5)).toBeGreaterThan(order.indexOf(20));
    expect(await expectResumeConverges(s, killed, { PMP_TARGET_PCT: '100' })).toBeLessThanOrEqual(1);
  });

  it('during the hook', async () => {
    const s = await setup();
    const marker = join(s.dir, 'hook.pgid');
    const hook = `echo $$ > '${marker}'; sleep 20`;
    const killed = await killAt(s, s.env({ POST_EXTRACTION_HOOK: hook }), async () => {
      groups.push(Number(await waitForFile(marker, PHASE_TIMEOUT_MS)));
    });
    expect(checkpointOf(s.dbPath).lastPage).toBe(SYSTEMS / PAGE_SIZE);
    expect(await expectResumeConverges(s, killed)).toBe(0);
  });
});
