/** The Store contract, part 3: gaps and gap sweeps, the token budget, the last run, close. */
import { describe, expect, it } from 'vitest';
import { batch, gap, system, T0, type StoreHarness } from './contract-kit.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function gapAndBudgetContract(current: () => StoreHarness): void {
  describe('gaps', () => {
    it('records, re-records (keeping sweeps), fails again and resolves, ordered by page', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      await store.commit(batch(id, { gaps: [gap(9), gap(4)] }));
      await store.commit(
        batch(id, {
          gapRetries: [
            {
              page_num: 4,
              resolved: false,
              attempts: 3,
              error_type: 'network_timeout',
              error_message: 'timeout',
            },
            { page_num: 9, resolved: false, attempts: 2 },
            { page_num: 77, resolved: true, attempts: 1 },
          ],
          nowMs: T0 + 10,
        }),
      );
      let gaps = await store.listGaps(id);
      expect(gaps.map((g) => g.page_num)).toEqual([4, 9]);
      expect(gaps[0]).toEqual({
        snapshot_id: id,
        page_num: 4,
        error_type: 'network_timeout',
        error_message: 'timeout',
        response_sample: '<html>busy</html>',
        attempts: 6,
        retry_sweeps: 1,
        resolved: false,
        resolved_at_ms: null,
      });
      expect(gaps[1]).toMatchObject({ error_type: '5xx_server_error', attempts: 5, retry_sweeps: 1 });

      await store.commit(batch(id, { gaps: [{ ...gap(4), attempts: 1 }] }));
      expect((await store.listGaps(id))[0]).toMatchObject({ retry_sweeps: 1, attempts: 1, resolved: false });

      await store.commit(
        batch(id, { gapRetries: [{ page_num: 4, resolved: true, attempts: 1 }], nowMs: T0 + 20 }),
      );
      gaps = await store.listGaps(id);
      expect(gaps[0]).toMatchObject({ resolved: true, resolved_at_ms: T0 + 20, retry_sweeps: 2 });
      expect(gaps[1]).toMatchObject({ resolved: false, resolved_at_ms: null });
      // A resolved gap recorded again is open again.
      await store.commit(batch(id, { gaps: [gap(4)], nowMs: T0 + 30 }));
      expect((await store.listGaps(id))[0]).toMatchObject({
        resolved: false,
        resolved_at_ms: null,
        retry_sweeps: 2,
      });
    });

    it('applies a page recorded twice, and retried twice, in one batch as consecutive writes would', async () => {
      const { store } = current();
      const id = await store.createSnapshot(T0);
      await store.commit(
        batch(id, { gaps: [gap(2), { ...gap(2), error_message: 'HTTP 502', attempts: 4 }] }),
      );
      expect(await store.listGaps(id)).toMatchObject([
        { page_num: 2, error_message: 'HTTP 502', attempts: 4 },
      ]);
      await store.commit(
        batch(id, {
          gapRetries: [
            {
              page_num: 2,
              resolved: false,
              attempts: 2,
              error_type: 'network_timeout',
              error_message: 'slow',
            },
            { page_num: 2, resolved: true, attempts: 1 },
          ],
          nowMs: T0 + 40,
        }),
      );
      expect(await store.listGaps(id)).toEqual([
        {
          snapshot_id: id,
          page_num: 2,
          error_type: 'network_timeout',
          error_message: 'slow',
          response_sample: '<html>busy</html>',
          attempts: 7,
          retry_sweeps: 2,
          resolved: true,
          resolved_at_ms: T0 + 40,
        },
      ]);
    });

    it('stores gaps and systems of one batch with the checkpoint, and keeps them per snapshot', async () => {
      const { store, reopen } = current();
      const id = await store.createSnapshot(T0);
      await store.commit(
        batch(id, {
          pages: [{ page: 1, systems: [system('1')] }],
          gaps: [gap(2)],
          checkpoint: { ...batch(id).checkpoint, last_page: 2 },
        }),
      );
      const next = await reopen();
      expect((await next.listGaps(id)).map((g) => g.page_num)).toEqual([2]);
      expect((await next.getCheckpoint(id))?.last_page).toBe(2);
      expect(await next.listGaps(id + 1)).toEqual([]);
    });
  });

  describe('token budget', () => {
    it('counts requests inside a window, prunes those older than a day, and survives a reopen', async () => {
      const { store, reopen } = current();
      await store.recordTokenRequest(T0);
      await store.recordTokenRequest(T0 + 1000);
      await store.recordTokenRequest(T0 + 600_000);
      expect(await store.countTokenRequestsSince(T0)).toBe(3);
      expect(await store.countTokenRequestsSince(T0 + 1)).toBe(2);
      expect(await (await reopen()).countTokenRequestsSince(T0)).toBe(3);
      await store.recordTokenRequest(T0 + DAY_MS + 500);
      expect(await store.countTokenRequestsSince(0)).toBe(3);
    });
  });

  describe('last run', () => {
    it('is null until recorded, then holds the newest run only', async () => {
      const { store, reopen } = current();
      expect(await store.lastRun()).toBeNull();
      await store.recordLastRun({
        exit_code: 2,
        outcome: 'partial',
        reason: 'gaps',
        snapshot_id: 4,
        finished_at_ms: T0,
      });
      const run = {
        exit_code: 0,
        outcome: 'target_met',
        reason: null,
        snapshot_id: null,
        finished_at_ms: T0 + 9,
      };
      await store.recordLastRun(run);
      expect(await store.lastRun()).toEqual(run);
      expect(await (await reopen()).lastRun()).toEqual(run);
    });
  });

  describe('close', () => {
    it('can be called twice', async () => {
      const { store } = current();
      await store.close();
      await store.close();
    });
  });
}
