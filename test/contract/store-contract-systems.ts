/** The Store contract, part 2: systems, ids, pages, stale rows, raw records and rollback. */
import { describe, expect, it } from 'vitest';
import type { GapRecord } from '../../src/store/index.ts';
import {
  BIG_ID,
  batch,
  expectDatabaseError,
  gap,
  idsOfPages,
  system,
  T0,
  type StoreHarness,
} from './contract-kit.ts';

/** Raw records that must come back byte for byte: big ids, escapes, and characters that travel badly. */
const ODD_RECORDS: readonly (readonly [string, string])[] = [
  [BIG_ID, `{"resource_id":${BIG_ID},"agent_last_contact_time":1732614000123,"x":1.10}`],
  ['2', '{"resource_id":2,"name":"Zoë 🧪 e\u0301 \u2028 \u2029 \uFEFF \\u0000 \\ud83e","tab":"\t"}'],
  [
    '3',
    '{ "resource_id" : 3 ,\n  "quote":"\\"\'", "back\\\\slash":"\\\\", "cjk":"漢字", "rtl":"\u202Eabc" }',
  ],
];

export function systemsContract(current: () => StoreHarness): void {
  describe('systems', () => {
    it('upserts without churning system order, moves a system to its new page, refreshes its record', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      await store.commit(
        batch(id, { pages: [{ page: 1, systems: [system('1', { os_name: 'Win10' }), system('5')] }] }),
      );
      await store.commit(
        batch(id, {
          pages: [{ page: 2, systems: [system('2'), system('1', {}, '{"resource_id":1,"v":2}')] }],
          nowMs: T0 + 60_000,
        }),
      );
      expect(await store.idsOnPage(id, 1)).toEqual(['5']);
      // Ordered by first insertion: '1' keeps its place ahead of '2'.
      expect(await store.idsOnPage(id, 2)).toEqual(['1', '2']);
      expect(await store.rawRecord('1')).toBe('{"resource_id":1,"v":2}');
      expect((await store.commit(batch(id))).systems_extracted).toBe(3);
    });

    it('stores a 17-digit resource_id exactly and answers knownIds, also excluding a page', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      await store.commit(
        batch(id, {
          pages: [
            { page: 1, systems: [system(BIG_ID)] },
            { page: 2, systems: [system('7')] },
          ],
        }),
      );
      expect(await store.idsOnPage(id, 1)).toEqual([BIG_ID]);
      expect(await store.knownIds(id, [BIG_ID, '12345678901234568', '7'])).toEqual(new Set([BIG_ID, '7']));
      expect(await store.knownIds(id, [BIG_ID, '7'], 2)).toEqual(new Set([BIG_ID]));
      expect(await store.knownIds(id, [])).toEqual(new Set());
      expect(await store.knownIds(id + 1, [BIG_ID])).toEqual(new Set());
    });

    it('returns every raw record byte for byte, the newest snapshot first', async () => {
      const { store, reopen } = current();
      const first = await store.createSnapshot(T0);
      const systems = ODD_RECORDS.map(([rid, raw]) => system(rid, { description: raw }, raw));
      // A decoded `\u0000` in a column value (Postgres TEXT cannot hold U+0000) must not fail the batch.
      systems.push(system('8', { description: 'nul\u0000here', location: '\u0000' }));
      await store.commit(batch(first, { pages: [{ page: 1, systems }] }));
      expect(await store.knownIds(first, ['8'])).toEqual(new Set(['8']));
      for (const [rid, raw] of ODD_RECORDS) expect(await store.rawRecord(rid)).toBe(raw);
      expect(await store.rawRecord('404')).toBeNull();
      const second = await store.createSnapshot(T0 + 1);
      await store.commit(
        batch(second, { pages: [{ page: 3, systems: [system('2', {}, '{"resource_id":2,"new":true}')] }] }),
      );
      const next = await reopen();
      expect(await next.rawRecord('2')).toBe('{"resource_id":2,"new":true}');
      expect(await next.rawRecord(BIG_ID)).toBe(ODD_RECORDS[0]?.[1]);
    });

    it('tells the last stored page at or below a bound; gap pages have none', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      expect(await store.lastStoredPage(id, 10)).toBeNull();
      await store.commit(
        batch(id, {
          pages: [
            { page: 1, systems: [system('1')] },
            { page: 3, systems: [system('3')] },
          ],
          gaps: [gap(2), gap(4)],
          checkpoint: { ...batch(id).checkpoint, last_page: 4 },
        }),
      );
      expect(await store.lastStoredPage(id, 10)).toBe(3);
      expect(await store.lastStoredPage(id, 2)).toBe(1);
      expect(await store.lastStoredPage(id, 0)).toBeNull();
      expect(await store.lastStoredPage(id + 1, 10)).toBeNull();
    });

    it('removes stale ids before counting and counts an id seen twice in one batch once (D53, D71)', async () => {
      const { store, reopen } = current();
      const id = await store.createSnapshot(T0);
      await store.commit(
        batch(id, { pages: [{ page: 1, systems: [system('1'), system('2'), system('3')] }] }),
      );
      const result = await store.commit(
        batch(id, {
          staleIds: ['2', '2', '99'],
          pages: [
            { page: 2, systems: [system('4'), system('1')] },
            { page: 3, systems: [system('4', {}, '{"resource_id":4,"last":true}'), system('5')] },
            { page: 3, systems: [system('5'), system('6')] },
          ],
        }),
      );
      expect(result.systems_extracted).toBe(5);
      expect(await idsOfPages(store, id, 3)).toEqual(['3', '1', '4', '5', '6']);
      expect(await store.rawRecord('4')).toBe('{"resource_id":4,"last":true}');
      // A fresh process counts the rows once (COUNT): the same number.
      const next = await reopen();
      expect((await next.commit(batch(id))).systems_extracted).toBe(5);
      await next.resetCheckpoint(id, 3, T0);
      expect((await next.getCheckpoint(id))?.systems_extracted).toBe(5);
    });

    it('rolls back a commit with a system or gap it cannot store, leaving nothing behind', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      const bad = { ...system('2'), columns: { resource_name: 'pc', branch_office_name: null } };
      await expectDatabaseError(
        () =>
          store.commit(
            batch(id, {
              pages: [{ page: 1, systems: [system('1'), bad] }],
              gaps: [gap(3)],
              checkpoint: { ...batch(id).checkpoint, last_page: 3 },
            }),
          ),
        /System 2 \(page 1\) has no branch_office_name/,
      );
      await expectDatabaseError(
        () => store.commit(batch(id, { pages: [{ page: 1, systems: [system('')] }] })),
        /no resource_id/,
      );
      await expectDatabaseError(() => store.commit(batch(id + 7)), /Snapshot \d+ does not exist/);
      const noType = { ...gap(5), error_type: null } as unknown as GapRecord;
      await expectDatabaseError(
        () =>
          store.commit(
            batch(id, {
              staleIds: ['9'],
              pages: [{ page: 1, systems: [system('1')] }],
              gaps: [gap(2), noType],
            }),
          ),
        /Cannot commit to snapshot \d+: .*error_type/,
      );
      expect(await store.knownIds(id, ['1', '2'])).toEqual(new Set());
      expect(await store.listGaps(id)).toEqual([]);
      expect((await store.getCheckpoint(id))?.last_page).toBe(0);
      // The failed commits did not move the in-memory count either.
      expect(
        (await store.commit(batch(id, { pages: [{ page: 1, systems: [system('1')] }] }))).systems_extracted,
      ).toBe(1);
    });
  });
}
