/**
 * Confirmed removals (D85). A system of the previous published snapshot that this complete pass did
 * not return is only a candidate: offset paging may have shifted it onto a page already read. Before
 * the pass may close, each candidate is looked up by id (`scandetails?resid=`): found, it is stored in
 * this snapshot like a page record (source_page 0); answered with an empty list, it is confirmed gone.
 * Systems whose previous page stayed a lost gap are unknown and never looked up (D86); a lookup that
 * fails keeps the previous row (D87). Lookups are paced, retried and booked like page requests, and
 * their progress is committed with the rows they store, so a batch end or a crash loses none (D88).
 */
import type { RemovalCounts, SystemRecord } from '../store/index.ts';
import type { DeferResult, PageResult } from './ports.ts';
import type { RunContext } from './run-context.ts';

/** A pass that must close `failed` (finish.ts). */
export interface PassFailure {
  errorType: string;
  message: string;
}

export type Confirmation =
  /** Nothing holds the close back: no candidates, or every one settled. */
  | { kind: 'clear' }
  /** The batch budget ran out with lookups left: the next run continues them. */
  | { kind: 'unsettled' }
  /** More candidates than PMP_MAX_SHRINK_PCT allows (D15): closed failed, nothing looked up. */
  | { kind: 'too_many'; failure: PassFailure }
  | { kind: 'defer'; result: DeferResult };

/** What one lookup answer says about its system. */
export type Verdict =
  | { kind: 'present'; system: SystemRecord; attempts: number }
  | { kind: 'removed'; attempts: number }
  | { kind: 'unknown'; reason: 'lookup_failed' | 'answer_unusable'; attempts: number };

/**
 * D85: the system is present when the answer holds its id; removed only when the answer is the
 * filter's empty list (no record, total 0); anything else (an API that ignored `resid`, a record it had
 * to reject) proves nothing. A lookup that failed on every attempt proves nothing either.
 */
export function verdictOf(resourceId: string, result: Exclude<PageResult, DeferResult>): Verdict {
  if (result.kind === 'gap') return { kind: 'unknown', reason: 'lookup_failed', attempts: result.attempts };
  const attempts = result.failedAttempts + 1;
  const system = result.page.records.find((record) => record.resource_id === resourceId);
  if (system !== undefined) return { kind: 'present', system, attempts };
  if (result.page.receivedCount === 0 && result.page.total === 0) return { kind: 'removed', attempts };
  return { kind: 'unknown', reason: 'answer_unusable', attempts };
}

/** True once this pass has selected its candidates: it then only finishes its lookups (no sweeps). */
export async function confirming(ctx: RunContext): Promise<boolean> {
  return (await ctx.deps.store.removalCounts(ctx.snapshotId)) !== null;
}

export async function confirmRemovals(ctx: RunContext): Promise<Confirmation> {
  const { store } = ctx.deps;
  let counts = await store.removalCounts(ctx.snapshotId);
  if (counts === null) {
    const selected = await select(ctx);
    if (selected.kind !== 'selected') return selected.kind === 'none' ? { kind: 'clear' } : selected;
    counts = selected.counts;
  } else if (counts.pending > 0) {
    emitCandidates(ctx, counts, true);
  }
  if (counts.pending > 0) {
    const stop = await lookUpPending(ctx);
    if (stop !== null) return stop;
    counts = (await store.removalCounts(ctx.snapshotId)) ?? counts;
  }
  ctx.log.emit('removal_confirmed', {
    previous_snapshot_id: counts.previous_snapshot_id,
    candidates: counts.present + counts.removed + counts.carried_over,
    present: counts.present,
    removed: counts.removed,
    carried_over: counts.carried_over,
  });
  return { kind: 'clear' };
}

type Selection = { kind: 'none' } | { kind: 'selected'; counts: RemovalCounts } | Confirmation;

/** Writes the candidates once, unless there are none or too many (the shrink guard, D15). */
async function select(ctx: RunContext): Promise<Selection> {
  const { store, clock } = ctx.deps;
  const preview = await store.previewRemovalCandidates(ctx.snapshotId);
  if (preview === null || preview.candidates + preview.lost_gap === 0) return { kind: 'none' };
  const publishedSize = (await store.lastSuccessfulSize(ctx.snapshotId)) ?? 0;
  const limitPct = ctx.options.maxShrinkPct;
  if (limitPct < 100 && preview.candidates > (publishedSize * limitPct) / 100) {
    const message =
      `${preview.candidates} of the ${publishedSize} systems of the last successful snapshot ` +
      `(${preview.previous_snapshot_id}) were not returned by this pass (more than ${limitPct}%); ` +
      'not published and not looked up. If the change is real, run once with PMP_MAX_SHRINK_PCT=100.';
    return { kind: 'too_many', failure: { errorType: 'inventory_shrank', message } };
  }
  const counts = await store.selectRemovalCandidates(ctx.snapshotId, clock.nowMs());
  if (counts === null) return { kind: 'none' };
  emitCandidates(ctx, counts, false);
  return { kind: 'selected', counts };
}

function emitCandidates(ctx: RunContext, counts: RemovalCounts, resumed: boolean): void {
  ctx.log.emit('removal_candidates', {
    previous_snapshot_id: counts.previous_snapshot_id,
    candidates: counts.pending + counts.present + counts.removed + counts.carried_over,
    pending: counts.pending,
    lost_gap: counts.lost_gap,
    resumed,
  });
}

/**
 * Looks the pending candidates up, a commit's worth at a time (the page cadence, D6), until none is
 * left; null then, or why it stopped. Each commit settles its lookups with the rows they stored.
 */
async function lookUpPending(ctx: RunContext): Promise<Confirmation | null> {
  const { deps, options } = ctx;
  for (;;) {
    const ids = await deps.store.pendingRemovalCandidates(ctx.snapshotId, options.commitEveryPages);
    if (ids.length === 0) return null;
    for (const id of ids) {
      options.signal.throwIfAborted();
      if (ctx.tally.budget <= 0) {
        await ctx.commit();
        return { kind: 'unsettled' };
      }
      const result = await deps.pages.lookupSystem(id, options.signal, ctx.log);
      ctx.tally.recordLookup(result);
      if (result.kind === 'defer') return { kind: 'defer', result };
      await settle(ctx, id, verdictOf(id, result));
    }
    await ctx.commit();
  }
}

async function settle(ctx: RunContext, resourceId: string, verdict: Verdict): Promise<void> {
  const { attempts } = verdict;
  switch (verdict.kind) {
    case 'present':
      ctx.committer.addLookup(
        { resource_id: resourceId, state: 'present', reason: null, attempts },
        verdict.system,
      );
      return;
    case 'removed':
      ctx.committer.addLookup({ resource_id: resourceId, state: 'removed', reason: null, attempts }, null);
      return;
    case 'unknown': {
      // D87: not reported removed, and kept visible: the previous published row is carried over.
      const [previous] = await ctx.deps.store.previousRecords(ctx.snapshotId, [resourceId]);
      const settlement = {
        resource_id: resourceId,
        state: 'unknown' as const,
        reason: verdict.reason,
        attempts,
      };
      ctx.committer.addLookup(settlement, previous ?? null);
    }
  }
}
