/**
 * Gap pages and gap sweeps (D6).
 * In-process, over the real SQLite store: see test/support/extract-harness.ts.
 */
import { describe, expect, it } from 'vitest';
import { gap, harness, fieldsOf, range, observedOf } from '../../test/support/extract-harness.ts';

describe('gaps and gap sweeps', () => {
  it('records a failed page as a gap and recovers it in the sweep at the end of the pass', async () => {
    const h = harness({ systems: 100 });
    h.api.script(2, gap('json_parse_error'));
    const result = await h.run();

    expect(result.calls).toEqual([1, 2, 3, 4, 2, 1]); // page 1: the sweep's neighbour check (D53)
    expect(fieldsOf(result, 'page_skipped')).toEqual([
      { page: 2, error_type: 'json_parse_error', attempts: 3 },
    ]);
    expect(observedOf(result, 'pageFailed')).toEqual([
      { page: 2, attempts: 3, errorType: 'json_parse_error', httpStatus: 200 },
    ]);
    expect(fieldsOf(result, 'gap_recovered')).toEqual([{ page: 2, sweep: 1, systems: 25 }]);
    expect(await h.store.listGaps(1)).toEqual([
      expect.objectContaining({
        page_num: 2,
        error_type: 'json_parse_error',
        attempts: 4,
        retry_sweeps: 1,
        resolved: true,
      }),
    ]);
    expect(result.summary).toMatchObject({
      outcome: 'target_met',
      pagesAttempted: 5,
      pagesOk: 4,
      pagesFailed: 1,
      systemsExtracted: 100,
    });
    expect(fieldsOf(result, 'extraction_progress').at(-1)).toMatchObject({ errors_total: 3 });
    expect((await h.store.currentSnapshot())?.status).toBe('success');
  });

  it('sweeps a lost page up to 3 times, one sweep per run, then closes the snapshot as failed', async () => {
    const h = harness({ systems: 100 });
    h.api.script(2, gap(), gap(), gap(), gap(), gap());
    const first = await h.run();
    expect(first.calls).toEqual([1, 2, 3, 4, 2]);
    expect(first.summary).toMatchObject({ outcome: 'batch_complete', coveragePct: 75 });
    expect((await h.store.listGaps(1))[0]).toMatchObject({ retry_sweeps: 1, resolved: false, attempts: 6 });
    expect((await h.store.currentSnapshot())?.status).toBe('partial');

    const second = await h.run();
    expect(second.calls).toEqual([2]); // the pass is complete: no drift probe, no paging, one sweep
    expect(second.summary.outcome).toBe('batch_complete');
    expect((await h.store.listGaps(1))[0]).toMatchObject({ retry_sweeps: 2, resolved: false });

    const third = await h.run();
    expect(third.calls).toEqual([2]);
    expect(third.summary).toMatchObject({ outcome: 'below_target', targetMet: false, coveragePct: 75 });
    expect((await h.store.listGaps(1))[0]).toMatchObject({
      retry_sweeps: 3,
      resolved: false,
      attempts: 12,
      error_type: '5xx_server_error',
      error_message: '5xx_server_error on every attempt',
      response_sample: '<html>oops</html>',
    });
    const closed = await h.store.currentSnapshot();
    expect(closed).toMatchObject({ snapshot_id: 1, status: 'failed' });
    expect(closed?.error_message).toBe(
      'pass complete at 75% coverage, below the 95% target after 3 gap sweeps',
    );

    // The next run starts a new pass; the failed snapshot and its gap report are kept.
    const fourth = await h.run({ batchPages: 2 });
    expect(fourth.summary.snapshotId).toBe(2);
    expect(fourth.calls).toEqual([1, 2]);
    expect(fieldsOf(fourth, 'batch_start')[0]).toMatchObject({ start_page: 1, resumed: false });
    expect(await h.store.listGaps(1)).toHaveLength(1);
    expect(h.store.countSystems(1)).toBe(75);
  });

  it('recovers a gap in a later sweep', async () => {
    const h = harness({ systems: 100 });
    h.api.script(3, gap(), gap());
    await h.run();
    const second = await h.run();

    expect(fieldsOf(second, 'gap_recovered')).toEqual([{ page: 3, sweep: 2, systems: 25 }]);
    expect(second.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 100 });
    expect((await h.store.listGaps(1))[0]).toMatchObject({ retry_sweeps: 2, resolved: true, attempts: 7 });
  });

  it('keeps the snapshot open while a gap has not had its sweep, even when the target is met', async () => {
    const h = harness({ systems: 2000 }); // 80 pages; one lost page is 98.75%
    h.api.script(40, gap());
    const first = await h.run({ batchPages: 80 }); // the budget ends with the pass: no sweep this run

    expect(first.calls).toEqual(range(1, 80));
    expect(first.summary).toMatchObject({ outcome: 'batch_complete', targetMet: false, coveragePct: 98.7 });
    expect((await h.store.currentSnapshot())?.status).toBe('partial');
    expect((await h.store.getCheckpoint(1))?.pass_complete).toBe(true);

    const second = await h.run({ batchPages: 80 });
    expect(second.calls).toEqual([40, 39]);
    expect(second.summary).toMatchObject({ outcome: 'target_met', systemsExtracted: 2000 });
    expect((await h.store.currentSnapshot())?.status).toBe('success');
  });

  it('closes the snapshot as success when the target is met and every gap had a sweep, lost or not', async () => {
    const h = harness({ systems: 2000 });
    h.api.script(40, gap(), gap());
    const result = await h.run({ batchPages: 100 });

    expect(result.calls).toEqual([...range(1, 80), 40]);
    expect(result.summary).toMatchObject({
      outcome: 'target_met',
      systemsExtracted: 1975,
      coveragePct: 98.7,
    });
    expect((await h.store.listGaps(1))[0]).toMatchObject({ page_num: 40, resolved: false, retry_sweeps: 1 });
  });

  it('resumes a sweep cut short by the batch budget', async () => {
    const h = harness({ systems: 100 });
    h.api.script(2, gap());
    h.api.script(3, gap());
    const first = await h.run({ batchPages: 5 });
    expect(first.calls).toEqual([1, 2, 3, 4, 2, 1]); // the neighbour check is not booked (D53)
    expect(first.summary.outcome).toBe('batch_complete');
    const second = await h.run({ batchPages: 5 });

    expect(second.calls).toEqual([3, 2]);
    expect(second.summary.outcome).toBe('target_met');
    expect((await h.store.listGaps(1)).map((row) => [row.page_num, row.resolved, row.retry_sweeps])).toEqual([
      [2, true, 1],
      [3, true, 1],
    ]);
  });
});
