/**
 * Confirmed removals across runs (D88): lookups spend the batch budget, a pass with lookups left stays
 * `partial` and the next run continues them without sweeping, a deferred lookup defers the run, an
 * interrupted run keeps what it settled, and too many candidates fall under the shrink guard.
 */
import { describe, expect, it } from 'vitest';
import { ExtractorError } from '../platform/index.ts';
import { fieldsOf, gap, harness } from '../../test/support/extract-harness.ts';

/** 100 systems published (snapshot 1), then `missing` of them deleted before the next pass. */
async function withMissing(missing: number) {
  const h = harness({ systems: 100 });
  expect((await h.run()).summary.outcome).toBe('target_met');
  const gone = h.api.ids.slice(100 - missing);
  h.api.ids = h.api.ids.slice(0, 100 - missing);
  return { h, gone };
}

function states(h: ReturnType<typeof harness>): Record<string, number> {
  const rows = h.store.select(
    'SELECT state, COUNT(*) AS n FROM removal_candidates WHERE snapshot_id = 2 GROUP BY state',
  );
  return Object.fromEntries(rows.map((row) => [String(row['state']), Number(row['n'])]));
}

describe('the batch budget', () => {
  it('counts each lookup like a page; the pass stays partial and the next run continues', async () => {
    const { h, gone } = await withMissing(12);
    // 4 pages + 6 lookups fit into 10 requests.
    const first = await h.run({ reset: true, batchPages: 10 });
    expect(first.calls).toEqual([1, 2, 3, 4]);
    expect(h.api.lookups).toHaveLength(6);
    expect(first.summary).toMatchObject({ outcome: 'batch_complete', passComplete: true, targetMet: false });
    expect(await h.store.currentSnapshot()).toMatchObject({ snapshot_id: 2, status: 'partial' });
    expect((await h.store.publishedSnapshot())?.snapshot_id).toBe(1);
    expect(states(h)).toEqual({ pending: 6, removed: 6 });

    const second = await h.run({ batchPages: 10 });
    expect(second.calls).toEqual([]);
    expect(h.api.lookups).toHaveLength(12);
    expect([...h.api.lookups].sort()).toEqual([...gone].sort());
    expect(second.summary).toMatchObject({ outcome: 'target_met', snapshotId: 2 });
    expect(states(h)).toEqual({ removed: 12 });
    expect(fieldsOf(second, 'removal_candidates')).toEqual([
      { previous_snapshot_id: 1, candidates: 12, pending: 6, lost_gap: 0, resumed: true },
    ]);
    expect(fieldsOf(second, 'removal_confirmed')).toEqual([
      { previous_snapshot_id: 1, candidates: 12, present: 0, removed: 12, carried_over: 0 },
    ]);
  });

  it('does not sweep an open gap again while the lookups finish', async () => {
    const { h } = await withMissing(5);
    // Page 2 is lost in the pass and in its one sweep; 70 of 95 systems meet a 70% target. The budget
    // of 7 leaves 2 lookups of the 5 for this run.
    h.api.script(2, gap(), gap(), gap());
    const first = await h.run({ reset: true, batchPages: 7, targetPct: 70 });
    expect(first.calls).toEqual([1, 2, 3, 4, 2]);
    expect(h.api.lookups).toHaveLength(2);

    const second = await h.run({ batchPages: 7, targetPct: 70 });
    expect(second.calls).toEqual([]);
    expect(second.summary.outcome).toBe('target_met');
    expect(await h.store.listGaps(2)).toEqual([expect.objectContaining({ page_num: 2, retry_sweeps: 1 })]);
  });
});

