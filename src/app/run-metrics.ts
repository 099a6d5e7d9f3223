/**
 * The metrics file at the end of every run (D42): what this run did, plus the published inventory,
 * the pass in progress and the gaps as the database holds them, whatever the run's outcome. A run
 * that never opened the store (lock held, bad credentials, bad configuration) reads it read-only.
 */
import {
  createRunMetrics,
  writeMetricsFile,
  type LastRunMetrics,
  type RunMetrics,
  type StoredMetrics,
} from '../observability/index.ts';
import type { Store } from '../store/index.ts';
import type { ProcessIO } from './io.ts';
import type { RunDatabase } from './open-store-for.ts';

async function readStoredMetrics(store: Store): Promise<StoredMetrics> {
  const published = await store.publishedSnapshot();
  const current = await store.currentSnapshot();
  const checkpoint = current === null ? null : await store.getCheckpoint(current.snapshot_id);
  const gaps = current === null ? null : await store.listGaps(current.snapshot_id);
  return {
    published:
      published === null
        ? null
        : {
            snapshotId: published.snapshot_id,
            completedAtMs: published.completed_at_ms,
            systems: published.systems_extracted,
            coveragePct: published.coverage_pct,
            changes: await store.changeCounts(published.snapshot_id),
          },
    pass:
      current?.status === 'partial' && checkpoint !== null
        ? {
            snapshotId: current.snapshot_id,
            page: checkpoint.last_page,
            totalPages: checkpoint.total_pages,
            systems: checkpoint.systems_extracted,
          }
        : null,
    gaps:
      gaps === null
        ? null
        : {
            open: gaps.filter((gap) => !gap.resolved).length,
            recovered: gaps.filter((gap) => gap.resolved).length,
          },
  };
}

/** The database's state for a run that holds no open store; null when there is none to read. */
async function readStoredReadOnly(
  database: Pick<RunDatabase, 'openReadOnly'> | null,
): Promise<StoredMetrics | null> {
  if (database === null) return null;
  try {
    const store = await database.openReadOnly();
    if (store === null) return null;
    try {
      return await readStoredMetrics(store);
    } finally {
      await store.close();
    }
  } catch {
    // Missing or unreadable (damaged, newer schema, busy, no server): the run's own error says why;
    // no state is written.
    return null;
  }
}

export async function writeRunMetrics(args: {
  io: ProcessIO;
  path: string;
  account: string;
  startMs: number;
  lastRun: Omit<LastRunMetrics, 'durationMs' | 'finishedAtMs'>;
  /** The run's open store, or null to read `database` read-only (null: no database known). */
  store: Store | null;
  database: Pick<RunDatabase, 'openReadOnly'> | null;
  /** The tally of the run's pages; a fresh (all-zero) one for a run that fetched none. */
  metrics?: RunMetrics;
}): Promise<void> {
  const { io } = args;
  const nowMs = io.clock.nowMs();
  let stored: StoredMetrics | null;
  try {
    stored =
      args.store === null ? await readStoredReadOnly(args.database) : await readStoredMetrics(args.store);
  } catch {
    stored = null;
  }
  const metrics = args.metrics ?? createRunMetrics();
  const lastRun = { ...args.lastRun, durationMs: nowMs - args.startMs, finishedAtMs: nowMs };
  try {
    const text = await metrics.render({ account: args.account, version: io.version, nowMs, lastRun, stored });
    await writeMetricsFile(args.path, text);
  } catch (error) {
    // Metrics are an observer: a file that cannot be written is reported on stderr, never fatal.
    io.stderr.write(
      `pmp-extractor: could not write metrics file: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}
