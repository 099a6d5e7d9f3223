/**
 * D53: duplicate ids inside a page or across pages. The store keys systems by id, so duplicates used
 * to collapse without a trace; a page with fewer distinct ids than records has lost systems.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, harness } from '../../test/support/extract-harness.ts';
import type { PageResult } from './ports.ts';

type Page = ReturnType<ReturnType<typeof harness>['api']['pageOf']>;

/** `page` answered with these ids, taking each record from `page` or `from`. */
function withIds(page: Page, ids: string[], from: Page = page): PageResult {
  const byId = new Map([...from.records, ...page.records].map((record) => [record.resource_id, record]));
  const records = ids.map((id) => {
    const record = byId.get(id);
    if (record === undefined) throw new Error(`no record ${id} on page ${page.page}`);
    return record;
  });
  return { kind: 'ok', failedAttempts: 0, page: { ...page, records, ids, receivedCount: ids.length } };
}

describe('duplicate ids (D53)', () => {
  it('logs duplicates inside a page and treats the page like a short page (a gap to re-read)', async () => {
    const h = harness({ systems: 100 });
    const page2 = h.api.pageOf(2);
    const ids = [...page2.ids.slice(0, 24), ...page2.ids.slice(0, 1)]; // 25 records, 24 distinct
    h.api.script(2, withIds(page2, ids));
    const result = await h.run();

    expect(fieldsOf(result, 'duplicate_records')[0]).toEqual({ page: 2, within_page: 1, across_pages: 0 });
    expect((await h.store.listGaps(1))[0]).toMatchObject({ page_num: 2, resolved: true });
    expect((await h.store.listGaps(1))[0]?.error_message).toContain('24 distinct ids');
    expect(result.calls).toEqual([1, 2, 3, 4, 2, 1]); // the sweep reads page 2 again
    expect(result.summary).toMatchObject({ systemsExtracted: 100 });
  });

  it('logs ids already stored from another page and re-checks the previous page (a shift)', async () => {
    const h = harness({ systems: 100 });
    const page2 = h.api.pageOf(2);
    const page3 = h.api.pageOf(3);
    // Page 3 starts with the last two ids of page 2: two systems were added before page 2 meanwhile.
    h.api.script(3, withIds(page3, [...page2.ids.slice(-2), ...page3.ids.slice(0, 23)], page2));
    const result = await h.run();

    expect(fieldsOf(result, 'duplicate_records')[0]).toEqual({ page: 3, within_page: 0, across_pages: 2 });
    expect(result.calls.slice(0, 4)).toEqual([1, 2, 3, 2]);
  });
});
