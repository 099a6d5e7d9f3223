/**
 * The chaos runner (D60): one seed of the simulator's `chaos` profile, extracted the way cron does it,
 * by repeated runs of the BUILT CLI (one process per run) until the snapshot is `success` or `maxRuns`
 * runs have happened. Between two runs the cron interval passes: the simulator's clock jumps ahead by
 * `cronIntervalMs` and the CLI's persisted token-request times move back by the same amount, so both
 * sides see the hours that cron leaves between runs without anybody sleeping through them. Within a
 * run, time is real. Used by `npm run test:chaos` (bench/chaos.ts, 20 seeds) and by npm test (3 seeds).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSimulator, type RequestLogEntry, type Simulator } from '../../src/simulator/index.ts';
import { fastEnv, runCli } from './run-cli.ts';
import { removeTempDir, tempDir } from './temp-dir.ts';

export interface ChaosOptions {
  /** Runs before the seed counts as not converged; default 12 (135 pages need 3 batches of 50). */
  maxRuns?: number;
  /** Time cron leaves between two runs, ms; default 6 h (the README's cron line). */
  cronIntervalMs?: number;
}

export interface SeedResult {
  seed: number;
  converged: boolean;
  exitCodes: (number | null)[];
  /** Status of the newest snapshot after the last run. */
  finalStatus: string;
  /** Systems the simulator serves at the end (the ground truth). */
  truth: number;
  stored: number;
  /** Ground-truth ids missing from the newest snapshot. */
  lost: number;
  /** Stored ids the simulator no longer serves (removed by drift after they were read). */
  stale: number;
  /** Rows beyond one per system in the newest snapshot (ids compared as integers). */
  duplicates: number;
  tokenRequests: number;
  /** The most token requests in any 10-minute window, on the simulator's (cron) timeline. */
  maxTokensPer10Min: number;
  /** Pages that failed at least once, and how many of them a later request read successfully. */
  failedPages: number;
  recoveredPages: number;
  /** Wall time for the whole seed, ms. */
  durationMs: number;
}

const TEN_MINUTES_MS = 600_000;
const SCANDETAILS = '/api/1.4/patch/scandetails';
/**
 * Fault kinds the client reads as a normal page: the API's documented variants (D23), and a 2 MB
 * padded page that stays under the 10 MiB body cap.
 */
const TOLERATED_FAULTS = new Set(['total_as_string', 'records_under_computers', 'huge_body']);

async function runChaosSeed(seed: number, options: ChaosOptions = {}): Promise<SeedResult> {
  const maxRuns = options.maxRuns ?? 12;
  const cronIntervalMs = options.cronIntervalMs ?? 6 * 3_600_000;
  const startedMs = Date.now();
  let offsetMs = 0;
  const sim = await createSimulator({
    profile: 'chaos',
    seed,
    clock: { nowMs: () => Date.now() + offsetMs },
  });
  const home = tempDir(`pmp-chaos-${seed}-`);
  const dbPath = join(home, 'pmp.db');
  const env = {
    ...fastEnv(sim.url, sim.credentials),
    HOME: home,
    PMP_DB_PATH: dbPath,
    // The profile's slow first bytes and stalled bodies take 1.5 s: a 1 s timeout turns them into retries.
    PMP_REQUEST_TIMEOUT_MS: '1000',
  };
  const exitCodes: (number | null)[] = [];
  try {
    let status = 'none';
    while (exitCodes.length < maxRuns && status !== 'success') {
      if (exitCodes.length > 0) {
        offsetMs += cronIntervalMs;
        shiftTokenTimes(dbPath, cronIntervalMs);
      }
      const result = await runCli([], env);
      exitCodes.push(result.code);
      status = newestStatus(dbPath);
    }
    return {
      seed,
      converged: status === 'success',
      exitCodes,
      finalStatus: status,
      ...compareWithTruth(dbPath, sim.groundTruthIds()),
      ...tokenFigures(sim),
      ...recoveryFigures(sim.stats().requests),
      durationMs: Date.now() - startedMs,
    };
  } finally {
    await sim.close();
    removeTempDir(home);
  }
}

/** The hours between cron runs, as the CLI's persisted token budget would have lived them. */
function shiftTokenTimes(dbPath: string, byMs: number): void {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    db.prepare('UPDATE token_requests SET requested_at_ms = requested_at_ms - ?').run(byMs);
  } finally {
    db.close();
  }
}

function newestStatus(dbPath: string): string {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT status FROM snapshots ORDER BY snapshot_id DESC LIMIT 1').get() as
        { status: string } | undefined;
      return row?.status ?? 'none';
    } finally {
      db.close();
    }
  } catch {
    return 'none'; // no database yet (the first run failed before creating it)
  }
}

function compareWithTruth(dbPath: string, truthIds: readonly string[]) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  let ids: string[];
  try {
    ids = db
      .prepare('SELECT resource_id FROM systems WHERE snapshot_id = (SELECT MAX(snapshot_id) FROM snapshots)')
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
  const stored = new Set(ids.map(canonical));
  const truth = new Set(truthIds.map(canonical));
  return {
    truth: truth.size,
    stored: ids.length,
    lost: [...truth].filter((id) => !stored.has(id)).length,
    stale: [...stored].filter((id) => !truth.has(id)).length,
    duplicates: ids.length - stored.size,
  };
}

/** Ids compared as integers, so `007` and `7` are one system (a malformed id is its own key). */
function canonical(id: string): string {
  return /^-?\d+$/.test(id) ? BigInt(id).toString() : id;
}

function tokenFigures(sim: Simulator): { tokenRequests: number; maxTokensPer10Min: number } {
  const times = sim
    .stats()
    .tokenRequests.map((entry) => entry.timeMs)
    .sort((a, b) => a - b);
  let max = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while ((times[to] ?? 0) - (times[from] ?? 0) >= TEN_MINUTES_MS) from++;
    max = Math.max(max, to - from + 1);
  }
  return { tokenRequests: times.length, maxTokensPer10Min: max };
}

function recoveryFigures(requests: readonly RequestLogEntry[]): {
  failedPages: number;
  recoveredPages: number;
} {
  const failedAt = new Map<number, number>();
  const recovered = new Set<number>();
  requests.forEach((entry, index) => {
    if (entry.path !== SCANDETAILS || entry.page === null) return;
    const ok = entry.status === 200 && (entry.fault === null || TOLERATED_FAULTS.has(entry.fault));
    if (!ok && !failedAt.has(entry.page)) failedAt.set(entry.page, index);
    const firstFailure = failedAt.get(entry.page);
    if (ok && firstFailure !== undefined && firstFailure < index) recovered.add(entry.page);
  });
  return { failedPages: failedAt.size, recoveredPages: recovered.size };
}

/** Runs `seeds` at most `concurrency` at a time (each seed is mostly waiting on latency and timeouts). */
export async function runChaosSeeds(
  seeds: readonly number[],
  concurrency: number,
  options: ChaosOptions = {},
): Promise<SeedResult[]> {
  const results: SeedResult[] = [];
  const queue = [...seeds];
  const worker = async (): Promise<void> => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift())
      results.push(await runChaosSeed(seed, options));
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results.sort((a, b) => a.seed - b.seed);
}
