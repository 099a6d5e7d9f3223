/**
 * A pass as cron runs it (D142): the built CLI once per batch of the default PMP_BATCH_PAGES (50 pages),
 * run after run into the same SQLite file until the pass is published, measured over all its runs. Two
 * passes of 100,000 systems: the first into a new file, and the 8th into a file that keeps 7 published
 * snapshots (the first pass's snapshot copied six times in SQL, which is what seven passes of an
 * unchanged fleet leave). The access token comes from PMP_TOKEN_COMMAND (fetched once from the
 * simulator), so Zoho's budget of 10 token requests per 10 minutes does not defer the 80 runs.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulator, type Simulator } from '../src/simulator/index.ts';
import { sqliteFileBytes } from '../test/support/db.ts';
import { getToken } from '../test/support/simulator-kit.ts';
import { measureChild } from './measure-child.ts';

const CLI_PATH = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist/main.js');
/** A pass that never publishes stops here (80 runs are expected at 100,000 systems). */
const MAX_RUNS = 400;

export interface BatchedResult {
  name: string;
  systems: number;
  runs: number;
  requests: number;
  wallMs: number;
  /** Largest peak RSS of any run, KiB. */
  peakRssKb: number | null;
  /** User + system CPU of all runs, ms. */
  cpuMs: number | null;
  writeBytes: number | null;
  dbBytes: number;
}

/** The first pass into a new file, then the 8th pass with 7 snapshots kept. */
export async function batchedPasses(systems: number): Promise<BatchedResult[]> {
  const sim = await createSimulator({ profile: 'clean', seed: 1, settings: { systems, latencyMs: [0, 0] } });
  const home = mkdtempSync(join(tmpdir(), 'pmp-bench-batched-'));
  const dbPath = join(home, 'pmp.db');
  try {
    const env = await batchEnv(sim, home, dbPath);
    const first = await runUntilPublished('first pass, new file', systems, env, dbPath, []);
    copySnapshot(dbPath, 6);
    const steady = await runUntilPublished('8th pass, 7 snapshots kept', systems, env, dbPath, ['--reset']);
    return [first, steady];
  } finally {
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function batchEnv(sim: Simulator, home: string, dbPath: string): Promise<Record<string, string>> {
  const token = await getToken(sim);
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    PMP_DB_PATH: dbPath,
    PMP_SERVER_URL: sim.url,
    PMP_ACCOUNTS_URL: sim.url,
    PMP_TOKEN_COMMAND: `printf %s ${token}`,
    PMP_PAGE_DELAY_MS: '0',
  };
}

async function runUntilPublished(
  name: string,
  systems: number,
  env: Record<string, string>,
  dbPath: string,
  firstArgs: readonly string[],
): Promise<BatchedResult> {
  const result: BatchedResult = {
    name,
    systems,
    runs: 0,
    requests: 0,
    wallMs: 0,
    peakRssKb: 0,
    cpuMs: 0,
    writeBytes: 0,
    dbBytes: 0,
  };
  for (let published = false; !published;) {
    if (result.runs >= MAX_RUNS) throw new Error(`${name}: not published after ${MAX_RUNS} runs`);
    const run = await measureChild(
      process.execPath,
      [CLI_PATH, ...(result.runs === 0 ? firstArgs : [])],
      env,
    );
    if (run.code !== 0)
      throw new Error(`${name}: run ${result.runs + 1} exited ${String(run.code)}:\n${run.stderr}`);
    result.runs += 1;
    result.requests += (run.stdout.match(/"event_type":"extraction_progress"/g) ?? []).length;
    result.wallMs += run.wallMs;
    result.peakRssKb = sumOrNull(result.peakRssKb, run.peakRssKb, Math.max);
    result.cpuMs = sumOrNull(result.cpuMs, run.cpuMs, (a, b) => a + b);
    result.writeBytes = sumOrNull(result.writeBytes, run.writeBytes, (a, b) => a + b);
    published = run.stdout.includes('"event_type":"inventory_changes"');
  }
  result.dbBytes = sqliteFileBytes(dbPath);
  return result;
}

function sumOrNull(
  total: number | null,
  value: number | null,
  combine: (a: number, b: number) => number,
): number | null {
  return total === null || value === null ? null : combine(total, value);
}

/** Copies the file's one published snapshot `copies` times: rows, raw parts, checkpoint, as passes would. */
function copySnapshot(dbPath: string, copies: number): void {
  const db = new Database(dbPath);
  try {
    const columns = (table: string, except: readonly string[]): string =>
      (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[])
        .filter((name) => !except.includes(name))
        .join(', ');
    const snapshotColumns = columns('snapshots', ['snapshot_id']);
    const systemColumns = columns('systems', ['system_id', 'snapshot_id']);
    const checkpointColumns = columns('extraction_checkpoints', ['checkpoint_id', 'snapshot_id']);
    const partColumns = columns('system_raw_parts', ['snapshot_id']);
    db.transaction(() => {
      for (let copy = 0; copy < copies; copy += 1) {
        const id = Number(
          db
            .prepare(
              `INSERT INTO snapshots (${snapshotColumns}) SELECT ${snapshotColumns} FROM snapshots WHERE snapshot_id = 1`,
            )
            .run().lastInsertRowid,
        );
        db.prepare(
          `INSERT INTO extraction_checkpoints (snapshot_id, ${checkpointColumns}) SELECT ?, ${checkpointColumns} FROM extraction_checkpoints WHERE snapshot_id = 1`,
        ).run(id);
        db.prepare(
          `INSERT INTO systems (snapshot_id, ${systemColumns}) SELECT ?, ${systemColumns} FROM systems WHERE snapshot_id = 1 ORDER BY system_id`,
        ).run(id);
        db.prepare(
          `INSERT INTO system_raw_parts (snapshot_id, ${partColumns}) SELECT ?, ${partColumns} FROM system_raw_parts WHERE snapshot_id = 1`,
        ).run(id);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
