/**
 * Deferral, interruption and errors: what a run saves and reports when it stops early.
 * In-process, over the real SQLite store: see test/support/extract-harness.ts.
 */
import { ExtractorError } from '../platform/index.ts';
import { describe, expect, it } from 'vitest';
import { gap, harness, fieldsOf, range } from '../../test/support/extract-harness.ts';

describe('deferral, interruption and errors', () => {
  it('commits and defers when a page says come back later', async () => {
    const h = harness({ systems: 1000 });
    h.api.script(13, {
      kind: 'defer',
      reason: 'rate_limited',
      retryAfterS: 600,
      message: 'Retry-After 600 s is above the 300 s limit',
      failedAttempts: 1,
    });
    const result = await h.run();

    expect(result.calls).toEqual(range(1, 13));
    expect(result.summary).toMatchObject({
      outcome: 'deferred',
      systemsExtracted: 300,
    });
    expect(fieldsOf(result, 'run_deferred')).toEqual([
      { reason: 'rate_limited', retry_after_s: 600, message: 'Retry-After 600 s is above the 300 s limit' },
    ]);
    expect(fieldsOf(result, 'checkpoint_commit').map((event) => event.last_page)).toEqual([10, 12]);
    expect((await h.store.getCheckpoint(1))?.last_page).toBe(12);
    expect(await h.store.listGaps(1)).toEqual([]); // a deferred page is not a gap

    const next = await h.run({ batchPages: 2 });
    expect(next.calls).toEqual([12, 13, 14]);
  });

  it('defers from inside a gap sweep and sweeps the page next run', async () => {
    const h = harness({ systems: 100 });
    h.api.script(2, gap(), {
      kind: 'defer',
      reason: 'daily_quota',
      retryAfterS: null,
      message: 'daily quota',
      failedAttempts: 1,
    });
    const result = await h.run();

    expect(result.calls).toEqual([1, 2, 3, 4, 2]);
    expect(result.summary.outcome).toBe('deferred');
    expect(fieldsOf(result, 'run_deferred')[0]).toMatchObject({ reason: 'daily_quota' });
    expect(await h.store.getCheckpoint(1)).toMatchObject({ last_page: 4, pass_complete: true });
    expect((await h.store.listGaps(1))[0]).toMatchObject({ retry_sweeps: 0, resolved: false });

    const next = await h.run();
    expect(next.calls).toEqual([2, 1]); // the sweep, then its neighbour re-checked (D53)
    expect(next.summary.outcome).toBe('target_met');
  });

  it('stops on the abort signal, commits the buffered pages and reports interrupted', async () => {
    const h = harness({ systems: 1000 });
    const controller = new AbortController();
    h.api.beforeAnswer = (page) => {
      if (page === 14) controller.abort(new Error('received SIGTERM'));
    };
    h.api.script(14, (signal) => Promise.reject(signal.reason as Error));
    const result = await h.run({ signal: controller.signal });

    expect(result.calls).toEqual(range(1, 14));
    expect(result.summary).toMatchObject({
      outcome: 'interrupted',
      systemsExtracted: 325,
      changedData: true,
    });
    expect(fieldsOf(result, 'run_deferred')).toEqual([
      { reason: 'interrupted', retry_after_s: null, message: 'stopped by signal; state saved' },
    ]);
    expect((await h.store.getCheckpoint(1))?.last_page).toBe(13);
    expect(h.store.countSystems(1)).toBe(325);
  });

  it('writes nothing when the run lost its lock to another run', async () => {
    const h = harness({ systems: 500 });
    const controller = new AbortController();
    h.api.beforeAnswer = (page) => {
      if (page === 5) controller.abort(new ExtractorError('lock_held', 'lock taken over'));
    };
    const result = await h.run({ signal: controller.signal });

    expect(result.summary.outcome).toBe('interrupted');
    expect((await h.store.getCheckpoint(1))?.last_page).toBe(0);
    expect(h.store.countSystems(1)).toBe(0);
    expect(fieldsOf(result, 'run_deferred')).toEqual([
      { reason: 'lock_held', retry_after_s: null, message: 'lock taken over' },
    ]);
  });

  it('stops after the current page when the signal arrives while a page completes', async () => {
    const h = harness({ systems: 1000 });
    const controller = new AbortController();
    h.api.beforeAnswer = (page) => {
      if (page === 4) controller.abort(new Error('received SIGINT'));
    };
    const result = await h.run({ signal: controller.signal });

    expect(result.summary.outcome).toBe('interrupted');
    expect(result.calls.filter((page) => page > 4)).toEqual([]);
    expect((await h.store.getCheckpoint(1))?.last_page).toBe(4);
    expect(h.store.countSystems(1)).toBe(100);
  });

  it('stops a gap sweep after the current page on the abort signal', async () => {
    const h = harness({ systems: 100 });
    const controller = new AbortController();
    h.api.script(2, gap(), () => {
      controller.abort(new Error('received SIGTERM'));
      return Promise.resolve(gap());
    });
    h.api.script(3, gap());
    const result = await h.run({ signal: controller.signal });

    expect(result.calls).toEqual([1, 2, 3, 4, 2]);
    expect(result.summary.outcome).toBe('interrupted');
    // The page swept before the signal counts; the other gap waits for the next run.
    expect((await h.store.listGaps(1)).map((row) => [row.page_num, row.retry_sweeps])).toEqual([
      [2, 1],
      [3, 0],
    ]);
  });

  it('stops when aborted while taking the batch token, before any page', async () => {
    const h = harness({ systems: 100 });
    const controller = new AbortController();
    h.failTokens(() => {
      controller.abort(new Error('received SIGINT'));
      return Promise.reject(new Error('aborted'));
    });
    const result = await h.run({ signal: controller.signal });

    expect(result.summary).toMatchObject({ outcome: 'interrupted', pagesAttempted: 0, changedData: false });
    expect(result.calls).toEqual([]);
  });

  it.each([
    ['token_budget_exhausted', 'token_budget'],
    ['token_throttled', 'token_throttled'],
  ] as const)('defers on %s from the token lifecycle', async (code, reason) => {
    const h = harness({ systems: 100 });
    h.failTokens(() => Promise.reject(new ExtractorError(code, `token problem: ${code}`)));
    const result = await h.run();

    expect(result.summary.outcome).toBe('deferred');
    expect(result.calls).toEqual([]);
    expect(fieldsOf(result, 'run_deferred')).toEqual([
      { reason, retry_after_s: null, message: `token problem: ${code}` },
    ]);
  });

  it('defers on a token problem in the middle of a batch, keeping the pages already read', async () => {
    const h = harness({ systems: 1000 });
    h.api.script(7, () => Promise.reject(new ExtractorError('token_throttled', 'Access Denied')));
    const result = await h.run();

    expect(result.summary.outcome).toBe('deferred');
    expect((await h.store.getCheckpoint(1))?.last_page).toBe(6);
    expect(h.store.countSystems(1)).toBe(150);
  });

  it('commits what it has and rethrows any other error', async () => {
    const h = harness({ systems: 1000 });
    const fatal = new ExtractorError('auth_aborted', 'three consecutive auth failures');
    h.api.script(13, () => Promise.reject(fatal));
    await expect(h.run()).rejects.toBe(fatal);

    expect((await h.store.getCheckpoint(1))?.last_page).toBe(12);
    expect(h.store.countSystems(1)).toBe(300);
    const next = await h.run({ batchPages: 1 });
    expect(next.calls).toEqual([12, 13]);
  });

  it('rethrows the original error when the final commit fails too', async () => {
    const h = harness({ systems: 1000 });
    const boom = new Error('disk gone');
    h.api.script(3, async () => {
      await h.store.close();
      return Promise.reject(boom);
    });
    await expect(h.run()).rejects.toBe(boom);
  });
});
