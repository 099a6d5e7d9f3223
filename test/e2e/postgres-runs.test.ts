/**
 * Runs against the real PostgreSQL server (D103, D104, D106): one run per account (a second
 * concurrent run of the same account exits 3 at once), accounts that share one database without
 * seeing or blocking each other, and a run whose lock connection drops stopping without writing.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { eventsOf, fastEnv, runCli, startCli, tempDir } from '../support/run-cli.ts';
import {
  NO_TEST_SERVER,
  SERVER_NOTE,
  serverFixtures,
  serverUrl,
  sql,
  storedIds,
  tablesIn,
  waitForLockFreed,
} from '../support/postgres.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';

const fixtures = serverFixtures();

async function simulator(seed: number, systems: number): Promise<Simulator> {
  return await fixtures.simulator(seed, { systems });
}

function pageRequests(sim: Simulator): number {
  return sim.stats().requests.filter((entry) => entry.path === SCANDETAILS).length;
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.skipIf(NO_TEST_SERVER)(`PostgreSQL run lock and accounts ${SERVER_NOTE}`, () => {
  it('two concurrent runs of one account: the second exits 3 at once, the first finishes', async () => {
    const sim = await simulator(31, 1000);
    const schema = fixtures.schema('lock');
    const env = {
      ...fastEnv(sim.url, sim.credentials),
      HOME: tempDir('pmp-e2e-pg-lock-'),
      PMP_DB_URL: serverUrl(),
      PMP_DB_SCHEMA: schema,
      PMP_BATCH_PAGES: '100',
      // 40 pages at 50 ms: the first run holds the lock for about two seconds.
      PMP_PAGE_DELAY_MS: '50',
    };
    const first = startCli([], env);
    await until(() => pageRequests(sim) >= 3);
    const second = await runCli([], env);
    const firstStillRunning = first.child.exitCode === null && first.child.signalCode === null;
    const holder = await first.done;

    expect(second.code).toBe(3);
    expect(firstStillRunning).toBe(true);
    const deferred = eventsOf(second, 'run_deferred');
    expect(deferred.map((event) => event['reason'])).toEqual(['lock_held']);
    expect(String(deferred[0]?.['message'])).toContain(`holds the run lock of schema ${schema}`);
    expect(eventsOf(second, 'batch_start')).toEqual([]);
    expect(holder.code, holder.stderr).toBe(0);
    expect(eventsOf(holder, 'target_met')).toEqual([expect.objectContaining({ systems_extracted: 1000 })]);
    // Released at the end: the next run gets the lock and finds the target met.
    const third = await runCli([], env);
    expect(third.code).toBe(0);
    expect(eventsOf(third, 'target_met')).toEqual([expect.objectContaining({ extracted_now: false })]);
  });

  it('two accounts in one database run at the same time, each converging in its own schema', async () => {
    const [simA, simB] = await Promise.all([simulator(21, 600), simulator(22, 400)]);
    const tag = randomBytes(4).toString('hex');
    // No PMP_DB_SCHEMA: each schema is its account's name (D104).
    const accounts = [`Acct-A-${tag}`, `acct-b-${tag}`];
    const expected = [`acct_a_${tag}`, `acct_b_${tag}`];
    fixtures.adopt(expected);
    const runs = await Promise.all(
      [simA, simB].map((sim, i) =>
        runCli([], {
          ...fastEnv(sim.url, sim.credentials),
          HOME: tempDir('pmp-e2e-pg-accounts-'),
          PMP_DB_URL: serverUrl(),
          PMP_ACCOUNT: accounts[i] ?? '',
          PMP_PAGE_DELAY_MS: '5',
        }),
      ),
    );
    for (const [i, run] of runs.entries()) {
      expect(run.code, run.stderr).toBe(0);
      expect(eventsOf(run, 'run_deferred')).toEqual([]);
      const starts = eventsOf(run, 'run_start');
      expect(starts.map((event) => event['account'])).toEqual([accounts[i]]);
      expect(String(starts[0]?.['db_path'])).toContain(`(schema ${expected[i] ?? ''})`);
    }
    const [truthA, truthB] = [simA.groundTruthIds(), simB.groundTruthIds()];
    expect(truthA.filter((id) => truthB.includes(id))).toEqual([]);
    const [storedA, storedB] = await Promise.all(expected.map((schema) => storedIds(schema, 1)));
    expect([...(storedA ?? [])].sort()).toEqual([...truthA].sort());
    expect([...(storedB ?? [])].sort()).toEqual([...truthB].sort());
    // Each schema has the full set of tables, and nothing of the other's.
    expect(await tablesIn(expected[0] ?? '')).toEqual(await tablesIn(expected[1] ?? ''));
    for (const schema of expected) {
      const snapshots = await sql<{ n: unknown }>(`SELECT count(*) AS n FROM "${schema}".snapshots`);
      expect(Number(snapshots[0]?.n)).toBe(1);
    }
  });

  it('a run whose lock connection drops stops without writing (exit 3), and the next run resumes', async () => {
    const sim = await simulator(41, 1000);
    const schema = fixtures.schema('lost');
    const env = {
      ...fastEnv(sim.url, sim.credentials),
      HOME: tempDir('pmp-e2e-pg-lost-'),
      PMP_DB_URL: serverUrl(),
      PMP_DB_SCHEMA: schema,
      PMP_BATCH_PAGES: '100',
      PMP_PAGE_DELAY_MS: '50',
    };
    const run = startCli([], env);
    await until(() => pageRequests(sim) >= 14);
    // The server ends the lock's session, as a restart, a failover or a DBA would.
    const ended = await sql<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
      [`pmp-extractor run lock (${schema})`],
    );
    expect(ended).toEqual([{ ok: true }]);
    const requestedAtLoss = pageRequests(sim);
    const lost = await run.done;

    expect(lost.code).toBe(3);
    expect(lost.stderr).toContain('run lock lost; stopping after the current page');
    const deferred = eventsOf(lost, 'run_deferred');
    expect(deferred.map((event) => event['reason'])).toEqual(['lock_held']);
    expect(String(deferred[0]?.['message'])).toContain('the run lock was lost');
    // At most the page in flight after the loss, and no checkpoint written after it.
    expect(pageRequests(sim) - requestedAtLoss).toBeLessThanOrEqual(1);
    const commits = eventsOf(lost, 'checkpoint_commit').map((event) => event['last_page']);
    expect(commits).toEqual([10]);
    await waitForLockFreed(schema);
    const next = await runCli([], env);
    expect(next.code, next.stderr).toBe(0);
    expect(eventsOf(next, 'batch_start')).toEqual([
      expect.objectContaining({ start_page: 11, resumed: true }),
    ]);
    const ids = await storedIds(schema, 1);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.sort()).toEqual(sim.groundTruthIds().sort());
  });
});
