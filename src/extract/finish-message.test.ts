/**
 * The error_message of a snapshot closed below target says what happened: gap sweeps when pages were
 * still failing, and "no page failed" when the pages read simply held too few systems.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import type { EventLogger } from '../platform/index.ts';
import { openStore } from '../store/index.ts';
import type { Store, SystemRecord } from '../store/index.ts';
import type { PageResult, RunObserver } from './ports.ts';
import { runExtract } from './run-extract.ts';

const silentLogger: EventLogger = { emit: () => undefined, withSnapshot: () => silentLogger };
const silentObserver: RunObserver = {
  runStarted: () => undefined,
  pageDone: () => undefined,
  pageFailed: () => undefined,
  batchComplete: () => undefined,
  targetMet: () => undefined,
};

const record = (n: number): SystemRecord => ({
  resource_id: String(1000 + n),
  columns: { resource_name: `pc-${n}`, branch_office_name: 'Branch A' },
  raw_json: `{"resource_id":${1000 + n}}`,
});

let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

/** Four full pages of 25 by count, but page 2 holds one record the API counted and did not send. */
function fetchPage(page: number): Promise<PageResult> {
  const records = Array.from({ length: 25 }, (_, i) => record((page - 1) * 25 + i)).filter(
    (_, i) => page !== 2 || i > 0,
  );
  if (page > 4) records.length = 0;
  return Promise.resolve({
    kind: 'ok',
    failedAttempts: 0,
    page: {
      page,
      limit: 25,
      total: 100,
      records,
      ids: records.map((r) => r.resource_id),
      rejects: [],
      receivedCount: page > 4 ? 0 : 25,
      recordsKey: 'scandetails',
    },
  });
}

describe('a snapshot closed below target without failed pages', () => {
  it('does not claim gap sweeps that never happened', async () => {
    store = openStore({ path: ':memory:' });
    const summary = await runExtract(
      {
        store,
        pages: { fetchPage, lookupSystem: () => Promise.reject(new Error('no lookup expected')) },
        tokens: { startBatch: () => Promise.resolve('token') },
        clock: new FakeClock(),
        logger: silentLogger,
        observer: silentObserver,
      },
      {
        batchPages: 50,
        targetPct: 100,
        commitEveryPages: 10,
        maxGapSweeps: 3,
        maxShrinkPct: 50,
        pageSizing: { configured: 25, probeSize: 1000, baseSize: 25 },
        refreshAfterMs: 0,
        keepSnapshots: 7,
        reset: false,
        signal: new AbortController().signal,
      },
    );
    expect(summary).toMatchObject({ outcome: 'below_target', coveragePct: 99 });
    const closed = await store.currentSnapshot();
    expect(closed?.status).toBe('failed');
    expect(closed?.error_message).toBe(
      'pass complete at 99% coverage, below the 100% target, with no failed page left to retry',
    );
    expect(closed?.error_message).not.toContain('gap sweep');
  });
});
