/**
 * Two passes for the confirmed-removals tests (D85): pass 1 published from one simulator, pass 2 against
 * a second one with the same seed (the same fleet) whose drift steps and faults count its own requests.
 * Readers of the SQLite file and of the simulator's log.
 */
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { createSimulator, type SimSettings, type Simulator } from '../../src/simulator/index.ts';
import { withDb } from './db.ts';
import { ofType, validateEventStream } from './event-schema.ts';
import { fastEnv, runCli, tempDir, type CliResult } from './run-cli.ts';

const SCANDETAILS = '/api/1.4/patch/scandetails';
const SEED = 31;

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

export async function simulator(settings: Partial<SimSettings> = {}): Promise<Simulator> {
  const sim = await createSimulator({
    profile: 'clean',
    seed: SEED,
    settings: { systems: 100, ...settings },
  });
  sims.push(sim);
  return sim;
}

/** Pass 1 published (100 systems, 10 pages of 10); returns the file and the env for pass 2's simulator. */
export async function afterFirstPass(): Promise<{
  dbPath: string;
  envFor: (sim: Simulator) => Record<string, string>;
}> {
  const home = tempDir('pmp-e2e-removals-');
  const dbPath = join(home, 'pmp.db');
  const envFor = (sim: Simulator) => ({
    ...fastEnv(sim.url, sim.credentials),
    HOME: home,
    PMP_DB_PATH: dbPath,
    PMP_PAGE_SIZE: '10',
  });
  const first = await simulator();
  const result = await runCli([], envFor(first));
  expect(result.code).toBe(0);
  expect(ofType(validateEventStream(result.stdout), 'target_met')).toHaveLength(1);
  await first.close();
  return { dbPath, envFor };
}

export function requests(sim: Simulator, from = 0) {
  const log = sim
    .stats()
    .requests.slice(from)
    .filter((entry) => entry.path === SCANDETAILS);
  return {
    pages: log.filter((entry) => entry.page !== null).map((entry) => entry.page),
    lookups: log.flatMap((entry) => (entry.resid === null ? [] : [entry.resid])),
  };
}

export function read(dbPath: string, sql: string, ...params: (string | number)[]): Record<string, unknown>[] {
  return withDb(dbPath, (db) => db.prepare(sql).all(...params) as Record<string, unknown>[]);
}

export function idsOf(dbPath: string, snapshotId: number, where = ''): string[] {
  return read(dbPath, `SELECT resource_id FROM systems WHERE snapshot_id = ? ${where}`, snapshotId).map(
    (row) => String(row['resource_id']),
  );
}

export function states(dbPath: string): Record<string, number> {
  const rows = read(
    dbPath,
    'SELECT state, COUNT(*) AS n FROM removal_candidates WHERE snapshot_id = 2 GROUP BY state',
  );
  return Object.fromEntries(rows.map((row) => [String(row['state']), Number(row['n'])]));
}

export function events(result: CliResult) {
  return validateEventStream(result.stdout);
}

/** Ids of pass 1 (the seed's fleet): two on page 8 deleted before pass 2. */
export const fleet = async () => (await simulator()).groundTruthIds();
