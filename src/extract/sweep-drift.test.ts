/**
 * D53: drift seen by a gap sweep. A page that failed in the pass is read again at the end; if systems
 * were removed before it in the meantime, its first systems have shifted onto the previous page, which
 * the pass read before the shift. The sweep re-checks that neighbour the way a resume does.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, gap, harness } from '../../test/support/extract-harness.ts';

describe('a gap sweep after drift (D53)', () => {
  it('re-reads the previous page, so the systems that shifted onto it are not lost', async () => {
    const h = harness({ systems: 200 }); // 8 pages
    h.api.script(6, gap());
    let sweeping = false;
    h.api.beforeAnswer = (page) => {
      // Between the end of the pass and the sweep of page 6: 4 systems removed from page 1.
      if (page === 6 && sweeping) return;
      if (page === 6 && h.api.calls.filter((p) => p === 6).length === 2) {
        sweeping = true;
        h.api.mutate({ removeFromPages: { pages: [1], count: 4 } });
      }
    };
    const result = await h.run();

    expect(result.calls).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 6, 5]);
    const stored = new Set(h.store.allIds(1));
    const lost = h.api.ids.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(fieldsOf(result, 'page_drift_detected')[0]).toMatchObject({ page: 5, matched: true });
    expect(result.summary).toMatchObject({ outcome: 'target_met' });
  });

  it('costs one probe and nothing else when nothing moved', async () => {
    const h = harness({ systems: 100 });
    h.api.script(3, gap());
    const result = await h.run();
    expect(result.calls).toEqual([1, 2, 3, 4, 3, 2]);
    expect(fieldsOf(result, 'page_drift_detected')).toEqual([]);
  });
});
