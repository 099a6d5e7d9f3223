/**
 * D52: a `total` far larger than the inventory. Without a bound the pass planned total / limit pages
 * (400,000 for total = 10,000,000), wrote a gap row for every empty page and exited 0 on every run.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, harness } from '../../test/support/extract-harness.ts';

describe('a total far beyond the data (D52)', () => {
  it('ends the pass failed after 3 consecutive empty pages past the last page with records', async () => {
    const h = harness({ systems: 60 });
    h.api.totalOverride = 10_000_000;
    const result = await h.run({ batchPages: 50 });

    // Pages 1-3 hold the 60 systems, pages 4-6 are empty: no page 7, and no sweep of the empty pages.
    expect(result.calls).toEqual([1, 2, 3, 4, 5, 6]);
    expect(result.summary).toMatchObject({ outcome: 'below_target', passComplete: true, targetMet: false });
    const snapshot = await h.store.currentSnapshot();
    expect(snapshot?.status).toBe('failed');
    expect(snapshot?.error_message).toMatch(/total 10000000.*3 consecutive empty pages after page 3/);
    expect(fieldsOf(result, 'extraction_failed')).toEqual([
      { error_type: 'total_beyond_data', error_message: snapshot?.error_message, exit_code: 2 },
    ]);
    expect(result.events.find((event) => event.type === 'extraction_failed')?.level).toBe('ERROR');
  });

  it('fails the same way on the next run instead of paging on', async () => {
    const h = harness({ systems: 60 });
    h.api.totalOverride = 10_000_000;
    await h.run();
    const again = await h.run();
    expect(again.summary.outcome).toBe('below_target');
    expect(again.calls.length).toBeLessThanOrEqual(6);
  });

  it('keeps going through fewer empty pages (a short run of them inside the data is a gap, not the end)', async () => {
    const h = harness({ systems: 100 });
    h.api.totalOverride = 150; // 6 pages by total, pages 5-6 are empty: only 2
    const result = await h.run({ targetPct: 60 });
    expect(result.summary.outcome).not.toBe('below_target');
    expect((await h.store.currentSnapshot())?.status).not.toBe('failed');
  });
});
