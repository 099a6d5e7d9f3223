/** Fixtures and the harness type of the store contract (store-contract.ts). */
import { expect } from 'vitest';
import { isExtractorError } from '../../src/platform/index.ts';
import type { Checkpoint, CommitBatch, GapRecord, Store, SystemRecord } from '../../src/store/index.ts';
import type { SystemColumnValues } from '../../src/store/store.ts';

/** One store under test, on a database of its own. */
export interface StoreHarness {
  store: Store;
  /** A second store over the same database, as the next process would open it. */
  reopen: () => Promise<Store>;
  /** Runs one SQL statement behind the stores' backs, in their schema (unqualified table names). */
  tamper: (sql: string) => Promise<void>;
  /** Closes every store it opened and removes the database. */
  cleanup: () => Promise<void>;
}

export type OpenHarness = () => Promise<StoreHarness>;

export const T0 = Date.UTC(2026, 10, 26, 10, 0, 0, 123);
/** > 2^53: must survive as exact text. */
export const BIG_ID = '12345678901234567';

export function system(id: string, extra: SystemColumnValues = {}, rawJson?: string): SystemRecord {
  return {
    resource_id: id,
    columns: { resource_name: `pc-${id}`, branch_office_name: 'Branch A', ...extra },
    raw_json: rawJson ?? `{"resource_id":${id}}`,
  };
}

export function batch(snapshotId: number, overrides: Partial<CommitBatch> = {}): CommitBatch {
  return {
    snapshot_id: snapshotId,
    pages: [],
    gaps: [],
    gapRetries: [],
    checkpoint: {
      last_page: 1,
      total_systems: 4,
      total_pages: 2,
      page_limit: 2,
      pass_complete: false,
      previous_coverage_pct: null,
    },
    nowMs: T0,
    ...overrides,
  };
}

export function gap(page: number): GapRecord {
  return {
    page_num: page,
    error_type: '5xx_server_error',
    error_message: 'HTTP 503',
    response_sample: '<html>busy</html>',
    attempts: 3,
  };
}

export async function expectDatabaseError(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  let failure: unknown;
  try {
    await fn();
  } catch (error) {
    failure = error;
  }
  expect(isExtractorError(failure) && failure.code).toBe('database_error');
  expect((failure as Error).message).toMatch(pattern);
}

/** Every id stored in the snapshot, as far as the port can tell (pages 1..maxPage). */
export async function idsOfPages(store: Store, snapshotId: number, maxPage: number): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; page <= maxPage; page += 1) ids.push(...(await store.idsOnPage(snapshotId, page)));
  return ids;
}

/**
 * A checkpoint without D126's two page-size fields: until the port's Checkpoint declares them (branch
 * h11), the SQLite store does not return them and the PostgreSQL store does; the rest must agree.
 */
export function withoutPageSize(checkpoint: Checkpoint | null): Checkpoint | null {
  if (checkpoint === null) return null;
  const rest: Record<string, unknown> = { ...checkpoint };
  delete rest['probed_page_size'];
  delete rest['page_size_fallback'];
  return rest as unknown as Checkpoint;
}