describe('a deferred or stopped lookup', () => {
  it('defers the run as a page does; the candidate stays pending for the next run', async () => {
    const { h } = await withMissing(3);
    h.api.lookupScript.push(
      { kind: 'ok', page: h.api.answer(1, [], 0), failedAttempts: 0 },
      {
        kind: 'defer',
        reason: 'rate_limited',
        retryAfterS: 600,
        message: 'Retry-After 600 s',
        failedAttempts: 1,
      },
    );
    const first = await h.run({ reset: true });
    expect(first.summary).toMatchObject({ outcome: 'deferred' });
    expect(fieldsOf(first, 'run_deferred')).toEqual([
      { reason: 'rate_limited', retry_after_s: 600, message: 'Retry-After 600 s' },
    ]);
    expect(fieldsOf(first, 'batch_complete')).toEqual([]);
    expect(states(h)).toEqual({ pending: 2, removed: 1 });

    const second = await h.run();
    expect(second.summary.outcome).toBe('target_met');
    expect(h.api.lookups).toHaveLength(4);
    expect(states(h)).toEqual({ removed: 3 });
  });

  it('an interrupted run keeps every settled lookup; the next one makes only the others', async () => {
    const { h } = await withMissing(4);
    const controller = new AbortController();
    h.api.lookupScript.push({ kind: 'ok', page: h.api.answer(1, [], 0), failedAttempts: 0 }, (signal) => {
      controller.abort();
      signal.throwIfAborted();
      return Promise.reject(new Error('unreachable'));
    });
    const first = await h.run({ reset: true, signal: controller.signal });
    expect(first.summary.outcome).toBe('interrupted');
    expect(states(h)).toEqual({ pending: 3, removed: 1 });

    const second = await h.run();
    expect(second.summary.outcome).toBe('target_met');
    expect(h.api.lookups).toHaveLength(2 + 3);
  });

  it('a run that fails mid-lookups keeps what it settled; the next one makes only the others', async () => {
    const { h } = await withMissing(13);
    // commitEveryPages 5: the 12th lookup fails the run after two commits of 5.
    h.api.lookupScript.push(
      ...Array.from({ length: 11 }, () => ({
        kind: 'ok' as const,
        page: h.api.answer(1, [], 0),
        failedAttempts: 0,
      })),
      () => Promise.reject(new Error('simulated crash')),
    );
    await expect(h.run({ reset: true, commitEveryPages: 5 })).rejects.toThrow('simulated crash');
    const settled = states(h)['removed'] ?? 0;
    expect(settled).toBeGreaterThanOrEqual(10);

    const second = await h.run({ commitEveryPages: 5 });
    expect(second.summary.outcome).toBe('target_met');
    expect(h.api.lookups).toHaveLength(12 + (13 - settled));
    expect(states(h)).toEqual({ removed: 13 });
  });

  it('an auth failure during a lookup aborts the run', async () => {
    const { h } = await withMissing(2);
    h.api.lookupScript.push(() =>
      Promise.reject(new ExtractorError('auth_aborted', 'lookup of system x: 401')),
    );
    await expect(h.run({ reset: true })).rejects.toThrow('lookup of system x');
    expect((await h.store.currentSnapshot())?.status).toBe('partial');
  });
});

describe('too many candidates (D88, D15)', () => {
  it('close the pass failed without a lookup, though total did not shrink', async () => {
    const h = harness({ systems: 100 });
    await h.run();
    // 60 systems replaced by 60 new ones: total stays 100, 60 of the published ones are missing.
    h.api.ids = h.api.ids.slice(60);
    h.api.mutate({ add: 60 });
    const second = await h.run({ reset: true, maxShrinkPct: 50 });

    expect(second.summary.outcome).toBe('below_target');
    expect(h.api.lookups).toEqual([]);
    expect(await h.store.currentSnapshot()).toMatchObject({ snapshot_id: 2, status: 'failed' });
    expect((await h.store.currentSnapshot())?.error_message).toContain('60 of the 100 systems');
    expect(fieldsOf(second, 'extraction_failed')).toEqual([
      expect.objectContaining({ error_type: 'inventory_shrank', exit_code: 2 }),
    ]);
    expect(h.store.select('SELECT * FROM removal_candidates')).toEqual([]);
  });
});
